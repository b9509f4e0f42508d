"""spinhop.variation: the sensitivity table (each variation parameter alone, then all) and the
yield bisection, checked against plain runs of the same trials.

    SPINHOP_BUILD=build /usr/bin/python3 -m pytest tests/python/test_variation.py
"""

import math
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

import spinhop  # noqa: E402
import spinhop.variation as V  # noqa: E402

pytestmark = pytest.mark.skipif(not spinhop.have_core(), reason="spinhop._core is not built")


def test_sensitivity_rows_are_the_runs_they_name():
    df = V.sensitivity("recall", sigma=0.1, trials=60, seed=3, neurons=11)
    assert list(df.varied)[0] == "nominal" and list(df.varied)[-1] == "all"
    assert sorted(df.varied[1:-1]) == sorted(V.PARAMETERS)
    single = df.iloc[1:-1]["yield"].to_numpy()
    assert (single[:-1] <= single[1:]).all()  # the most harmful parameter first
    for _, r in df.iterrows():
        assert r.yield_lo <= r["yield"] <= r.yield_hi and r.trials == 60
    plain = spinhop.run(task="recall", neurons=11, trials=60, seed=3, sigma_r_m=0.1, progress=False)
    assert df.set_index("varied").loc["r-m", "yield"] == plain.summary.success_rate.iloc[0]


def test_sigma_at_yield_brackets_the_crossing():
    s, steps = V.sigma_at_yield("recall", target=0.9, lo=0.0, hi=0.4, trials=150, seed=2, tol=0.05,
                                neurons=15, patterns=2)
    assert not math.isnan(s)
    below = steps[steps.sigma < s]
    above = steps[steps.sigma > s]
    assert below["yield"].iloc[below.sigma.argmax()] >= 0.9  # the bracket's lower end passes
    assert above["yield"].iloc[above.sigma.argmin()] < 0.9   # its upper end fails
    assert above.sigma.min() - below.sigma.max() <= 0.05 + 1e-12


def test_options_after_the_double_dash():
    assert V._extra_options(["--neurons", "29", "--graph", "a", "--graph", "b", "--thermal-noise", "--t-max=1e-5"]) == \
        {"neurons": "29", "graph": ["a", "b"], "thermal_noise": True, "t_max": "1e-5"}
    with pytest.raises(ValueError):
        V._extra_options(["29"])
