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

# With a depinning current (--depinning-current), its device-to-device and cycle-to-cycle spread.
DEPINNING_PARAMETERS = ["depinning", "depinning-cycle"]


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
    sorted with the most harmful parameter first. `options` go to every run (neurons=29, ...);
    with a depinning_current the depinning current's device and cycle spreads are rows too."""
    if parameters is None:
        parameters = list(PARAMETERS)
        if float(options.get("depinning_current", 0) or 0) > 0:  # I_dep varies only where walls pin
            parameters += DEPINNING_PARAMETERS
    parameters = list(parameters)
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


def _quiet_run(**kw):
    """A run whose t_max warnings are expected (a failure study's failures are those trials)."""
    import warnings
    from .run import SpinhopWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpinhopWarning)
        return run(**kw)


def _failures(r):
    """Per trial of a run: failure indicator (not converged-and-right) and die normals."""
    import numpy as np
    t = r.trials
    fail = (t["success"].to_numpy() != 1).astype(float)
    z = {p: t["die_z_" + p].to_numpy(dtype=float) for p in FILE_PARAMETERS if "die_z_" + p in t}
    return fail, z, t


def default_score(task):
    """How close a trial that did not fail came to failing (larger: closer), for the levels of
    the cross-entropy search: the time to solution for recall and images (the failures there are
    trials still creeping at t_max), the gap to the reference for max-cut and Ising."""
    import numpy as np

    def time_to_solution(t):
        return np.log(t["t_solution"].to_numpy(dtype=float))

    def gap(t):
        return t["gap"].to_numpy(dtype=float)

    return gap if task in ("maxcut", "ising") else time_to_solution


def _ln_gauss(z, shift, scale):
    """ln of the product of the N(shift_p, scale_p) densities over the die normals (without the
    common 2 pi term, which cancels in every ratio used here)."""
    import numpy as np
    out = 0.0
    for p, y in z.items():
        u = (y - shift[p]) / scale[p]
        out = out - 0.5 * u * u - np.log(scale[p])
    return out


def _plain_result(k, n):
    lo, hi = wilson_interval(k, n)
    rate = k / n
    return {"method": "plain", "rate": rate, "lo": lo, "hi": hi,
            "rel_err": (math.sqrt(rate * (1 - rate) / n) / rate) if rate > 0 else float("inf"),
            "trials": n, "total_trials": n, "failures": k, "ess": float(n)}


