"""One trial's waveforms (recall, N = 10): soma and axon wall positions and the power of every
source against time, loading and relaxing phases marked."""

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .common import existing_files, load, plt, save


def run(ctx):
    out = ctx["out"]
    n = 10
    if ctx["run"]:
        # one axon per neuron (neuron i onto dendrite i+1); spinhop stores at most N-1 traced axons
        axons = [f"{i}:{(i + 1) % n}" for i in range(n - 1)]
        files = ctx["runner"].run("waveforms_recall_n10", ["recall", "--neurons", str(n), "-t", "1", "--traces", "1",
                                                           "--trace-axons"] + axons)
    else:
        files = existing_files(out, "waveforms_recall_n10")
    ctx["sim_done"]()
    R = load(files)
    if not R.traces:
        raise SystemExit("reproduce-paper: the waveform run stored no trace")
    tr = R.traces[0]
    T = R.trial_arrays()
    k = int(np.where((T["point"] == tr["point"]) & (T["trial"] == tr["trial"]))[0][0])
    t = tr["t"] * 1e9
    length = float(R.config.get("length", 1e-7))
    soma = tr["soma_x"] / length * 100
    ax_x = tr["axon_x"] / length * 100
    ids = tr["axon_ids"]
    phase = tr["phase"]
    t_load = float(T["t_load"][k]) * 1e9
    t_sol = float(T["t_solution"][k]) * 1e9
    final = R.states()[k, :n].astype(np.uint8)
    given = R.inputs()[k, :n].astype(np.uint8)
    cmap = plt.get_cmap("tab10")
    fig, (a1, a2, a3) = plt.subplots(3, 1, figsize=(9, 8.5), sharex=True,
                                     gridspec_kw={"height_ratios": [2, 2, 1]})
    load_end = t[phase == 0].max() if np.any(phase == 0) else t_load
    for a_ in (a1, a2, a3):
        a_.axvspan(0, t_load, color="tab:blue", alpha=0.08, lw=0)
        a_.axvspan(t_load, t_sol, color="tab:orange", alpha=0.08, lw=0)
        a_.axvline(t_sol, color="k", ls=":", lw=1)
        a_.grid(alpha=0.3)
    # neurons whose soma walls move together (same input, same fate) are drawn as one curve
    groups = []
    for i in range(n):
        for g in groups:
            if np.nanmax(np.abs(soma[:, i] - soma[:, g[0]])) < 0.5:
                g.append(i)
                break
        else:
            groups.append([i])
    colour = {}
    for gi, g in enumerate(groups):
        for i in g:
            colour[i] = cmap(gi % 10)
        a1.plot(t, soma[:, g[0]], color=cmap(gi % 10), lw=1.8,
                label=f"soma{'s' if len(g) > 1 else ''} {', '.join(map(str, g))}: "
                      f"input {given[g[0]]} -> read-out {final[g[0]]}")
    drawn = []
    for c in range(min(ids.shape[0], ax_x.shape[1])):
        if np.all(np.isnan(ax_x[:, c])):
            continue
        i, j = int(ids[c, 0]), int(ids[c, 1])
        same = [d for d in drawn if np.nanmax(np.abs(ax_x[:, c] - ax_x[:, d[0]])) < 0.5 and colour[d[1][0][0]] == colour[i]]
        if same:
            same[0][1].append((i, j))
            continue
        drawn.append((c, [(i, j)]))
    for c, members in drawn:
        a2.plot(t, ax_x[:, c], color=colour[members[0][0]], lw=1.8,
                label=f"axon{'s' if len(members) > 1 else ''} " + ", ".join(f"{i}->{j}" for i, j in members))
    a3.plot(t, tr["power"] * 1e3, color="k", lw=1.2, label="power of every source")
    a1.set_ylabel("soma wall position\n(% of track length)")
    a2.set_ylabel("axon wall position\n(% of track length)")
    a3.set_ylabel("power (mW)")
    a3.set_xlabel("time since loading started (ns)")
    a1.set_ylim(-3, 103)
    a2.set_ylim(-3, 103)
    a1.set_title(f"One trial's waveforms: random-pattern recall, N = {n}, P = 1 "
                 f"(trial {int(tr['trial'])}, {'recalled' if T['success'][k] == 1 else 'not recalled'}); "
                 "one curve per group of identical walls", fontsize=10)
    phase_handles = [Patch(color="tab:blue", alpha=0.25, label=f"loading (inputs on, 0-{t_load:.0f} ns)"),
                     Patch(color="tab:orange", alpha=0.25, label="relaxing (inputs off)"),
                     Line2D([], [], color="k", ls=":", label=f"time to solution {t_sol:.1f} ns")]
    a1.legend(fontsize=7.5, loc="center right")
    a2.legend(fontsize=7.5, loc="center right")
    a3.legend(handles=phase_handles + a3.get_legend_handles_labels()[0], fontsize=7, loc="upper right")
    a3.set_xlim(0, max(t.max(), t_sol) * 1.02)
    fig.tight_layout()
    save(fig, ctx["figdir"], "waveforms")
    ctx["res"]["waveforms"] = {"t_sol": t_sol, "t_load": t_load, "load_end": load_end,
                               "success": int(T["success"][k])}
    ctx["attrs"]["waveforms"] = R.attrs

