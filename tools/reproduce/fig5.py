"""Fig. 5: random-pattern recall, bit accuracy against N for P = 1, 2, 3 stored patterns."""

import os

import numpy as np

from . import paper
from .common import P_COLORS, existing_files, fmt_list, load, plt, save, se, write_csv


def run(ctx):
    sc, out = ctx["scale"], ctx["out"]
    if ctx["run"]:
        files = ctx["runner"].run_n_sweep(
            "fig5_recall", ["recall", "-t", str(sc["fig5_trials"])],
            ["P=" + fmt_list(sc["fig5_p"])], sc["fig5_n"], "--neurons")
    else:
        files = existing_files(out, "fig5_recall")
    ctx["sim_done"]()
    R = load(files)
    P = R.param("patterns").astype(int)
    N = R.points["neurons"].to_numpy().astype(int)
    T = R.trial_arrays()
    rows = []
    for p in range(R.n_points):
        m = R.mask(p)
        acc = T["bit_accuracy"][m]
        rows.append([int(P[p]), int(N[p]), int(m.sum()), float(acc.mean()), se(acc),
                     float(np.mean(T["success"][m] == 1)), float(np.mean(T["converged"][m] == 1)),
                     float(np.mean(T["undecided"][m] > 0)),
                     float(np.nanmean(np.where(T["hopfield_success"][m] >= 0, T["hopfield_accuracy"][m], np.nan))),
                     float(np.median(T["t_solution"][m][T["converged"][m] == 1]))
                     if np.any(T["converged"][m] == 1) else float("nan")])
    rows.sort()
    header = ["patterns", "neurons", "trials", "bit_accuracy_mean", "bit_accuracy_se", "success_rate",
              "converged_fraction", "undecided_fraction", "hopfield_bit_accuracy_mean", "t_solution_median_s"]
    write_csv(os.path.join(out, "tables", "fig5_recall_accuracy.csv"), header, rows)
    arr = np.array([r[:10] for r in rows], float)

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    for pp in sorted(set(P)):
        s = arr[arr[:, 0] == pp]
        ax.errorbar(s[:, 1], 100 * s[:, 3], yerr=100 * s[:, 4], marker="o", ms=4, capsize=2,
                    color=P_COLORS.get(pp), label=f"spinhop, P = {pp}")
        ax2.plot(s[:, 1], 100 * s[:, 5], marker="o", ms=4, color=P_COLORS.get(pp), label=f"P = {pp}")
    nmax = max(N)
    ax.axhline(100 * paper.P1_ACCURACY, color=P_COLORS[1], ls=":", lw=1.5,
               label=f"paper, P=1: {paper.P1_ACCURACY.text} (\"perfect\")")
    ax.hlines(100 * paper.P2_ACCURACY, paper.P2_FROM_N, nmax + 0.5, color=P_COLORS[2], ls="--", lw=1.5,
              label=f"paper, P=2: approaching {paper.P2_ACCURACY.text}")
    ax.hlines(100 * paper.P3_ACCURACY, paper.P3_ABOVE_N + 0.5, nmax + 0.5, color=P_COLORS[3], ls="--", lw=1.5,
              label=f"paper, P=3: > {paper.P3_ACCURACY.text} for N > {paper.P3_ABOVE_N}")
    ax.set_xlabel("network size N (neurons)")
    ax.set_ylabel("mean bit accuracy (%)")
    ax.set_title("(a) Fig. 5: random-pattern recall, bit accuracy\n"
                 f"({sc['fig5_trials']} trials per point, error bars: standard error)", fontsize=10)
    ax.set_ylim(70, 101.5)
    ax.set_xlim(1, nmax + 1)
    ax.legend(fontsize=8, loc="lower right", ncol=2)
    ax.grid(alpha=0.3)
    n2 = (arr[:, 0] == 1) & (arr[:, 1] == 2)
    ax.annotate("P=1 below 100% only at even N: inputs\nequidistant from the pattern and its inverse\n"
                "(ties); at N=2 a balanced pattern is not stable",
                xy=(2, float(arr[n2, 3][0] * 100) if np.any(n2) else 75), xytext=(3.5, 76.5), fontsize=7.5,
                arrowprops=dict(arrowstyle="->", color="gray"))
    ax2.set_xlabel("network size N (neurons)")
    ax2.set_ylabel("trials recalled exactly (%)")
    ax2.set_title("(b) success: read-out = a stored pattern or its inverse", fontsize=10)
    ax2.set_ylim(0, 102)
    ax2.axhline(100 * paper.P1_ACCURACY, color=P_COLORS[1], ls=":", lw=1.2, label="paper, P=1: \"perfect\"")
    ax2.legend(fontsize=8, loc="lower right")
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    save(fig, ctx["figdir"], "fig5_recall")

    # numbers for the summary
    p1 = arr[arr[:, 0] == 1]
    odd, even = p1[p1[:, 1] % 2 == 1], p1[p1[:, 1] % 2 == 0]
    p2 = arr[arr[:, 0] == 2]
    p3 = arr[arr[:, 0] == 3]
    p3big = p3[p3[:, 1] > paper.P3_ABOVE_N]
    r = ctx["res"]
    r["fig5"] = {
        "trials": sc["fig5_trials"],
        "p1_mean": float(p1[:, 3].mean()),
        "p1_odd_min": float(odd[:, 3].min()) if len(odd) else float("nan"),
        "p1_odd_success_min": float(odd[:, 5].min()) if len(odd) else float("nan"),
        "p1_even_min_n4": float(even[even[:, 1] >= 4, 3].min()) if np.any(even[:, 1] >= 4) else float("nan"),
        "p1_even_min_n4_at": int(even[even[:, 1] >= 4][np.argmin(even[even[:, 1] >= 4, 3]), 1]) if np.any(even[:, 1] >= 4) else -1,
        "p1_n2": float(p1[p1[:, 1] == 2, 3][0]) if np.any(p1[:, 1] == 2) else float("nan"),
        "p1_n2_success": float(p1[p1[:, 1] == 2, 5][0]) if np.any(p1[:, 1] == 2) else float("nan"),
        "p1_largest_even": (int(even[-1, 1]), float(even[-1, 3])) if len(even) else (-1, float("nan")),
        "p2_last": (int(p2[-1, 1]), float(p2[-1, 3]), float(p2[-1, 4])),
        "p2_mean_ge25": float(p2[p2[:, 1] >= 25, 3].mean()) if np.any(p2[:, 1] >= 25) else float("nan"),
        "p3_min_gt17": (int(p3big[np.argmin(p3big[:, 3]), 1]), float(p3big[:, 3].min())) if len(p3big) else (-1, float("nan")),
        "p3_mean_gt17": float(p3big[:, 3].mean()) if len(p3big) else float("nan"),
        "converged_min": float(arr[:, 6].min()),
        "p3_converged_min": float(p3[:, 6].min()),
        "table": arr,
    }
    ctx["attrs"]["fig5"] = R.attrs
