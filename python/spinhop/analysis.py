"""Domain helpers shared by spinhop's Python tools: the power statistic, the per-point summary
recomputed from the trials, max-cut values and heuristics, and the PBM image reader.
Units SI (s, J, W); cuts in edge weight."""

import numpy as np
import pandas as pd

# the quantiles the results file stores, as (fraction, column suffix)
QUANTILES = ((0.05, "q05"), (0.25, "q25"), (0.5, "median"), (0.75, "q75"), (0.95, "q95"))


# --- rates ----------------------------------------------------------------------------------

def wilson_interval(successes, trials, z=1.959963984540054):
    """95% Wilson score interval (lo, hi) of a binomial proportion; (0, 1) without trials."""
    if trials == 0:
        return 0.0, 1.0
    n, p = float(trials), successes / float(trials)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == trials else min(1.0, centre + half)
    return float(lo), float(hi)


# --- time, energy and power ------------------------------------------------------------------
def power(energy, t_solution, converged=None):
    """The paper's power [W]: total energy [J] / total time to solution [s], over the converged
    trials (`converged`: a mask, or None when the arrays hold only converged trials). NaN when
    there is no time to divide by (the file's /summary stores 0 there)."""
    e, t = np.asarray(energy, float), np.asarray(t_solution, float)
    if converged is not None:
        c = np.asarray(converged).astype(bool)
        e, t = e[c], t[c]
    total = t.sum()
    return float(e.sum() / total) if total > 0 else float("nan")


def _describe(x):
    """mean, std (n - 1), quantiles, min, max of the non-NaN values (NaN if none), as the file's."""
    x = np.asarray(x, float)
    x = x[~np.isnan(x)]
    out = {}
    if x.size == 0:
        for k in ("mean", "std", "min", "max") + tuple(s for _, s in QUANTILES):
            out[k] = float("nan")
        return out
    out["mean"], out["min"], out["max"] = float(x.mean()), float(x.min()), float(x.max())
    out["std"] = float(x.std(ddof=1)) if x.size > 1 else 0.0
    for q, s in QUANTILES:
        out[s] = float(np.quantile(x, q))
    return out


def summarize(trials):
    """The per-point statistics of /summary recomputed from a trials DataFrame (Results.trials):
    one row per point, every column of the file's /summary (device_updates = steps x N^2 only
    when the trials carry the point's `neurons`). Time, energy and EDP over the converged trials
    only; power = total energy / total time of those (0 when none, as the file stores it); the
    other statistics over every trial, NaN values left out; quantiles by linear interpolation
    (numpy's default). Equal to the stored values to rounding (the file sums in another order)."""
    rows = {}
    for p, g in trials.groupby("point", sort=True):
        conv = g["converged"].to_numpy() == 1
        t = g["t_solution"].to_numpy()
        ee, ep = g["energy_exact"].to_numpy(), g["energy_paper"].to_numpy()
        h = g["hopfield_agrees"].to_numpy() >= 0
        succ = int((g["success"].to_numpy() == 1).sum())
        c_lo, c_hi = wilson_interval(int(conv.sum()), len(g))
        s_lo, s_hi = wilson_interval(succ, len(g))
        r = {"trials": len(g), "converged": int(conv.sum()),
             "converged_fraction": float(conv.mean()) if len(g) else 0.0,
             "converged_fraction_lo": c_lo, "converged_fraction_hi": c_hi,
             "success_rate": float(g["success"].to_numpy().mean()) if len(g) else 0.0,
             "success_rate_lo": s_lo, "success_rate_hi": s_hi,
             "readout_success_rate": float(g["readout_success"].to_numpy().mean()) if len(g) else 0.0,
             "undecided_trials": int((g["undecided"].to_numpy() > 0).sum()),
             # the file stores 0 where no trial converged
             "power_exact": power(ee, t, conv) if conv.any() else 0.0,
             "power_paper": power(ep, t, conv) if conv.any() else 0.0,
             "hopfield_agreement": float(g["hopfield_agrees"].to_numpy()[h].mean()) if h.any() else float("nan"),
             "hopfield_success_rate": float(g["hopfield_success"].to_numpy()[h].mean()) if h.any() else float("nan")}
        if "neurons" in g:
            n = float(g["neurons"].iloc[0])
            r["device_updates"] = float(g["steps"].to_numpy().astype(float).sum()) * n * n
        columns = {"steps": g["steps"].to_numpy(),
                   "t_solution": t[conv], "energy_exact": ee[conv], "energy_paper": ep[conv],
                   "edp_exact": (ee * t)[conv], "edp_paper": (ep * t)[conv]}
        for name in ("bit_accuracy", "cut", "gap", "hopfield_cut"):  # the task's own columns
            if name in g:
                columns[name] = g[name].to_numpy()
        for name, x in columns.items():
            for k, v in _describe(x).items():
                r[f"{name}_{k}"] = v
        rows[p] = r
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.index.name = "point"
    return df


