#!/usr/bin/python3
"""Check the output folder of tools/reproduce-paper: every figure (PNG and PDF), CSV table,
summary.md and README.md exists and is sane, and the headline results hold.

    tools/check_reproduction.py DIR

Exit status 0 when everything passes; 1 with one line per failure otherwise (2: bad usage).
Meant for a CI smoke test:

    tools/reproduce-paper --quick --out "$TMP" && tools/check_reproduction.py "$TMP"

The checks are tolerant enough for --quick (100 trials per Fig. 5 point, 60 per Fig. 6 level,
5 graphs per Fig. 7 size), and for any seed.
"""

import csv
import math
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # tools/reproduce
from reproduce import paper  # noqa: E402 - the paper's numbers, as reproduce-paper uses them

FIGURES = ["fig5_recall", "fig6c_images", "fig6_examples", "fig7_maxcut", "fig8_w_sweep",
           "section4b_timing_energy", "waveforms"]
TABLES = {  # file: columns that must be present (and numeric where listed in NUMERIC)
    "fig5_recall_accuracy.csv": ["patterns", "neurons", "trials", "bit_accuracy_mean", "bit_accuracy_se",
                                 "success_rate", "converged_fraction"],
    "fig6c_image_accuracy.csv": ["distortion", "image", "trials", "bit_accuracy_mean", "exact_recall_rate"],
    "fig7_maxcut.csv": ["nodes", "graphs", "reference_kind", "reference_score", "device_score", "hopfield_score",
                        "greedy_score", "device_gap_mean"],
    "fig7_maxcut_graphs.csv": ["nodes", "graph", "edges", "reference_cut", "device_cut", "device_gap"],
    "fig8_w_sweep.csv": ["W_V", "trials", "converged", "t_solution_median_s", "energy_paper_median_J",
                         "energy_exact_median_J", "edp_paper_median_Js"],
    "maxcut_g05_60.csv": ["graph", "optimum", "device_cut", "gap", "t_solution_s", "energy_paper_J",
                          "energy_exact_J"],
    "section4b_timing_energy.csv": ["task", "source", "t_solution_mean_s", "energy_paper_model_mean_J"],
    "table2_maxcut_efficiency.csv": ["work", "time_to_solution_s", "power_W", "energy_J"],
}
# columns allowed to hold NaN (paper rows without a value, or quantities not defined everywhere)
MAY_BE_NAN = {"section4b_timing_energy.csv": "*", "table2_maxcut_efficiency.csv": "*",
              "fig5_recall_accuracy.csv": {"hopfield_bit_accuracy_mean", "t_solution_median_s"},
              "fig6c_image_accuracy.csv": {"bit_accuracy_se"}}


class Checker:
    def __init__(self, root):
        self.root = root
        self.failures = []
        self.passed = 0

    def check(self, ok, msg):
        if ok:
            self.passed += 1
        else:
            self.failures.append(msg)
        return ok

    def path(self, *p):
        return os.path.join(self.root, *p)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def check_files(c):
    for name in FIGURES:
        png, pdf = c.path("figures", name + ".png"), c.path("figures", name + ".pdf")
        if c.check(os.path.isfile(png), f"missing figure {png}"):
            size = png_size(png)
            c.check(size is not None, f"{png} is not a PNG")
            if size:
                c.check(size[0] >= 600 and size[1] >= 400, f"{png} is only {size[0]}x{size[1]} pixels")
            c.check(os.path.getsize(png) > 20000, f"{png} is suspiciously small ({os.path.getsize(png)} bytes)")
        if c.check(os.path.isfile(pdf), f"missing figure {pdf}"):
            with open(pdf, "rb") as f:
                data = f.read()
            c.check(data.startswith(b"%PDF") and b"%%EOF" in data[-1024:], f"{pdf} is not a complete PDF")
            c.check(len(data) > 5000, f"{pdf} is suspiciously small ({len(data)} bytes)")
    tables = {}
    for name, cols in TABLES.items():
        p = c.path("tables", name)
        if not c.check(os.path.isfile(p), f"missing table {p}"):
            continue
        try:
            rows = read_csv(p)
        except (OSError, csv.Error) as e:
            c.check(False, f"{p}: unreadable CSV ({e})")
            continue
        if not c.check(len(rows) > 0, f"{p}: no rows"):
            continue
        missing = [k for k in cols if k not in rows[0]]
        c.check(not missing, f"{p}: missing columns {missing}")
        nan_ok = MAY_BE_NAN.get(name, set())
        bad = []
        for i, r in enumerate(rows):
            for k, v in r.items():
                x = num(v)
                if x is None:
                    continue  # text column
                if not math.isfinite(x) and not (nan_ok == "*" or k in nan_ok):
                    bad.append(f"row {i + 2} {k}={v}")
        c.check(not bad, f"{p}: non-finite values: {', '.join(bad[:5])}" + (" ..." if len(bad) > 5 else ""))
        tables[name] = rows
    return tables


