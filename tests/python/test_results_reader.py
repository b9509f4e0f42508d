"""Tests of the results reader (python/spinhop): small files written by a real spinhop, read with
spinhop.open / open_many and checked against the raw HDF5 datasets and against recomputations.

    SPINHOP_EXE=build/spinhop /usr/bin/python3 -m pytest tests/python/test_results_reader.py

The executable is $SPINHOP_EXE, else build/spinhop; the tests are
skipped when there is none.
"""

import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

import spinhop  # noqa: E402
from spinhop.analysis import adjacency, cut_value, power, read_pbm, summarize  # noqa: E402


def _exe():
    for p in (os.environ.get("SPINHOP_EXE"), os.path.join(ROOT, "build", "spinhop")):
        if p and os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


EXE = _exe()
pytestmark = pytest.mark.skipif(EXE is None, reason="no spinhop executable (set SPINHOP_EXE)")


def spinhop_run(path, *args):
    subprocess.run([EXE, *args, "-o", str(path), "--force", "-q", "--threads", "2", "--seed", "7"],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("results")
    return {
        # N = 5 and 70 (two 64-bit words per state), W swept; a short t_max leaves some trials
        # unconverged, and every trial of N = 70, W = 0.02
        "recall": spinhop_run(d / "recall.h5", "recall", "-t", "30", "--t-max", "8e-8",
                              "--sweep", "N=5,70", "--sweep", "W=0.02,0.1"),
        "recall_b": spinhop_run(d / "recall_b.h5", "recall", "-t", "10", "--neurons", "12"),
        "images": spinhop_run(d / "images.h5", "images", "-t", "6", "--sweep", "distortion=0,0.2"),
        "maxcut": spinhop_run(d / "maxcut.h5", "maxcut", "--random-graph", "9", "--graphs", "3", "-t", "6"),
        "traces": spinhop_run(d / "traces.h5", "recall", "--neurons", "6", "-t", "3", "--traces", "2"),
    }


def raw(path, name):
    with h5py.File(path, "r") as f:
        n = int(f["trials/committed"][0])
        return f["trials"][name][:n]


def test_import_needs_no_compiled_extension():
    assert isinstance(spinhop.have_core(), bool)
    assert callable(spinhop.open) and spinhop.Results is spinhop.results.Results


def test_attrs_config_points(files):
    r = spinhop.open(files["recall"])
    assert r.attrs["file_type"] == "spinhop-results" and r.attrs["format_version"] == 3
    assert isinstance(r.attrs["points"], int) and isinstance(r.attrs["task"], str)
    assert r.config["task"] == "recall" and r.config["t-max"] == pytest.approx(8e-8)
    assert r.n_points == r.attrs["points"] == len(r.points) == 4
    assert set(r.parameters) == {"neurons", "w"}
    assert sorted(zip(r.points.neurons, r.points.w)) == [(5, 0.02), (5, 0.1), (70, 0.02), (70, 0.1)]
    assert r.points.attrs["units"]["w"] == "V" and r.points.attrs["units"]["neurons"] == "1"


def test_trials_rows_and_units(files):
    r = spinhop.open(files["recall"])
    T = r.trials
    assert len(T) == r.committed == int(raw(files["recall"], "committed")[0]) == 4 * 30
    np.testing.assert_array_equal(T.t_solution.to_numpy(), raw(files["recall"], "t_solution"))
    u = T.attrs["units"]
    assert (u["t_solution"], u["energy_exact"], u["bit_accuracy"], u["steps"], u["w"]) == ("s", "J", "1", "1", "V")
    # only the task's own columns: no all-NaN max-cut columns in a recall file, and the reverse
    assert not {"cut", "cut_fraction", "gap", "hopfield_cut"} & set(T.columns)
    M = spinhop.open(files["maxcut"]).trials
    assert M.attrs["units"]["cut"] == "edge weight" and "bit_accuracy" not in M.columns
    # counts are integers in /summary
    with h5py.File(files["recall"]) as f:
        assert all(f["summary"][k].dtype.kind == "u" for k in ("trials", "converged", "undecided_trials"))
    assert set(T.attrs["point_columns"]) == {"neurons", "w", "time_limit", "stop_speed"}
    # the limits each point ran under, with units: the given t_max, the default v_tol
    assert (T.time_limit == r.config["t-max"]).all() and (T.stop_speed == 1e-3).all()
    assert (u["time_limit"], u["stop_speed"]) == ("s", "m/s")
    assert (r.param("t-max") == r.config["t-max"]).all() and (r.param("v_tol") == 1e-3).all()
    # the point's parameters joined in
    for p in range(r.n_points):
        rows = T[T.point == p]
        assert len(rows) == 30
        assert (rows.neurons == r.points.neurons[p]).all() and (rows.w == r.points.w[p]).all()
    conv = T.groupby("point").converged.mean()
    assert (conv == 0).any() and ((conv > 0) & (conv < 1)).any(), "expected points of none and some converged"


def test_unpacked_bits_match_the_words(files):
    r = spinhop.open(files["recall"])
    N = r.trials.neurons.to_numpy()
    for name, method in (("state", r.states), ("undecided_bits", r.undecided), ("input", r.inputs)):
        words, bits = raw(files["recall"], name), method()
        assert bits.dtype == bool and bits.shape == (len(r.trials), 70)
        for row in range(0, len(bits), 7):
            w = [int(x) for x in words[row]]
            want = [bool((w[j // 64] >> (j % 64)) & 1) for j in range(N[row])]
            assert bits[row, :N[row]].tolist() == want
            assert not bits[row, N[row]:].any()  # padded with False beyond the point's N
    p = int(np.argmax(r.points.neurons.to_numpy() == 5))
    assert r.states(point=p).shape == ((r.trials.point == p).sum(), 5)
    np.testing.assert_array_equal(r.states(point=p), r.states()[r.mask(p)][:, :5])


def test_summary_matches_the_trials(files):
    for key in ("recall", "images", "maxcut"):
        r = spinhop.open(files[key])
        S, want = r.summary, summarize(r.trials)
        assert S.attrs["complete"] and len(S) == r.n_points
        assert S.attrs["units"]["power_exact"] == "W" and S.attrs["units"]["t_solution_mean"] == "s"
        assert set(want.columns) == set(S.columns)
        for col in want.columns:
            # a standard deviation is a difference of nearly equal numbers: to rounding of the mean
            atol = 1e-12 * np.nanmax(np.abs(want[col[:-4] + "_mean"].to_numpy()), initial=0) \
                if col.endswith("_std") else 0
            np.testing.assert_allclose(S[col].to_numpy(), want[col].to_numpy(), rtol=1e-12, atol=atol,
                                       err_msg=f"{key}: {col}")
        # the power statistic: total energy / total time of the converged trials (the file
        # stores 0 where none converged, power() gives NaN)
        T = r.trials
        for p in range(r.n_points):
            m = (T.point == p).to_numpy()
            c = (T.converged[m] == 1).to_numpy()
            expect = power(T.energy_exact[m], T.t_solution[m], c)
            assert S.power_exact[p] == (pytest.approx(expect, rel=1e-12) if c.any() else 0.0)
            assert np.isnan(expect) == (not c.any())
            if 0 < c.sum() < len(c):  # not the mean power of the trials
                assert expect != pytest.approx((T.energy_exact[m] / T.t_solution[m])[c].mean(), rel=1e-9)


def test_group_summary_and_images(files):
    r = spinhop.open(files["images"])
    G, T = r.group_summary, r.trials
    assert len(G) == r.n_points * r.groups and list(G.columns[:3]) == ["point", "group", "name"]
    for row in G.itertuples():
        sel = (T.point == row.point) & (T.target == row.group)
        assert row.trials == sel.sum() and row.success_rate == pytest.approx(T.success[sel].mean())
    # an undistorted input is the stored image: the PBM file, bit for bit
    inputs = r.inputs()
    p0 = int(np.argmax(r.points.distortion.to_numpy() == 0))
    for g, name in enumerate(r.group_names[:r.groups]):
        image = read_pbm(os.path.join(ROOT, "data", "images", name + ".pbm")).astype(bool)
        rows = np.where((T.point == p0) & (T.target == g))[0]
        assert len(rows) and all(np.array_equal(inputs[i], image) for i in rows)
    assert spinhop.open(files["recall"]).group_summary is None


def test_graphs_and_cut_value(files):
    r = spinhop.open(files["maxcut"])
    assert len(r.graphs) == r.groups == 3
    T, states = r.trials, r.states()
    for i in range(len(T)):
        name = r.group_names[T.point[i] * r.groups + T.target[i]]
        nodes, edges = r.graphs[name]
        assert nodes == 9 and edges.shape[1] == 3
        assert cut_value(adjacency(nodes, edges), states[i][:nodes]) == T.cut[i]
        assert states.shape[1] == nodes + 4 and states[i][nodes:].all()  # the Ising mapping's 4 bias neurons, ON
    assert r.reference.shape == (1, 3) and r.reference_kinds == ["exact"] * 3


def test_traces(files):
    r = spinhop.open(files["traces"])
    assert len(r.traces) == 2
    for tr in r.traces:
        steps = tr["t"].shape[0]
        assert steps > 1 and tr["soma_x"].shape == (steps, 6) and tr["power"].shape == (steps,)
        assert tr["point"] == 0 and tr["trial"] in (0, 1) and tr["neurons"] == 6
        # the time points rise; the time to solution falls in the last step
        t_solution = r.trials.t_solution[r.trials.trial == tr["trial"]].iloc[0]
        assert np.all(np.diff(tr["t"]) > 0) and tr["t"][-2] < t_solution <= tr["t"][-1]


def test_open_many_renumbers_points(files):
    a, b = spinhop.open(files["recall"]), spinhop.open(files["recall_b"])
    r = spinhop.open_many([files["recall"], files["recall_b"]])
    assert r.n_points == a.n_points + b.n_points and len(r.points) == r.n_points
    assert r.points["index"].tolist() == list(range(r.n_points))
    assert len(r.trials) == r.committed == a.committed + b.committed
    assert (r.trials.point[len(a.trials):] == a.n_points).all()
    assert r.points.neurons.iloc[-1] == 12 and np.isnan(r.points.w.iloc[-1])  # w not swept in b
    np.testing.assert_array_equal(r.param("w")[-1], b.config["w"])
    s = r.states()
    assert s.shape == (r.committed, 70)
    np.testing.assert_array_equal(s[len(a.trials):, :12], b.states())
    assert not s[len(a.trials):, 12:].any()
    assert len(r.summary) == r.n_points


def test_not_a_results_file(tmp_path):
    p = tmp_path / "other.h5"
    with h5py.File(p, "w") as f:
        f.attrs["file_type"] = "something else"
    with pytest.raises(spinhop.FormatError):
        spinhop.open(p)


def test_swmr_open_while_written_and_after_kill(tmp_path):
    path = tmp_path / "long.h5"
    proc = subprocess.Popen([EXE, "recall", "--neurons", "64", "-t", "100000000", "--batch", "64",
                             "--threads", "1", "-q", "-o", str(path), "--force"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        r = None
        deadline = time.time() + 60
        while time.time() < deadline:
            time.sleep(0.2)
            if not path.exists():
                continue
            try:
                r = spinhop.open(path)
            except OSError:
                continue  # not yet renamed into place / switched to SWMR
            if r.committed > 0:
                break
        assert r is not None and r.committed > 0, "the run committed nothing in 60 s"
        assert proc.poll() is None, "the run finished: too fast to test reading while it writes"
        with pytest.raises(OSError):
            h5py.File(path, "r")  # a plain open refuses a file open for writing
        assert len(r.trials) == r.committed < 100000000
        assert r.states().shape == (r.committed, 64)
        assert not r.summary.attrs["complete"] and r.summary.isna().all(axis=None)
        seen = r.trials
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    r = spinhop.open(path)  # left by a killed writer: SWMR mode still reads it
    assert r.committed >= len(seen) and len(r.trials) == r.committed
    # the rows read while the run wrote are the final ones
    assert r.trials.iloc[:len(seen)].equals(seen)
