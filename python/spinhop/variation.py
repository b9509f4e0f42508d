"""Process-variation studies as device engineers run them (docs/variation.md):

    import spinhop.variation as V
    V.sensitivity("recall", sigma=0.1, trials=400, neurons=29)   # each parameter alone, then all
    V.yield_curve("recall", [0, 0.05, 0.1, 0.2], trials=400, neurons=29)
    V.sigma_at_yield("recall", target=0.99, trials=2000, neurons=29)   # bisection on sigma

or from the shell: `spinhop sensitivity recall --sigma 0.1 --trials 400 -- --neurons 29`.

Yield is the fraction of trials that converged to the right answer: a stored pattern or its
inverse (recall, images), a cut of at least `target` x the reference (max-cut, Ising: P(target);
pass target=0.95 for "within 5%"), with its 95% Wilson interval. Every run is an ordinary spinhop run (spinhop.run): trial k of a point is the same on
any backend, so two studies with one seed share their trials where their settings agree.
"""

import argparse
import math
import sys

import pandas as pd

from .analysis import wilson_interval
from .run import run

# The per-device and per-source variation parameters, as spinhop's option names (sigma-...).
PARAMETERS = ["r-p", "r-ap", "r-m", "area", "length", "mtj-width", "mtj-position", "leak",
              "w", "vdw", "vc"]


def _key(option):
    return option.replace("-", "_")


def _row(label, r):
    """Yield of a one-point run: the success rate, or for max-cut and Ising P(target) (converged
    with a cut of at least target x the reference, over every graph), with its Wilson interval."""
    s = r.summary.iloc[0]
    trials = int(s["trials"])
    y, lo, hi = float(s["success_rate"]), float(s["success_rate_lo"]), float(s["success_rate_hi"])
    g = r.group_summary
    if g is not None and "p_target" in g and r.attrs["task"] in ("maxcut", "ising"):
        hits = int(round(float((g["p_target"] * g["trials"]).sum())))
        y = hits / trials
        lo, hi = wilson_interval(hits, trials)
    return {"varied": label, "trials": trials,
            "converged": float(s["converged_fraction"]),
            "yield": y, "yield_lo": lo, "yield_hi": hi,
            "t_solution_median_s": float(s["t_solution_median"])}


def sensitivity(task, sigma=0.1, trials=400, seed=1, parameters=None, **options):
    """One run per variation parameter at `sigma` alone (the others nominal), one with every
    parameter at once and a nominal one: a DataFrame with the yield and its interval per row,
    sorted with the most harmful parameter first. `options` go to every run (neurons=29, ...)."""
    parameters = list(parameters or PARAMETERS)
    common = dict(task=task, trials=trials, seed=seed, progress=False)
    common.update(options)
    rows = [_row("nominal", run(**common))]
    for p in parameters:
        rows.append(_row(p, run(**{**common, "sigma_" + _key(p): sigma})))
    everything = {"sigma_" + _key(p): sigma for p in parameters}
    rows.append(_row("all", run(**{**common, **everything})))
    df = pd.DataFrame(rows)
    df.attrs["sigma"] = sigma
    single = df[~df.varied.isin(["nominal", "all"])].sort_values("yield")
    return pd.concat([df[df.varied == "nominal"], single, df[df.varied == "all"]], ignore_index=True)


def yield_curve(task, sigmas, trials=400, seed=1, **options):
    """Yield against sigma (every per-device parameter at once), one sweep point per sigma."""
    r = run(task=task, trials=trials, seed=seed, progress=False, sweep={"sigma": list(sigmas)}, **options)
    P, S = r.points, r.summary
    axis = [c for c in P.columns if c.startswith("sigma")][0]
    df = pd.DataFrame({"sigma": P[axis].to_numpy(), "trials": S["trials"].to_numpy(),
                       "yield": S["success_rate"].to_numpy(), "yield_lo": S["success_rate_lo"].to_numpy(),
                       "yield_hi": S["success_rate_hi"].to_numpy(),
                       "converged": S["converged_fraction"].to_numpy()})
    g = r.group_summary
    if g is not None and "p_target" in g and r.attrs["task"] in ("maxcut", "ising"):
        for k in range(len(df)):
            gk = g[g.point == k]
            hits = int(round(float((gk["p_target"] * gk["trials"]).sum())))
            n = int(df.trials[k])
            df.loc[k, "yield"] = hits / n
            df.loc[k, "yield_lo"], df.loc[k, "yield_hi"] = wilson_interval(hits, n)
    return df


