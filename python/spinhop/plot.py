"""Plots of spinhop results (matplotlib), and `python3 -m spinhop.plot FILE.h5` for a quick look.

    import spinhop, spinhop.plot
    r = spinhop.open("pv.h5")
    spinhop.plot.sweep(r, y="success")        # success vs the swept parameter, 95% intervals
    spinhop.plot.trace(r, trial=0)            # the waveforms of a stored trace
    spinhop.plot.best_of_k(r)                 # max-cut: best cut of K trials vs K

Each function draws into `ax` (a new figure when None) and returns the axes.
"""

import argparse
import sys

import numpy as np

# the rate columns of /summary and their 95% Wilson intervals
_RATES = {
    "success": ("success_rate", "success_rate_lo", "success_rate_hi", "success (converged and right)"),
    "converged": ("converged_fraction", "converged_fraction_lo", "converged_fraction_hi", "converged fraction"),
    "readout": ("readout_success_rate", None, None, "read-out right (converged or not)"),
}


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(6, 4))
    return ax


def sweep(results, y="success", x=None, ax=None, label=None):
    """A summary column against the swept parameter: y is "success", "converged", "readout"
    (with 95% Wilson intervals where the file has them) or any /summary column
    (t_solution_median, energy_exact_mean, ...). x: the sweep axis (default: the first one)."""
    ax = _axes(ax)
    S = results.summary
    P = results.points
    axes = [c for c in P.columns if c not in ("index", "neurons", "reference")]
    if x is None:
        x = axes[0] if axes else "neurons"
    xs = P[x].to_numpy(dtype=float)
    order = np.argsort(xs)
    col, lo, hi, name = _RATES.get(y, (y, None, None, y))
    ys = S[col].to_numpy(dtype=float)
    if lo and lo in S and hi in S:
        err = np.vstack([ys - S[lo].to_numpy(dtype=float), S[hi].to_numpy(dtype=float) - ys])
        ax.errorbar(xs[order], ys[order], yerr=err[:, order], marker="o", capsize=3, label=label)
        name += ", 95% Wilson interval"
    else:
        ax.plot(xs[order], ys[order], marker="o", label=label)
    unit = P.attrs.get("units", {}).get(x, "")
    ax.set_xlabel(f"{x} [{unit}]" if unit and unit != "1" else x)
    yunit = S.attrs.get("units", {}).get(col, "")
    ax.set_ylabel(name + (f" [{yunit}]" if yunit and yunit != "1" else ""))
    ax.grid(alpha=0.3)
    return ax


def trace(results, trial=0, point=None, ax=None):
    """The somas' domain-wall positions [nm] of a stored trace against time [ns]; the inputs'
    switch-off time dashed. trial: the k-th stored trace of the point (default the first)."""
    ax = _axes(ax)
    traces = [t for t in results.traces if point is None or t["point"] == point]
    if not traces:
        raise ValueError("the file holds no traces (run with --traces K / traces=K)")
    tr = [t for t in traces if int(t["trial"]) == trial] or traces[:1]
    tr = tr[0]
    t_ns = tr["t"] * 1e9
    ax.plot(t_ns, tr["soma_x"] * 1e9, lw=1)
    relaxing = np.nonzero(tr["phase"] == 1)[0]
    if len(relaxing):
        ax.axvline(t_ns[relaxing[0]], ls="--", color="gray", lw=0.8, label="inputs off")
        ax.legend(loc="best")
    ax.set_xlabel("time [ns]")
    ax.set_ylabel("soma wall position [nm]")
    ax.set_title(f"point {tr['point']}, trial {tr['trial']}: {tr['neurons']} somas")
    return ax


def best_of_k(results, point=0, ax=None):
    """Max-cut: the mean over graphs of the best cut among K trials, as a fraction of the
    reference optimum, against K (trials of a graph taken in their stored order)."""
    ax = _axes(ax)
    T = results.trials
    T = T[T.point == point]
    if "cut" not in T:
        raise ValueError("best_of_k is for max-cut results")
    refs = results.reference[point] if results.reference.shape[1] > 0 else None
    curves = []
    for g, rows in T.groupby("target"):
        cuts = rows.sort_values("trial").cut.to_numpy(dtype=float)
        best = np.maximum.accumulate(cuts)
        ref = refs[int(g)] if refs is not None and np.isfinite(refs[int(g)]) and refs[int(g)] > 0 else np.nan
        curves.append(best / ref if np.isfinite(ref) else best)
    k = min(len(c) for c in curves)
    mean = np.mean([c[:k] for c in curves], axis=0)
    ax.plot(np.arange(1, k + 1), mean, marker="o")
    ax.set_xscale("log")
    ax.set_xlabel("K (trials per graph)")
    ax.set_ylabel("best-of-K cut / reference" if refs is not None else "best-of-K cut")
    ax.grid(alpha=0.3)
    return ax


def quick_look(results, path):
    """The figure of `spinhop plot`: the sweep (or per-point) rates, the times to solution, and
    a waveform or a best-of-K curve when the file has them; saved to `path` (PNG, PDF, SVG)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    task = results.attrs["task"]
    extra = bool(results.traces) or task in ("maxcut", "ising")
    fig, axs = plt.subplots(1, 3 if extra else 2, figsize=(15 if extra else 10, 4))
    sweep(results, "success", ax=axs[0], label="success")
    sweep(results, "converged", ax=axs[0], label="converged")
    axs[0].set_ylabel("fraction (95% Wilson interval)")
    axs[0].legend()
    sweep(results, "t_solution_median", ax=axs[1])
    axs[1].set_yscale("log")
    if extra:
        if results.traces:
            trace(results, ax=axs[2])
        else:
            best_of_k(results, ax=axs[2])
    fig.suptitle(f"{results.paths[0]}: {task}")
    fig.tight_layout()
    fig.savefig(path)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(prog="spinhop plot", description="a quick look at a results file")
    ap.add_argument("file", help="results file (.h5)")
    ap.add_argument("-o", "--output", help="image to write (.png, .pdf, .svg; default FILE.png)")
    a = ap.parse_args(argv)
    from .results import FormatError, open as open_results
    try:
        results = open_results(a.file)
    except (OSError, FormatError, KeyError) as e:
        print(f"spinhop: error: {a.file}: {e}", file=sys.stderr)
        return 2
    out = a.output or (a.file[:-3] if a.file.endswith(".h5") else a.file) + ".png"
    try:
        quick_look(results, out)
    except (ValueError, OSError) as e:
        print(f"spinhop: error: {e}", file=sys.stderr)
        return 2
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
