"""Fig. 7: max-cut of random G(n, 0.5) graphs, the device network's normalized score against the
optimum (exact for n <= 24, else the best cut of simulated annealing), the ideal Hopfield
network and the 0.5-approximations."""

import os

import numpy as np

from spinhop.analysis import adjacency, best_cuts, greedy_cut

from . import paper
from .common import existing_files, load, plt, save, se, write_csv


def run(ctx):
    sc, out = ctx["scale"], ctx["out"]
    G = sc["fig7_graphs"]
    if ctx["run"]:
        files = ctx["runner"].run_n_sweep(
            "fig7_maxcut", ["maxcut", "--mapping", "paper", "--density", "0.5", "--graphs", str(G), "-t", str(G)], [],
            sc["fig7_sizes"], "--random-graph", sweep_only=["--random-graph", str(sc["fig7_sizes"][0])])
    else:
        files = existing_files(out, "fig7_maxcut")
    ctx["sim_done"]()
    R = load(files)
    T = R.trial_arrays()
    N = R.points["neurons"].to_numpy().astype(int)
    graph_rows, size_rows = [], []
    per_size = {}
    sa_vs_exact = [0, 0]
    for p in range(R.n_points):
        n = int(N[p])
        gnames = R.group_names[p * R.groups:(p + 1) * R.groups]
        kinds = R.reference_kinds[p * R.groups:(p + 1) * R.groups]
        adjs = []
        for gname in gnames:
            nodes, edges = R.graphs[gname]
            adjs.append(adjacency(nodes, edges))
        adjs = np.array(adjs)
        sa = best_cuts(adjs, sc["sa_restarts"], sc["sa_sweeps"], seed=1000 + n)
        recs = []
        for g, gname in enumerate(gnames):
            m = R.mask(p) & (T["target"] == g)
            total = adjs[g].sum() / 2
            ref = R.reference[p, g]
            kind = kinds[g] if g < len(kinds) else "none"
            if np.isfinite(ref):
                if sa[g] > ref + 1e-9:
                    raise SystemExit(f"reproduce-paper: annealing beat the exact optimum of {gname}: a bug")
                sa_vs_exact[0] += int(abs(sa[g] - ref) < 1e-9)
                sa_vs_exact[1] += 1
                best, bkind = ref, kind
            else:
                best, bkind = sa[g], "best known (annealing)"
            dev = float(T["cut"][m].mean())
            hop = float(np.nanmean(T["hopfield_cut"][m])) if np.any(np.isfinite(T["hopfield_cut"][m])) else float("nan")
            gr = greedy_cut(adjs[g])
            t_sol = float(T["t_solution"][m].mean())
            recs.append((total, best, dev, hop, gr, t_sol, bool(np.all(T["converged"][m] == 1))))
            graph_rows.append([n, gname, int(total), best, bkind, float(sa[g]), dev, hop, gr, 1 - dev / best,
                               1 - hop / best, t_sol, int(m.sum())])
        a = np.array(recs, float)
        norm = lambda col: a[:, col] / a[:, 0]  # noqa: E731
        gap = 1 - a[:, 2] / a[:, 1]
        hgap = 1 - a[:, 3] / a[:, 1]
        kind_label = "exact" if all(k == "exact" for k in kinds) else "best known (annealing)"
        per_size[n] = {"opt": norm(1), "dev": norm(2), "hop": norm(3), "greedy": norm(4), "gap": gap, "hgap": hgap,
                       "kind": kind_label, "t": a[:, 5], "conv": a[:, 6]}
        size_rows.append([n, len(gnames), float(a[:, 0].mean()), kind_label, float(norm(1).mean()), se(norm(1)),
                          float(norm(2).mean()), se(norm(2)), float(norm(3).mean()), se(norm(3)),
                          float(norm(4).mean()), 0.5, float(gap.mean()), float(hgap.mean()),
                          float(a[:, 5].mean()), float(a[:, 6].mean())])
    write_csv(os.path.join(out, "tables", "fig7_maxcut_graphs.csv"),
              ["nodes", "graph", "edges", "reference_cut", "reference_kind", "annealing_cut", "device_cut",
               "hopfield_cut", "greedy_cut", "device_gap", "hopfield_gap", "t_solution_s", "trials"], graph_rows)
    write_csv(os.path.join(out, "tables", "fig7_maxcut.csv"),
              ["nodes", "graphs", "edges_mean", "reference_kind", "reference_score", "reference_score_se",
               "device_score", "device_score_se", "hopfield_score", "hopfield_score_se", "greedy_score",
               "random_cut_expected_score", "device_gap_mean", "hopfield_gap_mean", "t_solution_mean_s",
               "converged_fraction"], size_rows)

    sizes = sorted(per_size)
    ex = [n for n in sizes if per_size[n]["kind"] == "exact"]
    bk = [n for n in sizes if per_size[n]["kind"] != "exact"]
    mean = lambda key, ns: np.array([per_size[n][key].mean() for n in ns])  # noqa: E731
    sem = lambda key, ns: np.array([se(per_size[n][key]) for n in ns])  # noqa: E731
    all_gaps = np.concatenate([per_size[n]["gap"] for n in sizes])
    all_hgaps = np.concatenate([per_size[n]["hgap"] for n in sizes])
    dev_minus_opt = np.concatenate([per_size[n]["opt"] - per_size[n]["dev"] for n in sizes])

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1.4, 1]})
    ax.plot(sizes, mean("opt", sizes), color="k", lw=1, zorder=1)
    if ex:
        ax.errorbar(ex, mean("opt", ex), yerr=sem("opt", ex), color="k", marker="s", ms=5, ls="none", capsize=2,
                    label="optimum (exact, exhaustive search)")
    if bk:
        ax.errorbar(bk, mean("opt", bk), yerr=sem("opt", bk), color="k", marker="s", mfc="white", ms=5, ls="none",
                    capsize=2, label="best known (simulated annealing)")
    ax.errorbar(sizes, mean("dev", sizes), yerr=sem("dev", sizes), color="tab:red", marker="o", ms=5, capsize=2,
                label="spinhop DW-MTJ network")
    ax.errorbar(sizes, mean("hop", sizes), yerr=sem("hop", sizes), color="tab:purple", marker="^", ms=5, capsize=2,
                ls="--", label="ideal discrete Hopfield network")
    ax.axhline(0.5, color="tab:gray", ls=":", lw=1.5, label="0.5-approximation: random cut (expected score 0.5)")
    ax.plot(sizes, mean("greedy", sizes), color="tab:gray", marker="v", ms=5, ls="-.",
            label="greedy 0.5-approximation (stronger than naive)")
    ax.set_xlabel("graph size n (nodes)")
    ax.set_ylabel("normalized max-cut score (cut edges / edges)")
    ax.set_title(f"(a) Fig. 7: max-cut of 50%-density random graphs ({G} graphs per size;\n"
                 "error bars: standard error over graphs)", fontsize=10)
    ax.set_ylim(0.45, None)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    ax2.plot(sizes, 100 * mean("gap", sizes), color="tab:red", marker="o", label="spinhop DW-MTJ network")
    ax2.plot(sizes, 100 * mean("hgap", sizes), color="tab:purple", marker="^", ls="--",
             label="ideal discrete Hopfield network")
    ax2.axhline(100 * paper.MAXCUT_GAP, color="k", ls=":", label=f"paper: {paper.MAXCUT_GAP.text} on average")
    ax2.axhline(100 * all_gaps.mean(), color="tab:red", ls=":",
                label=f"spinhop: {100 * all_gaps.mean():.2f}% on average")
    if bk:
        ax2.axvspan(min(bk) - 2.5, max(bk) + 2.5, color="0.9", lw=0, label="reference: best known (annealing)")
    ax2.set_xlabel("graph size n (nodes)")
    ax2.set_ylabel("gap to the reference, 1 - cut / reference (%)")
    ax2.set_title("(b) mean gap to the optimum (or best known)", fontsize=10)
    ax2.set_ylim(0, 100 * max(mean("gap", sizes).max(), mean("hgap", sizes).max()) * 1.45)
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    save(fig, ctx["figdir"], "fig7_maxcut")
    ctx["res"]["fig7"] = {
        "graphs": G, "sizes": sizes, "gap_mean": float(all_gaps.mean()), "hgap_mean": float(all_hgaps.mean()),
        "diff_mean": float(dev_minus_opt.mean()),
        "gap_exact": float(np.concatenate([per_size[n]["gap"] for n in ex]).mean()) if ex else float("nan"),
        "gap_bk": float(np.concatenate([per_size[n]["gap"] for n in bk]).mean()) if bk else float("nan"),
        "min_margin_over_greedy": float(min((per_size[n]["dev"] - per_size[n]["greedy"]).mean() for n in sizes)),
        "min_margin_over_half": float(min(per_size[n]["dev"].mean() - 0.5 for n in sizes)),
        "sa_vs_exact": sa_vs_exact, "exact_sizes": ex, "bk_sizes": bk,
        "per_size": per_size, "conv": float(np.mean(np.concatenate([per_size[n]["conv"] for n in sizes]))),
    }
    ctx["attrs"]["fig7"] = R.attrs
