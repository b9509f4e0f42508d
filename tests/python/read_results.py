#!/usr/bin/python3
"""Opens a spinhop results file the way a user would (h5py, numpy) and checks that the stored
per-point summary matches the per-trial rows. Usage: read_results.py results.h5"""
import sys

import h5py
import numpy as np

path = sys.argv[1]
with h5py.File(path, "r") as f:
    assert f.attrs["file_type"] == "spinhop-results", "not a spinhop results file"
    print(f"{path}: task {f.attrs['task']}, format {f.attrs['format_version']}, "
          f"{f.attrs['points']} points x {f.attrs['trials_per_point']} trials, "
          f"spinhop {f.attrs['spinhop_version']} ({f.attrs['git_sha']}) on {f.attrs['device']}")
    params = list(f["points"].attrs["parameters"])
    trials = f["trials"]
    n = int(trials["committed"][0])
    point = trials["point"][:n]
    success = trials["success"][:n]
    converged = trials["converged"][:n].astype(bool)
    t_sol = trials["t_solution"][:n]
    assert trials["t_solution"].attrs["units"] == "s"
    assert f["summary/complete"][0] == 1, "the run did not finish"
    for p in range(int(f.attrs["points"])):
        values = ", ".join(f"{k}={f['points'][k][p]:g}" for k in params)
        sel = point == p
        rate = success[sel].mean()
        mean_t = t_sol[sel & converged].mean()
        stored_rate = f["summary/success_rate"][p]
        stored_t = f["summary/t_solution_mean"][p]
        print(f"  point {p} ({values}): success {stored_rate:.4f}, "
              f"mean time to solution {stored_t * 1e9:.2f} ns")
        assert np.isclose(rate, stored_rate), (rate, stored_rate)
        assert np.isclose(mean_t, stored_t, rtol=1e-12), (mean_t, stored_t)
        # quantiles use numpy's default (linear) interpolation
        conv = sel & converged
        e = trials["energy_exact"][:n][conv]
        t = t_sol[conv]
        for name, values in (("t_solution", t), ("edp_exact", e * t),
                             ("steps", trials["steps"][:n][sel].astype(float))):
            if values.size == 0:  # no converged trials: the file stores NaN
                assert np.isnan(f[f"summary/{name}_median"][p])
                continue
            for q, key in ((0.05, "q05"), (0.5, "median"), (0.95, "q95")):
                want = np.quantile(values, q)
                got = f[f"summary/{name}_{key}"][p]
                assert np.isclose(want, got, rtol=1e-12), (name, key, want, got)
    if "groups" in f["summary"]:
        g = f["summary/groups"]
        names = f["points/reference"].attrs["group_names"]
        target = trials["target"][:n]
        for row in range(len(g["point"])):
            sel = (point == g["point"][row]) & (target == g["group"][row])
            if sel.any():
                assert np.isclose(success[sel].mean(), g["success_rate"][row]), row
            print(f"    point {int(g['point'][row])} group {names[row]}: "
                  f"success {g['success_rate'][row]:.3f}")
print("summary matches the trials")