def sigma_at_yield(task, target=0.99, lo=0.0, hi=0.3, trials=2000, seed=1, tol=0.005, **options):
    """The sigma at which the yield falls below `target`, by bisection on [lo, hi]: each step runs
    `trials` trials at the midpoint and keeps the half where the point estimate crosses. Returns
    (sigma, steps), steps a DataFrame of every evaluation with its interval; sigma is NaN when
    the yield at `lo` is already below the target or at `hi` still above it. The crossing is known
    to within the bisection's final bracket and, statistically, to within the sigmas whose
    intervals contain the target (the `straddles` column)."""
    evals = []

    def at(s):
        r = run(task=task, trials=trials, seed=seed, progress=False, sigma=s, **options)
        row = _row(f"sigma={s:.6g}", r)
        row["sigma"] = s
        row["straddles"] = row["yield_lo"] <= target <= row["yield_hi"]
        evals.append(row)
        return row["yield"]

    if at(lo) < target or at(hi) >= target:
        return math.nan, pd.DataFrame(evals)
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if at(mid) >= target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi), pd.DataFrame(evals)


# The variation file's parameter names (docs/variation.md), in the order of the die_z_* columns.
FILE_PARAMETERS = ["r_p", "r_ap", "r_m", "area", "length", "mtj_width", "mtj_position", "leak",
                   "depinning", "w", "v_dw", "v_c"]


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return repr(float(v)) if isinstance(v, float) else str(v)


