#!/usr/bin/python3
"""Compare one trial's ngspice waveforms with spinhop's (issue 8).

  spice_compare.py NGSPICE.dat SPINHOP.csv [--t-solution S] [--energy J] [--png out.png]
  spice_compare.py NGSPICE.dat RESULTS.h5 [--point P] [--trial K] [--png out.png]

NGSPICE.dat: the wrdata file a netlist from `spinhop netlist` writes (a header line, then one row
per time point: time [s], v(xs<j>) soma positions [nm], v(xa<i>_<j>) axon positions [nm], speed
[m/s], tleft [s], v(power) [mW], v(energy) [pJ], ...).
SPINHOP.csv: spinhop's trajectory of the same trial, columns t [s] and soma_0..soma_{N-1} [m]
(nm accepted: values above 1e-3 are read as nm), optionally energy [J].
RESULTS.h5: or a spinhop results file with the trial's waveform (a run with --traces), read with
the spinhop package (python/): the trace of trial K of point P (default: the first trace), its
soma positions [m], and its stored time to solution and exact energy.
--t-solution / --energy: spinhop's time to solution [s] and energy [J], for the table (from the
results file when one is given).

Prints the comparison table and writes an overlay plot of the soma trajectories.
"""
import argparse
import csv
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))


def read_ngspice(path):
    with open(path) as f:
        names = f.readline().split()
    data = np.loadtxt(path, skiprows=1, ndmin=2)
    if not names or names[0] != "time" or data.shape[1] != len(names):
        sys.exit(f"{path}: not a wrdata file with a header (time, v(xs0), ...)")
    cols = {name: data[:, q] for q, name in enumerate(names)}
    somas = sorted((int(nm[4:-1]), nm) for nm in names if nm.startswith("v(xs"))
    return {
        "t": cols["time"],
        "soma": np.array([cols[nm] * 1e-9 for _, nm in somas]),  # [m]
        "tleft": cols.get("tleft"),
        "energy": cols["v(energy)"] * 1e-12 if "v(energy)" in cols else None,  # [J]
    }


