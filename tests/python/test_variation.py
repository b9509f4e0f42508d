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


def test_variation_file_dies_defects_and_importance_weights(tmp_path):
    path = str(tmp_path / "v.toml")
    V.write_variation_file(path, {"global_fraction": 0.5, "dies": 3,
                                  "r_p": {"sigma": 0.08, "distribution": "lognormal"},
                                  "r_ap": {"sigma": 0.08},
                                  "correlation": {"parameters": ["r_p", "r_ap"], "matrix": [[1.0, 0.7], [0.7, 1.0]]},
                                  "defects": {"stuck_off": 0.02}})
    pat = tmp_path / "p.txt"
    pat.write_text("10110100101\n")
    r = spinhop.run(task="recall", patterns_file=str(pat), inputs_file=str(pat), trials=12, seed=4,
                    variation=path, progress=False)
    t = r.trials
    # trial k and k + 3 run on the same die with the same input: the same physics to the bit
    for k in range(9):
        assert t.t_solution.iloc[k] == t.t_solution.iloc[k + 3]
        assert t.energy_exact.iloc[k] == t.energy_exact.iloc[k + 3]
    assert len(set(t.t_solution.iloc[:3])) == 3
    assert "log_weight" not in t  # plain Monte Carlo
    # importance sampling: weights and die normals stored, the normals shifted as asked
    V.write_variation_file(path, {"global_fraction": 1.0, "importance": True,
                                  "r_p": {"sigma": 0.05, "importance_shift": 1.5, "importance_scale": 1.0}})
    r = spinhop.run(task="recall", patterns_file=str(pat), inputs_file=str(pat), trials=400, seed=4,
                    variation=path, progress=False)
    t = r.trials
    z = t.die_z_r_p.to_numpy()
    assert abs(z.mean() - 1.5) < 0.2
    # ln p/q of a unit-scale shift mu: -mu z + mu^2 / 2
    assert abs((t.log_weight - (-1.5 * z + 1.125)).abs().max()) < 1e-9
    assert t.die_z_r_ap.isna().all()


def test_bad_variation_files_are_refused(tmp_path):
    from spinhop.run import SpinhopError
    path = tmp_path / "v.toml"
    for text in ["[r_p]\nsigma = 2\n", "[correlation]\nparameters = [\"r_p\", \"w\"]\nmatrix = [[1, 0], [0, 1]]\n",
                 "[defects]\nstuck_on = 0.7\nopen = 0.6\n", "[r_p]\nsigam = 0.1\n", "importance = true\n"]:
        path.write_text(text)
        with pytest.raises(SpinhopError):
            spinhop.run(task="recall", neurons=5, trials=2, variation=str(path), progress=False)


def test_failure_rate_importance_agrees_with_plain_monte_carlo():
    # Failures common enough that plain Monte Carlo pins the rate down: the cross-entropy
    # proposal plus its defensive mixture must agree with it within the two standard errors.
    var = {"global_fraction": 0.6}
    for p in ["r_p", "r_ap", "area", "leak"]:
        var[p] = {"sigma": 0.12}
    opts = dict(neurons=13, patterns=2, t_max=3e-6)
    plain = V.failure_rate("recall", var, trials=4000, method="plain", seed=2, **opts)
    assert 0.02 < plain["rate"] < 0.5
    r = V.failure_rate("recall", var, trials=600, pilot=200, seed=3, **opts)
    assert r["total_trials"] == 600 + 200 * len(r["levels"])
    assert 0 <= r["step"] <= 1.2 and r["lo"] <= r["rate"] <= r["hi"]
    se_plain = math.sqrt(plain["rate"] * (1 - plain["rate"]) / 4000)
    se_is = (r["hi"] - r["rate"]) / 1.959963984540054
    assert abs(r["rate"] - plain["rate"]) < 3 * math.sqrt(se_plain ** 2 + se_is ** 2)
    # the chosen step is the one with the smallest estimated second moment, plain (0) included
    st = r["steps"]
    assert st.second_moment[st.step == r["step"]].iloc[0] == st.second_moment.min()


def test_sensitivity_varies_the_depinning_current_when_walls_pin():
    df = V.sensitivity("recall", sigma=0.05, trials=20, seed=1, neurons=7, depinning_current=0.8e-6)
    assert {"depinning", "depinning-cycle"} <= set(df.varied)
