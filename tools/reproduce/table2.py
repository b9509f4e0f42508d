"""Section IV.B and Table II: time to solution, power and energy of recall (N = 60), the
images of Fig. 6 (N = 100) and max-cut of the g05_60.0-9 graphs, against the paper."""

import os

import numpy as np

from spinhop.analysis import adjacency, best_cuts

from . import paper
from .common import ROOT, existing_files, load, plt, save, timing_stats, write_csv

NAN = float("nan")


def run(ctx):
    sc, out = ctx["scale"], ctx["out"]
    g05 = [os.path.join(ROOT, "data", "maxcut", f"g05_60.{k}") for k in range(10)]
    if ctx["run"]:
        f_rec = ctx["runner"].run("table2_recall_n60", ["recall", "--neurons", "60", "-t", str(sc["recall60_trials"])])
        argv = ["maxcut", "--mapping", "paper"]
        for g in g05:
            argv += ["--graph", g]
        f_mc = ctx["runner"].run("table2_maxcut_g05_60", argv + ["-t", str(sc["g05_trials"])])
    else:
        f_rec = existing_files(out, "table2_recall_n60")
        f_mc = existing_files(out, "table2_maxcut_g05_60")
    ctx["sim_done"]()
    Rr, Rm = load(f_rec), load(f_mc)
    rec = timing_stats(Rr.trial_arrays())
    T = Rm.trial_arrays()
    mc = timing_stats(T)
    img = ctx["res"]["fig6"]["timing"] if "fig6" in ctx["res"] else None
    # per-graph max-cut table, and the annealing heuristic checked against the proven optima
    rows = []
    adjs = []
    names = Rm.group_names[:Rm.groups]
    for gname in names:
        nodes, edges = Rm.graphs[gname]
        adjs.append(adjacency(nodes, edges))
    sa = best_cuts(np.array(adjs), sc["sa_restarts"], sc["sa_sweeps"], seed=60)
    sa_hits = 0
    for g, gname in enumerate(names):
        m = T["target"] == g
        ref = Rm.reference[0, g]
        sa_hits += int(abs(sa[g] - ref) < 1e-9)
        rows.append([gname, int(adjs[g].sum() / 2), ref, float(sa[g]), float(T["cut"][m].mean()),
                     float(T["gap"][m].mean()), float(T["t_solution"][m].mean()),
                     float(T["energy_paper"][m].mean()), float(T["energy_exact"][m].mean()),
                     float(np.nanmean(T["hopfield_cut"][m])), int(m.sum()), int(np.all(T["converged"][m] == 1))])
    write_csv(os.path.join(out, "tables", "maxcut_g05_60.csv"),
              ["graph", "edges", "optimum", "annealing_cut", "device_cut", "gap", "t_solution_s",
               "energy_paper_J", "energy_exact_J", "hopfield_cut", "trials", "converged"], rows)
    mc["gap_mean"] = float(np.mean([r[5] for r in rows]))
    mc["sa_hits"] = sa_hits
    mc["worst_graph"] = rows[int(np.argmax([r[7] for r in rows]))][0]
    mc["graph_rows"] = rows
    # Table II
    t2 = [["Memristor RNN (paper, quoted)", paper.MEMRISTOR_T, paper.MEMRISTOR_POWER, paper.MEMRISTOR_E, ""],
          ["SONOS RNN (paper, quoted)", NAN, NAN, paper.SONOS_E, ""],
          ["Spintronic RNN (paper)", paper.MAXCUT_T_MEAN, paper.MAXCUT_POWER, paper.MAXCUT_E_MEAN, "paper model"],
          ["Spintronic RNN (spinhop, paper-model energy)", mc["t_mean"], mc["p_paper"], mc["e_paper_mean"], "paper model"],
          ["Spintronic RNN (spinhop, exact energy)", mc["t_mean"], mc["p_exact"], mc["e_exact_mean"], "exact"]]
    write_csv(os.path.join(out, "tables", "table2_maxcut_efficiency.csv"),
              ["work", "time_to_solution_s", "power_W", "energy_J", "energy_model"], t2)
    # section IV.B
    ivb = [["recall N=60", "paper", paper.RECALL_T_MEAN, paper.RECALL_T_MAX, paper.RECALL_POWER,
            paper.RECALL_E_MEAN, paper.RECALL_E_WORST, NAN, NAN, NAN, paper.RECALL_TRIALS, NAN],
           ["recall N=60", "spinhop", rec["t_mean"], rec["t_max"], rec["p_paper"], rec["e_paper_mean"],
            rec["e_paper_max"], rec["p_exact"], rec["e_exact_mean"], rec["e_exact_max"], rec["trials"], rec["success"]]]
    ivb.append(["images N=100", "paper", paper.IMAGES_T_MEAN, NAN, NAN, paper.IMAGES_E_MEAN,
                NAN, NAN, NAN, NAN, paper.IMAGES_TRIALS, NAN])
    if img:
        ivb.append(["images N=100", "spinhop", img["t_mean"], img["t_max"], img["p_paper"], img["e_paper_mean"],
                    img["e_paper_max"], img["p_exact"], img["e_exact_mean"], img["e_exact_max"], img["trials"],
                    img["success"]])
    ivb.append(["maxcut g05_60.0-9", "paper", paper.MAXCUT_T_MEAN, NAN, paper.MAXCUT_POWER,
                paper.MAXCUT_E_MEAN, paper.MAXCUT_E_WORST, NAN, NAN, NAN, paper.MAXCUT_TRIALS, NAN])
    ivb.append(["maxcut g05_60.0-9", "spinhop", mc["t_mean"], mc["t_max"], mc["p_paper"], mc["e_paper_mean"],
                mc["e_paper_max"], mc["p_exact"], mc["e_exact_mean"], mc["e_exact_max"], mc["trials"], mc["success"]])
    write_csv(os.path.join(out, "tables", "section4b_timing_energy.csv"),
              ["task", "source", "t_solution_mean_s", "t_solution_max_s", "power_paper_model_W",
               "energy_paper_model_mean_J", "energy_paper_model_worst_J", "power_exact_W", "energy_exact_mean_J",
               "energy_exact_worst_J", "trials", "success_rate"], ivb)

    # figure: distributions with the paper's numbers marked
    cols = [("recall, N = 60", rec, paper.RECALL_T_MEAN, paper.RECALL_T_MAX, paper.RECALL_E_MEAN,
             paper.RECALL_E_WORST)]
    if img:
        cols.append(("images, N = 100 (all levels; the ~17 ns peak: d = 0)", img, paper.IMAGES_T_MEAN, None,
                     paper.IMAGES_E_MEAN, None))
    cols.append(("max-cut, g05_60.0-9", mc, paper.MAXCUT_T_MEAN, None, paper.MAXCUT_E_MEAN, paper.MAXCUT_E_WORST))
    fig, axes = plt.subplots(2, len(cols), figsize=(4.4 * len(cols), 7))
    for c, (title, s, pt, ptmax, pe, pemax) in enumerate(cols):
        a1, a2 = axes[0, c], axes[1, c]
        bins = min(40, max(8, len(s["t"]) // 8))
        few = len(s["t"]) < 30  # a dot per trial rather than a histogram
        if few:
            yy = np.arange(len(s["t"]))
            a1.plot(1e9 * s["t"], yy, "o", color="tab:blue", label="spinhop trials")
        else:
            a1.hist(1e9 * s["t"], bins=bins, color="tab:blue", alpha=0.7, label="spinhop trials")
        a1.axvline(1e9 * pt, color="k", ls="--", label=f"paper mean {1e9 * pt:.4g} ns")
        a1.axvline(1e9 * s["t_mean"], color="tab:blue", ls="-", label=f"spinhop mean {1e9 * s['t_mean']:.4g} ns")
        if ptmax:
            a1.axvline(1e9 * ptmax, color="k", ls=":", label=f"paper max {1e9 * ptmax:.4g} ns")
            a1.axvline(1e9 * s["t_max"], color="tab:blue", ls=":", label=f"spinhop max {1e9 * s['t_max']:.4g} ns")
        a1.set_xlabel("time to solution (ns)")
        a1.set_ylabel(("trial k (graph g05_60.k)" if "max-cut" in title else "trial") if few else "trials")
        if few:
            a1.set_yticks(range(len(s["t"])))
        a1.set_title(title, fontsize=10)
        a1.legend(fontsize=7)
        lo = 1e9 * min(s["ep"].min(), s["ex"].min())
        hi = 1e9 * max(s["ep"].max(), s["ex"].max(), pemax or 0)
        eb = np.linspace(lo * 0.95, hi * 1.02, bins + 1)
        if few:
            a2.plot(1e9 * s["ep"], yy, "s", color="tab:red", label="paper model")
            a2.plot(1e9 * s["ex"], yy, "o", color="0.4", mfc="none", label="exact")
        else:
            a2.hist(1e9 * s["ep"], bins=eb, color="tab:red", alpha=0.6, label="paper model")
            a2.hist(1e9 * s["ex"], bins=eb, color="0.4", alpha=0.5, label="exact")
        a2.axvline(1e9 * pe, color="k", ls="--", label=f"paper mean {1e9 * pe:.4g} nJ")
        a2.axvline(1e9 * s["e_paper_mean"], color="tab:red", ls="-",
                   label=f"spinhop mean {1e9 * s['e_paper_mean']:.4g} nJ (model)")
        a2.axvline(1e9 * s["e_exact_mean"], color="0.3", ls="-",
                   label=f"spinhop mean {1e9 * s['e_exact_mean']:.4g} nJ (exact)")
        if pemax:
            a2.axvline(1e9 * pemax, color="k", ls=":", label=f"paper worst {1e9 * pemax:.4g} nJ")
        a2.set_xlabel("energy per trial (nJ)")
        a2.set_ylabel(("trial k (graph g05_60.k)" if "max-cut" in title else "trial") if few else "trials")
        if few:
            a2.set_yticks(range(len(s["t"])))
        a2.legend(fontsize=7)
    fig.suptitle("Section IV.B and Table II: time to solution and energy per trial, spinhop against the paper",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    save(fig, ctx["figdir"], "section4b_timing_energy")
    ctx["res"]["table2"] = {"recall": rec, "maxcut": mc, "images": img}
    ctx["attrs"]["table2"] = Rr.attrs