# --- max-cut -------------------------------------------------------------------------------------
def adjacency(nodes, edges):
    """Symmetric weight matrix [nodes][nodes] of an edge list [m][3] = (i, j, weight)."""
    A = np.zeros((nodes, nodes))
    i, j, w = edges[:, 0].astype(int), edges[:, 1].astype(int), edges[:, 2]
    np.add.at(A, (i, j), w)
    np.add.at(A, (j, i), w)
    return A


def cut_value(A, partition):
    """Cut weight [edge weight] of a partition: `partition` [..., n] of +-1 spins or booleans
    (the side of each node); A [n][n], or [..., n, n] broadcasting against it (e.g. graphs
    [G, 1, n, n] against replicas [G, R, n]). Cut = (total weight - x.A.x / 2) / 2."""
    x = np.asarray(partition)
    x = np.where(x, 1.0, -1.0) if x.dtype == bool else x.astype(float)
    A = np.asarray(A, float)
    total = A.sum(axis=(-2, -1)) / 2
    quad = np.einsum("...i,...i->...", x, np.einsum("...ij,...j->...i", A, x))
    out = 0.5 * (total - 0.5 * quad)
    return float(out) if np.ndim(out) == 0 else out


def greedy_cut(A):
    """The classic greedy 0.5-approximation: nodes in order 0..n-1, each put on the side that
    cuts more of its edges to the nodes already placed (guarantees >= half the total weight).
    Returns the cut weight."""
    n = A.shape[0]
    side = np.zeros(n, bool)
    for v in range(1, n):
        to_true = A[v, :v][side[:v]].sum()
        to_false = A[v, :v][~side[:v]].sum()
        side[v] = to_false > to_true  # join True when more weight goes to the False side
    return cut_value(A, side)


def best_cuts(adjs, restarts=32, sweeps=400, seed=20260101):
    """Best cut found by simulated annealing (`restarts` independent replicas per graph,
    `sweeps` Metropolis sweeps on a geometric temperature ladder, then zero-temperature 1-flip
    descent), vectorised over graphs of one size. adjs: (G, n, n); returns the G best cuts."""
    rng = np.random.default_rng(seed)
    G, n, _ = adjs.shape
    x = rng.choice([-1.0, 1.0], size=(G, restarts, n))
    h = np.einsum("gij,grj->gri", adjs, x)
    graphs = adjs[:, None]  # against the replicas
    t0 = max(1.0, 0.5 * float(adjs.sum(axis=2).mean()))
    temps = list(np.geomspace(t0, 0.05, sweeps)) + [1e-12] * 3
    best = cut_value(graphs, x)
    cols = np.ascontiguousarray(np.transpose(adjs, (0, 2, 1)))
    for T in temps:
        u = rng.random((n, G, restarts))
        for i in range(n):
            d = x[:, :, i] * h[:, :, i]  # gain of flipping node i
            acc = (d >= 0) | (u[i] < np.exp(np.minimum(d, 0.0) / T))
            s = np.where(acc, -2.0 * x[:, :, i], 0.0)
            x[:, :, i] += s
            h += s[:, :, None] * cols[:, i, None, :]
        best = np.maximum(best, cut_value(graphs, x))
    return best.max(axis=1)


# --- images ------------------------------------------------------------------------------------
def read_pbm(path):
    """A plain (P1) PBM image as a flat uint8 array of its width x height pixels, row-major
    (1 = black), the images task's format (data/images/*.pbm)."""
    toks = []
    with open(path) as f:
        for line in f:
            toks += line.split("#")[0].split()
    if not toks or toks[0] != "P1":
        raise ValueError(f"{path}: not a plain PBM (P1) image")
    w, h = int(toks[1]), int(toks[2])
    bits = "".join(toks[3:])
    return np.array([int(c) for c in bits[:w * h]], np.uint8)