def read_spinhop(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = [h.strip() for h in rows[0]]
    data = np.array([[float(v) for v in r] for r in rows[1:] if r], ndmin=2)
    t = data[:, header.index(next(h for h in header if h.startswith("t")))]
    soma_cols = sorted((int(h.split("_")[1]), q) for q, h in enumerate(header)
                       if h.startswith("soma_"))
    soma = np.array([data[:, q] for _, q in soma_cols])
    if soma.size and np.nanmax(np.abs(soma)) > 1e-3:
        soma = soma * 1e-9  # given in nm
    energy = data[:, header.index("energy")] if "energy" in header else None
    return {"t": t, "soma": soma, "energy": energy}


def read_spinhop_results(path, point=None, trial=None):
    """One stored trace of a results file (the spinhop package; h5py and pandas): soma
    trajectories [m], and the trial's stored t_solution [s] and energy_exact [J]."""
    import spinhop

    r = spinhop.open(path)
    traces = [tr for tr in r.traces if (point is None or tr["point"] == point)
              and (trial is None or tr["trial"] == trial)]
    if not traces:
        sys.exit(f"{path}: no stored trace" + (f" of point {point}" if point is not None else "") +
                 (f" trial {trial}" if trial is not None else "") + " (run spinhop with --traces)")
    tr = traces[0]
    T = r.trials
    row = T[(T.point == tr["point"]) & (T.trial == tr["trial"])]
    return {"t": tr["t"], "soma": tr["soma_x"].T, "energy": None,
            "t_solution": float(row.t_solution.iloc[0]) if len(row) else None,
            "energy_exact": float(row.energy_exact.iloc[0]) if len(row) else None}


def solution_time(sp):
    """spinhop's rule on ngspice's time points (NgspiceTrace::solution_time)."""
    t, tleft = sp["t"], sp["tleft"]
    if tleft is None:
        return float("nan")
    moving = np.nonzero(tleft > 0)[0]
    if moving.size == 0:
        return float(t[0])
    k = moving[-1]
    if k + 1 == t.size:
        return float("nan")
    return float(t[k] + min(tleft[k], t[k + 1] - t[k]))


def bit(x, lo, hi):
    return "1" if x >= hi else "0" if x <= lo else "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ngspice")
    ap.add_argument("spinhop", help="spinhop's trajectory: SPINHOP.csv, or a results file (.h5) with a trace")
    ap.add_argument("--point", type=int, help="results file: the trace's point (default: the first trace)")
    ap.add_argument("--trial", type=int, help="results file: the trace's trial inside its point")
    ap.add_argument("--t-solution", type=float, help="spinhop's time to solution [s]")
    ap.add_argument("--energy", type=float, help="spinhop's energy [J]")
    ap.add_argument("--length", type=float, default=100e-9, help="track length for the bits [m]")
    ap.add_argument("--png", default="spice_compare.png")
    a = ap.parse_args()

    sp = read_ngspice(a.ngspice)
    if a.spinhop.endswith((".h5", ".hdf5")):
        sh = read_spinhop_results(a.spinhop, a.point, a.trial)
        if a.t_solution is None:
            a.t_solution = sh["t_solution"]
        if a.energy is None:
            a.energy = sh["energy_exact"]
    else:
        sh = read_spinhop(a.spinhop)
    n = min(len(sp["soma"]), len(sh["soma"]))
    print(f"{'soma':>4} {'max |dx| [nm]':>14} {'at [ns]':>9} {'final spinhop':>14} "
          f"{'final ngspice':>14}  bits")
    for j in range(n):
        xs = np.interp(sh["t"], sp["t"], sp["soma"][j])
        d = np.abs(xs - sh["soma"][j])
        k = int(np.argmax(d))
        f1, f2 = sh["soma"][j][-1], sp["soma"][j][-1]
        lo, hi = 0.05 * a.length, 0.95 * a.length
        print(f"{j:>4} {d[k] * 1e9:>14.3f} {sh['t'][k] * 1e9:>9.3f} {f1 * 1e9:>11.3f} nm "
              f"{f2 * 1e9:>11.3f} nm  {bit(f1, lo, hi)} {bit(f2, lo, hi)}")
    t_sp = solution_time(sp)
    t_sh = a.t_solution if a.t_solution is not None else float(sh["t"][-1])
    print(f"time to solution: spinhop {t_sh * 1e9:.4f} ns, ngspice {t_sp * 1e9:.4f} ns "
          f"({(t_sp / t_sh - 1) * 100:+.3f}%)")
    e_sh = a.energy if a.energy is not None else (
        float(sh["energy"][-1]) if sh["energy"] is not None else None)
    if sp["energy"] is not None and np.isfinite(t_sp):
        e_sp = float(np.interp(t_sp, sp["t"], sp["energy"]))
        line = f"energy: ngspice {e_sp * 1e12:.5g} pJ"
        if e_sh:
            line = (f"energy: spinhop {e_sh * 1e12:.5g} pJ, ngspice {e_sp * 1e12:.5g} pJ "
                    f"({(e_sp / e_sh - 1) * 100:+.3f}%)")
        print(line)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    for j in range(n):
        c = f"C{j % 10}"
        ax.plot(sh["t"] * 1e9, sh["soma"][j] * 1e9, color=c, lw=2.5, alpha=0.45,
                label="spinhop" if j == 0 else None)
        ax.plot(sp["t"] * 1e9, sp["soma"][j] * 1e9, color=c, lw=1, ls="--",
                label="ngspice" if j == 0 else None)
    ax.set_xlabel("time [ns]")
    ax.set_ylabel("soma wall position [nm]")
    ax.set_title(f"soma trajectories, N = {n}: spinhop (wide) and ngspice (dashed)")
    ax.legend(loc="best")
    fig.tight_layout()
    fig.savefig(a.png, dpi=120)
    print(f"wrote {a.png}")


if __name__ == "__main__":
    main()
