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
    if "groups" in f["summary"]:
        g = f["summary/groups"]
        names = f["points/reference"].attrs["group_names"]
        for row in range(len(g["point"])):
            print(f"    point {int(g['point'][row])} group {names[row]}: "
                  f"success {g['success_rate'][row]:.3f}")
print("summary matches the trials")
