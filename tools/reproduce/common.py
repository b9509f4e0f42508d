"""Shared helpers of the experiments: paths, scales, reading results, CSV and figure output,
the timing and energy statistics of a set of trials."""

import csv
import glob
import math
import os

import matplotlib
import numpy as np
import spinhop  # python/spinhop: tools/reproduce-paper puts ROOT/python on sys.path
from spinhop.analysis import power

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository

LETTER_COLORS = {"u": "tab:blue", "t": "tab:orange", "d": "tab:green"}
P_COLORS = {1: "tab:blue", 2: "tab:orange", 3: "tab:green"}


def scale(quick):
    """The number of trials, points and graphs of each experiment: --quick or full."""
    if quick:
        return {
            "name": "quick",
            "fig5_trials": 100, "fig5_n": list(range(2, 30)), "fig5_p": [1, 2, 3],
            "fig6_trials": 60, "fig6_d": [round(0.1 * k, 2) for k in range(6)],
            "fig7_sizes": [10, 20, 30, 40, 50, 60], "fig7_graphs": 5,
            "fig8_w": [0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.12, 0.16, 0.2], "fig8_trials": 20,
            "recall60_trials": 100, "g05_trials": 10,
            "sa_restarts": 16, "sa_sweeps": 200,
        }
    return {
        "name": "full",
        "fig5_trials": 1000, "fig5_n": list(range(2, 30)), "fig5_p": [1, 2, 3],
        "fig6_trials": 1000, "fig6_d": [round(0.05 * k, 2) for k in range(11)],
        "fig7_sizes": list(range(10, 61, 5)), "fig7_graphs": 20,
        "fig8_w": [round(0.01 * k, 2) for k in range(1, 21)], "fig8_trials": 100,
        "recall60_trials": 100, "g05_trials": 10,
        "sa_restarts": 32, "sa_sweeps": 400,
    }


def fmt_list(values):
    """Sweep values as spinhop's --sweep takes them: 1,2,3 or 0.1,0.2."""
    return ",".join(repr(v) if isinstance(v, float) else str(v) for v in values)


def load(files):
    """The results of one experiment (one file or one per N) as a spinhop.results.Results."""
    try:
        return spinhop.open_many(files)
    except spinhop.FormatError as e:
        raise SystemExit(f"reproduce-paper: {e}")


def existing_files(out, name):
    """--replot: the files of experiment `name` in OUT/data/ (NAME.h5, or NAME_N*.h5)."""
    data = os.path.join(out, "data")
    single = os.path.join(data, name + ".h5")
    if os.path.exists(single):
        return [single]
    files = sorted(glob.glob(os.path.join(data, name + "_N*.h5")))
    if not files:
        raise SystemExit(f"reproduce-paper: --replot: no {name}.h5 in {data}")
    return files


def se(x):
    """Standard error of the mean of the finite values (NaN for fewer than two)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(np.std(x, ddof=1) / math.sqrt(len(x))) if len(x) > 1 else float("nan")


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([("%.6g" % v) if isinstance(v, (float, np.floating)) else v for v in r])


def save(fig, figdir, name):
    fig.savefig(os.path.join(figdir, name + ".png"), dpi=150)
    fig.savefig(os.path.join(figdir, name + ".pdf"))
    plt.close(fig)


def timing_stats(T, sel=None):
    """Time [s] / energy [J] / power [W] statistics over the converged trials of a selection
    (`T`: Results.trial_arrays(); `sel`: a mask over its rows, None for all), the paper's
    definitions: power = total energy / total time."""
    m = np.ones(len(T["point"]), bool) if sel is None else sel
    c = m & (T["converged"] == 1)
    t, ep, ex = T["t_solution"][c], T["energy_paper"][c], T["energy_exact"][c]
    return {
        "trials": int(m.sum()), "converged": int(c.sum()),
        "success": float(np.mean(T["success"][m] == 1)),
        "t_mean": float(t.mean()), "t_median": float(np.median(t)), "t_max": float(t.max()),
        "t_min": float(t.min()),
        "e_paper_mean": float(ep.mean()), "e_paper_max": float(ep.max()), "e_paper_median": float(np.median(ep)),
        "e_exact_mean": float(ex.mean()), "e_exact_max": float(ex.max()), "e_exact_median": float(np.median(ex)),
        "p_paper": power(ep, t), "p_exact": power(ex, t),
        "t": t, "ep": ep, "ex": ex,
    }