def check_summary(c):
    p = c.path("summary.md")
    if not c.check(os.path.isfile(p), f"missing {p}"):
        return
    text = open(p).read()
    c.check(len(text) > 2000, f"{p} is too short ({len(text)} characters)")
    for needle in ["Fig. 5", "Fig. 6c", "Fig. 7", "Fig. 8", "IV.B.1", "IV.B.2", "Table II"]:
        c.check(needle in text, f"{p}: no section \"{needle}\"")
    for name, number in paper.NUMBERS.items():  # every number of the paper, as it prints it
        c.check(number.text in text, f"{p}: the paper's \"{number.text}\" ({name}) is not there")
    c.check(not re.search(r"\bnan\b|\binf\b", text, re.IGNORECASE), f"{p}: contains nan or inf")
    # every row of the main table has a value and a ratio column
    rows = [l for l in text.splitlines() if l.startswith("| ") and l.count("|") == 7]
    c.check(len(rows) >= 30, f"{p}: only {len(rows)} rows in the paper-against-spinhop table")
    p = c.path("README.md")
    if c.check(os.path.isfile(p), f"missing {p}"):
        text = open(p).read()
        for needle in ["tools/reproduce-paper", "spinhop ", "git ", "backend", "machine", "date", "total wall time"]:
            c.check(needle in text, f"{p}: no \"{needle}\"")
        c.check("git ?" not in text and "spinhop ?" not in text, f"{p}: version or git SHA missing")


