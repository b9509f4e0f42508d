#!/usr/bin/python3
"""Opens a spinhop results file the way a user would (the spinhop package in python/: pandas,
numpy) and checks that the stored per-point summary matches the per-trial rows: every statistic
of /summary recomputed from /trials (spinhop.analysis.summarize), and the per-group success
rates of /summary/groups. Usage: read_results.py results.h5"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "python"))
import spinhop  # noqa: E402
from spinhop.analysis import summarize  # noqa: E402

path = sys.argv[1]
r = spinhop.open(path)
a = r.attrs
print(f"{path}: task {a['task']}, format {a['format_version']}, {a['points']} points x "
      f"{a['trials_per_point']} trials, spinhop {a['spinhop_version']} ({a['git_sha']}) on {a['device']}")
T = r.trials
assert len(T) == r.committed, (len(T), r.committed)
assert T.attrs["units"]["t_solution"] == "s" and T.attrs["units"]["energy_exact"] == "J"
S = r.summary
assert S.attrs["complete"], "the run did not finish"
want = summarize(T)
assert set(want.columns) == set(S.columns), set(want.columns) ^ set(S.columns)
for p in range(r.n_points):
    values = ", ".join(f"{k}={r.points[k].iloc[p]:g}" for k in r.parameters)
    print(f"  point {p} ({values}): success {S.success_rate[p]:.4f}, "
          f"mean time to solution {S.t_solution_mean[p] * 1e9:.2f} ns")
    for col in want.columns:
        # equal to rounding: the file sums in another order; quantiles as numpy's (linear). A
        # standard deviation is a difference of nearly equal numbers: to rounding of the mean.
        got, exp = S[col][p], want[col][p]
        atol = 1e-12 * abs(want[col[:-4] + "_mean"][p]) if col.endswith("_std") else 0.0
        assert np.isclose(got, exp, rtol=1e-12, atol=atol, equal_nan=True), (p, col, got, exp)
G = r.group_summary
if G is not None:
    for row in G.itertuples():
        sel = (T.point == row.point) & (T.target == row.group)
        if sel.any():
            assert np.isclose(T.success[sel].mean(), row.success_rate), row
        print(f"    point {row.point} group {row.name}: success {row.success_rate:.3f}")
print("summary matches the trials")
