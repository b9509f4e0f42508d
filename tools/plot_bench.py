#!/usr/bin/python3
"""Plots spinhop_bench JSON lines: trials/s and device-updates/s against N per backend and thread
count, and steps per trial against N (the two ways the work of a trial scales: ~N^2 per step,
and a step count that should not depend on N).

  tools/plot_bench.py bench.json [more.json ...] -o scaling.png
"""
import argparse
import json
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("files", nargs="+")
ap.add_argument("-o", "--output", default="scaling.png")
args = ap.parse_args()

series = defaultdict(list)
for path in args.files:
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                label = f"{r['backend']} x{r['threads']}" if r["backend"] == "cpu" else r["device"]
                rows = series[(label, r["workload"])]
                # --gpu-layouts adds alternative layouts after the default one: plot the default
                if all(x["n"] != r["n"] for x in rows):
                    rows.append(r)

fig, ax = plt.subplots(1, 4, figsize=(20, 4.5))
for (label, workload), rows in sorted(series.items()):
    rows.sort(key=lambda r: r["n"])
    n = [r["n"] for r in rows]
    name = f"{label}, {workload}"
    ax[0].loglog(n, [r["trials_per_second"] for r in rows], "o-", label=name)
    ax[1].loglog(n, [r["device_updates_per_second"] for r in rows], "o-", label=name)
    ax[2].semilogx(n, [r["steps_per_trial"] for r in rows], "o-", label=name)
    # amortised time of one network step (1 / network-steps per second): grows as N^2 once N fills the vectors
    ax[3].loglog(n, [1 / (r["trials_per_second"] * r["steps_per_trial"]) for r in rows], "o-", label=name)
ax[0].set(xlabel="neurons N", ylabel="trials per second [1/s]", title="throughput")
ax[1].set(xlabel="neurons N", ylabel="device-updates per second [1/s]",
          title="device-updates/s (steps x N^2 per trial)")
ax[2].set(xlabel="neurons N", ylabel="integrator steps per trial", title="steps per trial")
ax[2].set_ylim(bottom=0)
ref = [10, 256]
ax[3].loglog(ref, [2e-8 * (x / 10) ** 2 for x in ref], "k--", label="~N^2")
ax[3].set(xlabel="neurons N", ylabel="seconds per network-step, amortised [s]",
          title="cost of one integrator step of a network")
ax[3].legend(fontsize=7)
for a in ax:
    a.grid(True, which="both", alpha=0.3)
ax[0].legend(fontsize=7)
fig.tight_layout()
fig.savefig(args.output, dpi=120)
print(f"wrote {args.output}")
