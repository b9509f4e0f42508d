"""Fig. 8: recall at N = 60, V_C = 0.25 V against the synaptic weight voltage W: time to
solution, energy and the energy-delay product (EDP) with its minimum."""

import os

import numpy as np

from spinhop.analysis import power

from . import paper
from .common import existing_files, fmt_list, load, plt, save, write_csv


def run(ctx):
    sc, out = ctx["scale"], ctx["out"]
    if ctx["run"]:
        files = ctx["runner"].run("fig8_w_sweep", ["recall", "--neurons", "60", "--vc", "0.25",
                                                   "-t", str(sc["fig8_trials"]),
                                                   "--sweep", "W=" + fmt_list(sc["fig8_w"])])
    else:
        files = existing_files(out, "fig8_w_sweep")
    ctx["sim_done"]()
    R = load(files)
    T = R.trial_arrays()
    W = R.param("w")
    rows = []
    for p in range(R.n_points):
        m = R.mask(p)
        c = m & (T["converged"] == 1)
        t, ep, ex = T["t_solution"][c], T["energy_paper"][c], T["energy_exact"][c]
        rows.append([float(W[p]), int(m.sum()), int(c.sum()), float(np.mean(T["success"][m] == 1)),
                     float(np.median(t)), float(np.median(ep)), float(np.median(ex)),
                     float(np.median(t * ep)), float(np.median(t * ex)),
                     float(np.median(t) * np.median(ep)), float(np.median(t) * np.median(ex)),
                     power(ep, t), power(ex, t)])
    rows.sort()
    write_csv(os.path.join(out, "tables", "fig8_w_sweep.csv"),
              ["W_V", "trials", "converged", "success_rate", "t_solution_median_s", "energy_paper_median_J",
               "energy_exact_median_J", "edp_paper_median_Js", "edp_exact_median_Js",
               "edp_paper_of_medians_Js", "edp_exact_of_medians_Js", "power_paper_W", "power_exact_W"], rows)
    a = np.array(rows, float)
    w, t, ep, ex, edp_p, edp_x = a[:, 0], a[:, 4], a[:, 5], a[:, 6], a[:, 7], a[:, 8]
    ip, ix = int(np.argmin(edp_p)), int(np.argmin(edp_x))

    fig, ax = plt.subplots(figsize=(9.5, 6.2))
    ax.plot(w, 1e9 * t, color="tab:blue", marker="o", ms=4, label="median time to solution")
    ax.set_xlabel("synaptic weight voltage W (V)")
    ax.set_ylabel("median time to solution (ns)", color="tab:blue")
    ax.tick_params(axis="y", colors="tab:blue")
    ax.set_ylim(0, 1.75e9 * t.max())
    ax_e = ax.twinx()
    ax_e.plot(w, 1e9 * ep, color="tab:red", marker="s", ms=4, label="median energy, paper model (as the paper)")
    ax_e.plot(w, 1e9 * ex, color="tab:red", marker="s", ms=4, mfc="white", ls="--",
              label="median energy, exact (every source)")
    ax_e.set_ylabel("median energy per trial (nJ)", color="tab:red")
    ax_e.tick_params(axis="y", colors="tab:red")
    ax_e.set_ylim(0, 1.75e9 * max(ep.max(), ex.max()))
    ax.set_title(f"Fig. 8: recall, N = 60, V_C = 0.25 V, {sc['fig8_trials']} trials per W "
                 "(medians over converged trials)", fontsize=10)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax_e.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    ins = ax_e.inset_axes([0.56, 0.63, 0.41, 0.32])
    ins.plot(w, 1e15 * edp_p, color="k", marker=".", label="paper model")
    ins.plot(w, 1e15 * edp_x, color="0.5", marker=".", ls="--", label="exact")
    ins.plot(w[ip], 1e15 * edp_p[ip], marker="*", ms=12, color="tab:red", ls="none",
             label=f"min: {w[ip]:.2f} V, {1e15 * edp_p[ip]:.3f} fJ s")
    ins.plot(w[ix], 1e15 * edp_x[ix], marker="*", ms=10, color="tab:red", mfc="white", ls="none",
             label=f"min: {w[ix]:.2f} V, {1e15 * edp_x[ix]:.3f} fJ s")
    ins.plot(paper.EDP_W_MIN, 1e15 * paper.EDP_MIN, marker="D", ms=7, color="tab:green", ls="none",
             label=f"paper: {paper.EDP_W_MIN.text}, {paper.EDP_MIN.text}")
    ins.set_xlabel("W (V)", fontsize=8)
    ins.set_ylabel("median EDP (fJ s)", fontsize=8)
    ins.set_ylim(0, 1.45 * min(1e15 * max(edp_p.max(), edp_x.max()), 1e15 * max(edp_x[ix], edp_p[ip]) * 4))
    ins.tick_params(labelsize=7)
    ins.set_title("inset: energy-delay product, median of E x t", fontsize=8)
    h_, l_ = ins.get_legend_handles_labels()
    order = [0, 1, 4, 2, 3]  # column 1: the curves and the paper's point; column 2: the minima
    ins.legend([h_[k] for k in order], [l_[k] for k in order], fontsize=6.5, loc="upper center", ncol=2)
    ins.grid(alpha=0.3)
    fig.tight_layout()
    save(fig, ctx["figdir"], "fig8_w_sweep")
    ctx["res"]["fig8"] = {
        "trials": sc["fig8_trials"], "w": w, "t": t, "ep": ep, "ex": ex, "edp_p": edp_p, "edp_x": edp_x,
        "w_min_paper": float(w[ip]), "edp_min_paper": float(edp_p[ip]),
        "w_min_exact": float(w[ix]), "edp_min_exact": float(edp_x[ix]),
        "edp_at_paper_w": float(edp_p[np.argmin(abs(w - paper.EDP_W_MIN))]),
        "w_near_paper_w": float(w[np.argmin(abs(w - paper.EDP_W_MIN))]),
        "t_falls": bool(t[-1] < t[0]), "e_rises": bool(ep[-1] > ep[0]),
        "t_monotone": bool(np.all(np.diff(t) <= 0.02 * t[:-1])),
        "converged_min": float((a[:, 2] / a[:, 1]).min()), "success_min": float(a[:, 3].min()),
        "rows": a,
    }
    ctx["attrs"]["fig8"] = R.attrs
