"""Fig. 6c: distorted-image recall (N = 100, the letters of data/images), bit accuracy against
the distortion; and Fig. 6b-style examples of inputs and read-outs."""

import math
import os

import numpy as np

from spinhop.analysis import read_pbm

from . import paper
from .common import LETTER_COLORS, ROOT, existing_files, fmt_list, load, plt, save, se, timing_stats, write_csv


def run(ctx):
    sc, out = ctx["scale"], ctx["out"]
    if ctx["run"]:
        files = ctx["runner"].run("fig6_images", ["images", "-t", str(sc["fig6_trials"]),
                                                  "--sweep", "distortion=" + fmt_list(sc["fig6_d"])])
    else:
        files = existing_files(out, "fig6_images")
    ctx["sim_done"]()
    R = load(files)
    T = R.trial_arrays()
    D = R.param("distortion")
    names = R.group_names[:R.groups] if R.group_names else [str(k) for k in range(R.groups)]
    rows = []
    for p in range(R.n_points):
        for g, name in enumerate(names):
            m = R.mask(p) & (T["target"] == g)
            acc = T["bit_accuracy"][m]
            rows.append([float(D[p]), name, int(m.sum()), float(acc.mean()), se(acc),
                         float(np.mean(T["success"][m] == 1)),
                         float(np.mean(T["converged"][m] == 1))])
        m = R.mask(p)
        acc = T["bit_accuracy"][m]
        rows.append([float(D[p]), "all", int(m.sum()), float(acc.mean()), se(acc),
                     float(np.mean(T["success"][m] == 1)), float(np.mean(T["converged"][m] == 1))])
    write_csv(os.path.join(out, "tables", "fig6c_image_accuracy.csv"),
              ["distortion", "image", "trials", "bit_accuracy_mean", "bit_accuracy_se", "exact_recall_rate",
               "converged_fraction"], rows)

    def series(name, col):
        return np.array([r[0] for r in rows if r[1] == name]), np.array([r[col] for r in rows if r[1] == name])

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    for name in names:
        d, a = series(name, 3)
        _, e = series(name, 4)
        ax.errorbar(d, 100 * a, yerr=100 * e, marker="o", ms=4, capsize=2,
                    color=LETTER_COLORS.get(name.lower()), label=f"spinhop, \"{name.upper()}\"")
        d, s = series(name, 5)
        ax2.plot(d, 100 * s, marker="o", ms=4, color=LETTER_COLORS.get(name.lower()), label=f"\"{name.upper()}\"")
    d, a = series("all", 3)
    ax.plot(d, 100 * a, color="k", ls="--", lw=1, label="spinhop, mean of the letters")
    for a_ in (ax, ax2):
        a_.axvspan(paper.IMAGES_FALSE_FROM, max(0.5, max(D)) + 0.02, color="0.85", alpha=0.5, lw=0,
                   label=f"paper: false convergence from d = {paper.IMAGES_FALSE_FROM.text}")
        a_.axvline(paper.IMAGES_T_RISES_FROM, color="tab:orange", ls=":", lw=1.5,
                   label=f"paper: \"T\" accuracy rises past d = {paper.IMAGES_T_RISES_FROM.text}")
        a_.plot([0, paper.IMAGES_PERFECT_UP_TO], [100 * paper.IMAGES_PERFECT] * 2, color="tab:olive", lw=6,
                alpha=0.35, solid_capstyle="butt", label="paper: perfect recall at low distortion")
        a_.set_xlabel("distortion d (fraction of the 100 pixels flipped)")
        a_.set_xlim(-0.02, max(0.5, max(D)) + 0.02)
        a_.grid(alpha=0.3)
    ax.set_ylabel("mean bit accuracy (%)")
    ax.set_ylim(50, 102)
    ax.set_title("(a) Fig. 6c: distorted-image recall, N = 100, bit accuracy\n"
                 f"({sc['fig6_trials']} trials per level, letters in turn; error bars: standard error)", fontsize=10)
    ax.legend(fontsize=7.5, loc="lower left")
    ax2.set_ylabel("trials recalled exactly (%)")
    ax2.set_ylim(-2, 102)
    ax2.set_title("(b) read-out = the letter or its inverse", fontsize=10)
    h_, l_ = ax2.get_legend_handles_labels()
    keep = [k for k, lab in enumerate(l_) if not lab.startswith("paper")]
    ax2.legend([h_[k] for k in keep], [l_[k] for k in keep], fontsize=8, loc="lower left",
               title="paper's marks as in (a)", title_fontsize=7.5)
    fig.tight_layout()
    save(fig, ctx["figdir"], "fig6c_images")

    # examples: stored letters, inputs and outputs at a few levels
    n_pix = int(R.points["neurons"].iloc[0])
    side = int(round(math.sqrt(n_pix)))
    inp = R.inputs().astype(np.uint8)
    st = R.states().astype(np.uint8)
    und = R.undecided().astype(np.uint8)
    stored = {}
    for g, name in enumerate(names):
        pbm = os.path.join(ROOT, "data", "images", name + ".pbm")
        z = [p for p in range(R.n_points) if D[p] == 0]
        if z:
            i = np.where(R.mask(z[0]) & (T["target"] == g))[0]
            if len(i):
                stored[name] = inp[i[0]]
        if name not in stored and os.path.exists(pbm):
            stored[name] = read_pbm(pbm)
    levels = [d for d in (0.1, 0.2, 0.3, 0.4, 0.5) if np.any(np.isclose(D, d))]
    if not levels:
        levels = sorted(set(D))[-4:]
    ncol = 1 + len(levels)
    fig, axes = plt.subplots(2 * len(names), ncol, figsize=(1.5 * ncol + 0.8, 1.55 * 2 * len(names) + 0.9))
    axes = np.atleast_2d(axes)
    for g, name in enumerate(names):
        for c in range(ncol):
            for rr in (0, 1):
                a_ = axes[2 * g + rr, c]
                a_.set_xticks([])
                a_.set_yticks([])
            if c == 0:
                a_ = axes[2 * g, 0]
                if name in stored:
                    a_.imshow(stored[name].reshape(side, side), cmap="Greys", vmin=0, vmax=1)
                a_.set_title(f"stored \"{name.upper()}\"", fontsize=8)
                axes[2 * g + 1, 0].axis("off")
                continue
            d = levels[c - 1]
            p = int(np.where(np.isclose(D, d))[0][0])
            i = np.where(R.mask(p) & (T["target"] == g))[0]
            if not len(i):
                continue
            i = i[0]
            ai, ao = axes[2 * g, c], axes[2 * g + 1, c]
            ai.imshow(inp[i].reshape(side, side), cmap="Greys", vmin=0, vmax=1)
            img = st[i].astype(float)
            img[und[i] == 1] = 0.5
            ao.imshow(img.reshape(side, side), cmap="Greys", vmin=0, vmax=1)
            ok = T["success"][i] == 1
            inv = ok and name in stored and np.array_equal(st[i], 1 - stored[name])
            for sp in ao.spines.values():
                sp.set_edgecolor("tab:green" if ok else "tab:red")
                sp.set_linewidth(2.5)
            ai.set_title(f"d = {d:.2f} input", fontsize=8)
            ao.set_title(f"output, acc {100 * T['bit_accuracy'][i]:.0f}%" + (" (inv.)" if inv else ""), fontsize=7.5)
            if c == 1:
                ai.set_ylabel("input", fontsize=8)
                ao.set_ylabel("output", fontsize=8)
    fig.suptitle("Fig. 6b/c examples: distorted inputs and the network's read-out (first trial of each letter "
                 "and level)\nframe green: recalled (the letter or its inverse), red: not; grey pixel: undecided",
                 fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.965))
    save(fig, ctx["figdir"], "fig6_examples")

    # numbers for the summary
    st_all = timing_stats(T)
    nz = D[T["point"]] > 0
    st_all["nonzero_d"] = timing_stats(T, nz) if np.any(nz) else None
    per = {}
    for name in names:
        d, a = series(name, 3)
        _, s = series(name, 5)
        per[name] = (d, a, s)
    d_all, a_all = series("all", 3)
    _, s_all = series("all", 5)
    low = [r[3] for r in rows if r[0] <= 0.05 + 1e-9 and r[1] != "all"]
    below = [dd for dd, ss in zip(d_all, s_all) if ss < 0.5]
    below90 = [dd for dd, aa in zip(d_all, a_all) if aa < 0.9]
    ctx["res"]["fig6"] = {
        "trials": sc["fig6_trials"], "names": names, "per": per, "d": d_all, "acc": a_all, "exact": s_all,
        "low_min": float(min(low)) if low else float("nan"),
        "first_exact_below_half": float(min(below)) if below else float("nan"),
        "first_acc_below_90": float(min(below90)) if below90 else float("nan"),
        "timing": st_all,
    }
    ctx["attrs"]["fig6"] = R.attrs