def check_results(c, t):
    # Fig. 5: one stored pattern is recalled perfectly at odd N (no ties possible); overall high
    rows = t.get("fig5_recall_accuracy.csv")
    if rows:
        by = {(int(float(r["patterns"])), int(float(r["neurons"]))): r for r in rows}
        ns = sorted({n for _, n in by})
        c.check(ns[0] <= 3 and ns[-1] >= 29, f"Fig. 5: N runs {ns[0]}..{ns[-1]}, expected 2..29")
        c.check({1, 2, 3} <= {p for p, _ in by}, "Fig. 5: not every P in 1, 2, 3")
        for (p, n), r in by.items():
            acc = float(r["bit_accuracy_mean"])
            c.check(0.5 <= acc <= 1.0, f"Fig. 5: P={p} N={n} bit accuracy {acc} outside [0.5, 1]")
            if p == 1 and n % 2 == 1:
                c.check(acc >= 0.999, f"Fig. 5: P=1 N={n} (odd) bit accuracy {acc:.4f}, expected 100% within 0.1%")
            if p == 1 and n >= 10:
                c.check(acc >= 0.94, f"Fig. 5: P=1 N={n} bit accuracy {acc:.4f} < 94% (ties alone cost less)")
        big = [float(by[(2, n)]["bit_accuracy_mean"]) for n in ns if n >= 25 and (2, n) in by]
        if big:
            c.check(sum(big) / len(big) >= 0.97, f"Fig. 5: P=2 mean bit accuracy at N >= 25 is "
                                                 f"{sum(big) / len(big):.4f}, expected near {paper.P2_ACCURACY.text}")
        n3 = paper.P3_ABOVE_N
        big = [float(by[(3, n)]["bit_accuracy_mean"]) for n in ns if n > n3 and (3, n) in by]
        if big:
            c.check(sum(big) / len(big) >= 0.93, f"Fig. 5: P=3 mean bit accuracy at N > {n3} is "
                                                 f"{sum(big) / len(big):.4f}, expected near {paper.P3_ACCURACY.text}")
    # Fig. 6c: perfect at d = 0, worse at 0.3 than at 0; T rises at the top
    rows = t.get("fig6c_image_accuracy.csv")
    if rows:
        d0 = [r for r in rows if float(r["distortion"]) == 0 and r["image"] != "all"]
        c.check(len(d0) == 3, f"Fig. 6c: {len(d0)} letters at d = 0, expected 3")
        for r in d0:
            c.check(float(r["bit_accuracy_mean"]) == 1.0, f"Fig. 6c: letter {r['image']} not recalled at d = 0")
        allr = {round(float(r["distortion"]), 3): float(r["bit_accuracy_mean"]) for r in rows if r["image"] == "all"}
        if 0.3 in allr and 0.0 in allr:
            c.check(allr[0.3] < allr[0.0], "Fig. 6c: accuracy does not fall with distortion")
        dmax = max(allr) if allr else 0
        c.check(dmax >= 0.5 - 1e-9, f"Fig. 6c: distortion only up to {dmax}")
        tt = {round(float(r["distortion"]), 3): float(r["bit_accuracy_mean"]) for r in rows if r["image"] == "t"}
        if 0.5 in tt and 0.4 in tt:
            c.check(tt[0.5] > tt[0.4], f"Fig. 6c: \"T\" accuracy does not rise from d = 0.4 ({tt[0.4]:.3f}) "
                                       f"to 0.5 ({tt[0.5]:.3f})")
    # Fig. 7: references are upper bounds, the device beats a random cut
    rows = t.get("fig7_maxcut_graphs.csv")
    if rows:
        for r in rows:
            ref, dev, edges = float(r["reference_cut"]), float(r["device_cut"]), float(r["edges"])
            c.check(dev <= ref + 1e-9, f"Fig. 7: graph {r['graph']}: device cut {dev} above the reference {ref}")
            c.check(0 < ref <= edges, f"Fig. 7: graph {r['graph']}: reference {ref} not in (0, {edges}]")
    rows = t.get("fig7_maxcut.csv")
    if rows:
        for r in rows:
            dev, opt = float(r["device_score"]), float(r["reference_score"])
            c.check(0.5 < dev <= opt, f"Fig. 7: n={r['nodes']}: device score {dev:.3f} not in (0.5, {opt:.3f}]")
        gaps = [float(r["device_gap_mean"]) for r in rows]
        g = sum(gaps) / len(gaps)
        c.check(0.0 < g < 0.25, f"Fig. 7: mean gap {g:.3f} outside (0, 25%)")
        c.check(any(r["reference_kind"] == "exact" for r in rows), "Fig. 7: no size with an exact optimum")
    # Fig. 8: time falls and energy rises with W; the EDP minimum is at small W
    rows = t.get("fig8_w_sweep.csv")
    if rows:
        rows = sorted(rows, key=lambda r: float(r["W_V"]))
        w = [float(r["W_V"]) for r in rows]
        tm = [float(r["t_solution_median_s"]) for r in rows]
        ep = [float(r["energy_paper_median_J"]) for r in rows]
        edp = [float(r["edp_paper_median_Js"]) for r in rows]
        c.check(len(rows) >= 5, f"Fig. 8: only {len(rows)} values of W")
        c.check(tm[-1] < tm[0], "Fig. 8: the time to solution does not fall with W")
        c.check(ep[-1] > ep[0], "Fig. 8: the energy does not rise with W")
        wmin = w[edp.index(min(edp))]
        c.check(0.015 <= wmin <= 0.08, f"Fig. 8: EDP minimum at W = {wmin} V, the paper has ~{paper.EDP_W_MIN.text}")
        c.check(0.05e-15 < min(edp) < 0.5e-15, f"Fig. 8: minimum EDP {min(edp):.3g} J s, the paper {paper.EDP_MIN.text}")
        for r in rows:
            c.check(int(float(r["converged"])) > 0, f"Fig. 8: no converged trial at W = {r['W_V']}")
    # Section IV.B / Table II: within 25% of the paper (paper-model energy)
    rows = t.get("section4b_timing_energy.csv")
    if rows:
        by = {(r["task"], r["source"]): r for r in rows}
        checks = [("recall N=60", "t_solution_mean_s"), ("recall N=60", "t_solution_max_s"),
                  ("recall N=60", "power_paper_model_W"), ("recall N=60", "energy_paper_model_mean_J"),
                  ("recall N=60", "energy_paper_model_worst_J"), ("images N=100", "t_solution_mean_s"),
                  ("images N=100", "energy_paper_model_mean_J"), ("maxcut g05_60.0-9", "t_solution_mean_s"),
                  ("maxcut g05_60.0-9", "power_paper_model_W"), ("maxcut g05_60.0-9", "energy_paper_model_mean_J"),
                  ("maxcut g05_60.0-9", "energy_paper_model_worst_J")]
        for task, col in checks:
            if not c.check((task, "spinhop") in by and (task, "paper") in by, f"section IV.B: no {task} rows"):
                continue
            mine, theirs = num(by[(task, "spinhop")][col]), num(by[(task, "paper")][col])
            if mine is None or theirs is None or not math.isfinite(theirs):
                continue
            c.check(math.isfinite(mine) and abs(mine / theirs - 1) <= 0.25,
                    f"section IV.B: {task} {col} = {mine:.4g}, paper {theirs:.4g} (off by more than 25%)")
        r = by.get(("recall N=60", "spinhop"))
        if r:
            c.check(float(r["success_rate"]) >= 0.95, f"recall N=60: success {r['success_rate']} < 95%")
            c.check(float(r["energy_exact_mean_J"]) >= float(r["energy_paper_model_mean_J"]),
                    "recall N=60: exact energy below the paper model's (loading makes it higher)")
    rows = t.get("maxcut_g05_60.csv")
    if rows:
        c.check(len(rows) == 10, f"max-cut g05_60: {len(rows)} graphs, expected 10")
        for r in rows:
            c.check(float(r["device_cut"]) <= float(r["optimum"]), f"{r['graph']}: cut above the proven optimum")
            c.check(0 <= float(r["gap"]) < 0.2, f"{r['graph']}: gap {r['gap']}")


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    root = sys.argv[1]
    if not os.path.isdir(root):
        print(f"check_reproduction: {root} is not a folder", file=sys.stderr)
        sys.exit(2)
    c = Checker(root)
    tables = check_files(c)
    check_summary(c)
    check_results(c, tables)
    if c.failures:
        for f in c.failures:
            print("FAIL: " + f)
        print(f"check_reproduction: {len(c.failures)} of {len(c.failures) + c.passed} checks failed in {root}")
        sys.exit(1)
    print(f"check_reproduction: all {c.passed} checks passed in {root}")


if __name__ == "__main__":
    main()