def write_variation_file(path, variation):
    """Writes a variation file from a dict shaped like the file: top-level keys
    (global_fraction, dies, importance, depinning_cycle) and tables ({"r_p": {"sigma": 0.05},
    "correlation": {...}, "defects": {...}})."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in variation.items() if not isinstance(v, dict)]
    for k, v in variation.items():
        if isinstance(v, dict):
            lines.append(f"[{k}]")
            lines += [f"{kk} = {_toml_value(vv)}" for kk, vv in v.items()]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def _weighted_failures(r):
    """Per trial: failure indicator (not converged-and-right), weight p/q, die normals."""
    t = r.trials
    fail = (t["success"].to_numpy() != 1).astype(float)
    lw = t["log_weight"].to_numpy() if "log_weight" in t else 0.0 * fail
    z = {p: t["die_z_" + p].to_numpy() for p in FILE_PARAMETERS if "die_z_" + p in t}
    import numpy as np
    return fail, np.exp(lw), z


def _is_estimate(fail, w):
    x = fail * w
    n = len(x)
    p = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    ess = float(w.sum() ** 2 / (w ** 2).sum()) if (w ** 2).sum() > 0 else 0.0
    return p, se, ess


def failure_rate(task, variation, trials=2000, pilot=1000, inflate=2.0, seed=1, method="importance",
                 workdir=None, **options):
    """The failure rate (1 - yield) under `variation` (a variation-file dict, see
    write_variation_file), with its 95% interval.

    method="plain": plain Monte Carlo, Wilson interval. method="importance": importance sampling
    of the die-to-die draws (every parameter with a global_fraction > 0): a pilot run of `pilot`
    trials draws the die normals with `inflate` x their spread, the proposal's shift and scale are
    then the weighted mean and sd of the failing pilot dies (one cross-entropy step), and a final
    run of `trials` trials on another seed gives the estimate sum(w fail) / trials with w = p/q,
    its standard error and relative error. Unbiased for any failure; efficient when failures come
    from the die-to-die part. Returns a dict (rate, lo, hi, rel_err, trials, ess, shift, scale)."""
    import os
    import tempfile
    workdir = workdir or tempfile.mkdtemp(prefix="spinhop-is-")
    common = dict(task=task, progress=False)
    common.update(options)
    path = os.path.join(workdir, "variation.toml")
    if method == "plain":
        write_variation_file(path, {k: v for k, v in variation.items() if k != "importance"})
        r = run(**common, trials=trials, seed=seed, variation=path)
        fail, _, _ = _weighted_failures(r)
        k = int(fail.sum())
        lo, hi = wilson_interval(k, trials)
        rate = k / trials
        return {"method": "plain", "rate": rate, "lo": lo, "hi": hi,
                "rel_err": (math.sqrt(rate * (1 - rate) / trials) / rate) if rate > 0 else float("inf"),
                "trials": trials, "failures": k, "ess": float(trials)}
    varied = [p for p in FILE_PARAMETERS if isinstance(variation.get(p), dict)
              and float(variation[p].get("sigma", 0)) > 0
              and float(variation[p].get("global_fraction", variation.get("global_fraction", 0))) > 0]
    if not varied:
        raise ValueError("importance sampling needs a parameter with a sigma and a global_fraction > 0")

    def with_proposal(shift, scale):
        v = {k: (dict(x) if isinstance(x, dict) else x) for k, x in variation.items()}
        v["importance"] = True
        for p in varied:
            v[p]["importance_shift"] = float(shift[p])
            v[p]["importance_scale"] = float(scale[p])
        return v

    shift = {p: 0.0 for p in varied}
    scale = {p: inflate for p in varied}
    total = 0
    for attempt in range(4):
        write_variation_file(path, with_proposal(shift, scale))
        r = run(**common, trials=pilot, seed=seed + 1000 + attempt, variation=path)
        total += pilot
        fail, w, z = _weighted_failures(r)
        if (fail * w).sum() > 0 and fail.sum() >= 5:
            break
        scale = {p: scale[p] * 1.5 for p in varied}
    fw = fail * w
    if fw.sum() > 0:
        for p in varied:
            m = float((fw * z[p]).sum() / fw.sum())
            sd = float(math.sqrt(max((fw * (z[p] - m) ** 2).sum() / fw.sum(), 0.0)))
            shift[p], scale[p] = m, min(max(sd, 0.5), 3.0)
    write_variation_file(path, with_proposal(shift, scale))
    r = run(**common, trials=trials, seed=seed, variation=path)
    fail, w, _ = _weighted_failures(r)
    p, se, ess = _is_estimate(fail, w)
    return {"method": "importance", "rate": p, "lo": max(p - 1.959963984540054 * se, 0.0),
            "hi": p + 1.959963984540054 * se, "rel_err": se / p if p > 0 else float("inf"),
            "trials": trials, "pilot_trials": total, "failures": int(fail.sum()), "ess": ess,
            "shift": shift, "scale": scale}


def plot_sensitivity(df, ax=None, path=None):
    """Bar chart of a sensitivity table: yield per varied parameter with its interval."""
    import matplotlib
    if path is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 4))
    y = df["yield"].to_numpy()
    err = [y - df["yield_lo"].to_numpy(), df["yield_hi"].to_numpy() - y]
    ax.bar(df["varied"], y, yerr=err, capsize=3, color="tab:blue")
    ax.set_ylabel("yield (95% Wilson interval)")
    ax.set_title(f"each parameter alone at sigma = {df.attrs.get('sigma', float('nan')):g}, then all")
    ax.tick_params(axis="x", rotation=45)
    ax.grid(alpha=0.3, axis="y")
    if path is not None:
        (fig or ax.figure).tight_layout()
        (fig or ax.figure).savefig(path)
    return ax


def _extra_options(tokens):
    """`--name value` / `--flag` pairs after `--`, as spinhop.run keywords."""
    out, k = {}, 0
    while k < len(tokens):
        t = tokens[k]
        if not t.startswith("--"):
            raise ValueError(f"expected an option after --, got '{t}'")
        name = t[2:]
        if "=" in name:
            name, value = name.split("=", 1)
        elif k + 1 < len(tokens) and not tokens[k + 1].startswith("--"):
            value = tokens[k + 1]
            k += 1
        else:
            value = True
        key = _key(name)
        if key in out:  # a repeated option (--graph A --graph B) is a list
            out[key] = (out[key] if isinstance(out[key], list) else [out[key]]) + [value]
        else:
            out[key] = value
        k += 1
    return out


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1:]
    ap = argparse.ArgumentParser(prog="spinhop sensitivity",
                                 description="each variation parameter alone at --sigma, then all; "
                                             "with --target, the sigma where the yield falls below it")
    ap.add_argument("task", help="recall, images, maxcut or ising")
    ap.add_argument("--sigma", type=float, default=0.1, help="relative sigma of each parameter [-]")
    ap.add_argument("--trials", type=int, default=400, help="trials per run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--target", type=float, help="also bisect for the sigma where the yield (all parameters) falls below this")
    ap.add_argument("--hi", type=float, default=0.3, help="upper end of the bisection bracket")
    ap.add_argument("-o", "--output", help="bar chart of the table (.png, .pdf, .svg)")
    ap.add_argument("--csv", action="store_true", help="print the table as CSV")
    a = ap.parse_args(argv)
    from .run import SpinhopError
    try:
        options = _extra_options(extra)
        df = sensitivity(a.task, a.sigma, a.trials, a.seed, **options)
        if a.csv:
            print(df.to_csv(index=False), end="")
        else:
            print(f"yield (converged and right) with 95% Wilson intervals, {a.trials} trials per row, seed {a.seed}")
            for _, r in df.iterrows():
                print(f"  {r.varied:<13} {r['yield']:.4f} [{r.yield_lo:.4f}, {r.yield_hi:.4f}]  converged {r.converged:.4f}")
        if a.output:
            plot_sensitivity(df, path=a.output)
            print(a.output)
        if a.target is not None:
            s, steps = sigma_at_yield(a.task, a.target, 0.0, a.hi, a.trials, a.seed, **options)
            for _, r in steps.iterrows():
                print(f"  sigma {r.sigma:.4f}: yield {r['yield']:.4f} [{r.yield_lo:.4f}, {r.yield_hi:.4f}]")
            print(f"yield falls below {a.target:g} at sigma = {s:.4f}" if not math.isnan(s)
                  else f"the yield does not cross {a.target:g} inside [0, {a.hi:g}]")
    except (SpinhopError, ValueError) as e:
        print(f"spinhop: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
