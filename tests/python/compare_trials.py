#!/usr/bin/python3
"""Exits 0 iff two spinhop results files hold the same trial data (every /trials dataset equal,
NaN equal to NaN). Usage: compare_trials.py a.h5 b.h5"""
import sys

import h5py
import numpy as np

a, b = (h5py.File(p, "r", swmr=True) for p in sys.argv[1:3])
differ = []
for name in b["trials"]:
    x, y = a["trials"][name][()], b["trials"][name][()]
    same = x.shape == y.shape and (np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f"
                                   else np.array_equal(x, y))
    if not same:
        differ.append(name)
if differ:
    print(f"{sys.argv[1]} and {sys.argv[2]} differ in: {', '.join(differ)}")
    sys.exit(1)
print(f"same trial data: {len(b['trials'])} datasets, {int(b['trials/committed'][0])} trials")
