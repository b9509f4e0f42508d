#!/usr/bin/python3
"""The cost of running spinhop from Python against the executable, on the same work
(docs/performance.md, docs/python.md):

    SPINHOP_BUILD=build /usr/bin/python3 bench/python_overhead.py [--exe build/spinhop] [--repeat 3]

Each case runs alternately as `spinhop ARGS -o a.h5` (a subprocess, wall time) and as
spinhop.run(**same) in this process (wall time of the call, results file opened), best of
--repeat; prints both and the overhead. The trials are checked identical."""
import argparse
import warnings
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
import spinhop  # noqa: E402

warnings.simplefilter("ignore", spinhop.SpinhopWarning)  # the censoring notes are not the point here

ap = argparse.ArgumentParser()
ap.add_argument("--exe", default=os.path.join(ROOT, "build", "spinhop"))
ap.add_argument("--repeat", type=int, default=3)
a = ap.parse_args()

CASES = [
    ("recall N=60, 4000 trials", "recall", dict(neurons=60, trials=4000, seed=1)),
    ("recall N=29, sigma sweep 4 x 500", "recall", dict(neurons=29, trials=500, seed=1,
                                                         sweep={"sigma": [0, 0.05, 0.1, 0.2]})),
    ("max-cut g05_60.0-9, 200 trials", "maxcut", dict(graph=[os.path.join(ROOT, "data", "maxcut", f"g05_60.{k}")
                                                             for k in range(10)], trials=200, sigma=0.05)),
]
work = tempfile.mkdtemp(prefix="spinhop-overhead-")
print(f"{'case':36s} {'CLI [s]':>9s} {'Python [s]':>11s} {'overhead':>9s}")
for name, task, kw in CASES:
    args = spinhop.command_line(task, **kw)
    cli, py = [], []
    for k in range(a.repeat):
        t0 = time.perf_counter()
        subprocess.run([a.exe, *args, "-q", "-o", os.path.join(work, "cli.h5"), "--force"], check=True)
        cli.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        r = spinhop.run(task, output=os.path.join(work, "py.h5"), force=True, progress=False, **kw)
        py.append(time.perf_counter() - t0)
    same = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "python", "compare_trials.py"),
                           os.path.join(work, "cli.h5"), os.path.join(work, "py.h5")]).returncode == 0
    c, p = min(cli), min(py)
    print(f"{name:36s} {c:9.3f} {p:11.3f} {100 * (p - c) / c:+8.1f}%  {'same trials' if same else 'TRIALS DIFFER'}")
