#!/usr/bin/python3
"""Exits 0 iff two spinhop results files hold the same trial data: the same committed rows, every
/trials dataset equal (NaN equal to NaN; the bit-packed states, undecided somas and inputs
compared bit for bit). Usage: compare_trials.py a.h5 b.h5"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "python"))
import spinhop  # noqa: E402

a, b = (spinhop.open(p) for p in sys.argv[1:3])
ta, tb = a.trials, b.trials
names = [c for c in tb.columns if c not in tb.attrs["point_columns"]]
differ = []
for name in names:
    same = name in ta.columns and len(ta) == len(tb)
    if same:
        x, y = ta[name].to_numpy(), tb[name].to_numpy()
        same = x.dtype == y.dtype and (np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f"
                                       else np.array_equal(x, y))
    if not same:
        differ.append(name)
for name, method in (("state", "states"), ("undecided_bits", "undecided"), ("input", "inputs")):
    x, y = getattr(a, method)(), getattr(b, method)()
    if x.shape != y.shape or not np.array_equal(x, y):
        differ.append(name)
if differ:
    print(f"{sys.argv[1]} and {sys.argv[2]} differ in: {', '.join(differ)}")
    sys.exit(1)
print(f"same trial data: {len(names) + 3} datasets, {b.committed} trials")