def failure_rate(task, variation, trials=4000, pilot=1000, rho=0.1, levels=8, defensive=0.1,
                 inflate=1.0, smoothing=0.7, fit_scale=False, score=None, seed=1, method="importance", workdir=None,
                 **options):
    """The failure rate (1 - yield) under `variation` (a variation-file dict, see
    write_variation_file) with its 95% interval and relative error (docs/variation.md, "Rare
    failures").

    method="plain": plain Monte Carlo on `trials` trials, Wilson interval.

    method="importance": importance sampling of the die-to-die normals (every parameter with a
    sigma and a global_fraction > 0) in three stages. (1) Multilevel cross-entropy: level k runs
    `pilot` trials from a Gaussian proposal q_k (q_0: the nominal law, its spread x `inflate`),
    ranks them by `score` (failures above every non-failure; default_score(task) for the rest)
    and moves q's shift to the p/q_k-weighted mean of the top `rho` share (smoothed; a parameter
    whose move is within two standard errors keeps its shift; scales are fitted only with
    `fit_scale`). It stops once rho of a level fails, when the failing share stops growing (with
    at least 10 failures), or after `levels`. (2) The step lambda in [0, 1.2] along the fitted
    shift whose estimated second moment, from every pilot die, is smallest (0: plain Monte
    Carlo). (3) `trials` fresh trials as a defensive mixture: a `defensive` share from the
    nominal law, the rest from the proposal, each weighted by p / (a p + (1 - a) q), so no weight
    exceeds 1 / a; stratified standard error. Every stage has its own seeds (seed * 1000 + ...),
    so two calls with different seeds share no trials.

    Returns a dict: rate, lo, hi (rate -+ 1.96 se, lo clipped at 0), rel_err, trials,
    total_trials (pilots included), failures, ess (effective sample size of the failing trials'
    weights), shift, scale, step, levels (one row per level) and steps (second moment per step)."""
    import os
    import tempfile
    import numpy as np
    workdir = workdir or tempfile.mkdtemp(prefix="spinhop-is-")
    common = dict(task=task, progress=False)
    common.update(options)
    path = os.path.join(workdir, "variation.toml")
    if method == "plain":
        write_variation_file(path, {k: v for k, v in variation.items() if k != "importance"})
        fail, _, _ = _failures(_quiet_run(**common, trials=trials, seed=seed, variation=path))
        return _plain_result(int(fail.sum()), trials)
    if method != "importance":
        raise ValueError(f"method must be 'importance' or 'plain', not '{method}'")
    if not (0 < rho < 1 and 0 < defensive < 1 and 0 < smoothing <= 1 and pilot >= 20 and trials >= 20
            and 1 <= levels <= 990):
        raise ValueError("need 0 < rho < 1, 0 < defensive < 1, 0 < smoothing <= 1, pilot and trials >= 20, "
                         "1 <= levels <= 990")
    default_g = float(variation.get("global_fraction", 0))
    varied = [p for p in FILE_PARAMETERS if isinstance(variation.get(p), dict)
              and float(variation[p].get("sigma", 0)) > 0
              and float(variation[p].get("global_fraction", default_g)) > 0]
    if not varied:
        raise ValueError("importance sampling needs a parameter with a sigma and a global_fraction > 0")
    score = score or default_score(task)

    def sample(shift, scale, n, s):
        v = {k: (dict(x) if isinstance(x, dict) else x) for k, x in variation.items()}
        v["importance"] = True
        for p in varied:
            v[p]["importance_shift"] = float(shift[p])
            v[p]["importance_scale"] = float(scale[p])
        write_variation_file(path, v)
        fail, z, t = _failures(_quiet_run(**common, trials=n, seed=s, variation=path))
        return fail, {p: z[p] for p in varied}, t

    zero = {p: 0.0 for p in varied}
    one = {p: 1.0 for p in varied}
    shift, scale = dict(zero), {p: inflate for p in varied}
    total, history, pool = 0, [], []
    for level in range(levels):
        fail, z, t = sample(shift, scale, pilot, seed * 1000 + 2 + level)
        total += pilot
        w = np.exp(_ln_gauss(z, zero, one) - _ln_gauss(z, shift, scale))
        pool.append((fail, z, w))
        s_ = np.where(fail > 0, np.inf, score(t))
        s_ = np.where(np.isnan(s_), -np.inf, s_)
        # Done once rho of a level fails, or when the failing share stops growing (the die
        # part cannot push it further: the rest is device-to-device mismatch) with enough failures.
        stalled = bool(history) and fail.mean() <= 1.1 * history[-1]["failing"] and fail.sum() >= 10
        done = fail.mean() >= rho or stalled
        threshold = np.inf if done else float(np.quantile(s_, 1 - rho))
        elite = fail > 0 if done else s_ >= threshold
        we = w * elite
        history.append({"level": level, "threshold": threshold, "failing": float(fail.mean()),
                        "shift": dict(shift), "scale": dict(scale)})
        if we.sum() <= 0:
            break
        n_elite = float(we.sum() ** 2 / (we ** 2).sum())  # effective number of elite dies
        for p in varied:
            m = float((we * z[p]).sum() / we.sum())
            sd = math.sqrt(max(float((we * (z[p] - m) ** 2).sum() / we.sum()), 0.0))
            # A parameter whose elite mean is within two standard errors of the current shift
            # keeps it: fitting noise in a dimension that does not matter only costs variance.
            if abs(m - shift[p]) < 2.0 * max(sd, 1e-12) / math.sqrt(max(n_elite, 1.0)):
                m = shift[p]
            shift[p] = smoothing * m + (1 - smoothing) * shift[p]
            scale[p] = min(max(smoothing * sd + (1 - smoothing) * scale[p], 0.3), 3.0) if fit_scale else 1.0
        if done:
            break
    n0 = max(int(round(defensive * trials)), 1)
    n1 = trials - n0
    a0, a1 = n0 / trials, n1 / trials

    def mixture_weight(z, sh, sc):
        return 1.0 / (a0 + a1 * np.exp(_ln_gauss(z, sh, sc) - _ln_gauss(z, zero, one)))

    # The cross-entropy fit aims at the failing dies' law, p(z) P(fail | z) / P(fail); the
    # variance is smallest for p(z) sqrt(P(fail | z)) (a shorter shift when the failures also
    # need device-to-device draws: half of it when P(fail | z) is log-linear in z). So the step
    # along the fitted shift is chosen to minimise the estimator's second moment,
    # E_p[f w_mix], estimated from every pilot die (weighted by its own p / q_k). Step 0 is plain
    # Monte Carlo, so the choice is never estimated worse than it.
    direction, direction_scale = dict(shift), dict(scale)
    steps = np.round(np.arange(0.0, 1.21, 0.1), 2)
    moments = []
    for lam in steps:
        sh = {p: lam * direction[p] for p in varied}
        sc = {p: 1.0 + lam * (direction_scale[p] - 1.0) for p in varied}
        m = np.concatenate([f * w * mixture_weight(z, sh, sc) for f, z, w in pool])
        moments.append(float(m.mean()))
    lam = float(steps[int(np.argmin(moments))])
    shift = {p: lam * direction[p] for p in varied}
    scale = {p: 1.0 + lam * (direction_scale[p] - 1.0) for p in varied}
    parts = []
    for (sh, sc, n, s) in ((zero, one, n0, seed * 1000), (shift, scale, n1, seed * 1000 + 1)):
        fail, z, _ = sample(sh, sc, n, s)
        parts.append((fail, mixture_weight(z, shift, scale)))
    fw = np.concatenate([f * w for f, w in parts])
    w_all = np.concatenate([w for _, w in parts])
    rate = float(fw.mean())
    var = sum(len(f) * float((f * w).var(ddof=1)) for f, w in parts) / trials ** 2
    se = math.sqrt(var)
    failures = int(sum(f.sum() for f, _ in parts))
    wf = w_all[np.concatenate([f for f, _ in parts]) > 0]
    ess = float(wf.sum() ** 2 / (wf ** 2).sum()) if len(wf) else 0.0
    z95 = 1.959963984540054
    return {"method": "importance", "rate": rate, "lo": max(rate - z95 * se, 0.0), "hi": rate + z95 * se,
            "rel_err": se / rate if rate > 0 else float("inf"), "trials": trials,
            "total_trials": total + trials, "failures": failures, "ess": ess,
            "shift": shift, "scale": scale, "step": lam, "levels": pd.DataFrame(history),
            "steps": pd.DataFrame({"step": steps, "second_moment": moments})}


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
