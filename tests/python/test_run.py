"""Tests of spinhop.run (the simulator in the Python process, python/native.cpp): the same trials
as the CLI bit for bit, the CLI's errors as exceptions, Ctrl-C as KeyboardInterrupt keeping the
committed rows, warnings, progress, temporary outputs.

    SPINHOP_BUILD=build SPINHOP_EXE=build/spinhop /usr/bin/python3 -m pytest tests/python/test_run.py

Skipped when the extension spinhop._core is not built.
"""

import os
import subprocess
import sys
import threading
import time
import warnings

import h5py
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

import spinhop  # noqa: E402

EXE = os.environ.get("SPINHOP_EXE") or os.path.join(ROOT, "build", "spinhop")
pytestmark = pytest.mark.skipif(not spinhop.have_core() or not os.path.isfile(EXE),
                                reason="spinhop._core or the executable is not built")


def same_trials(a, b):
    return subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "python", "compare_trials.py"),
                           a, b], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).returncode == 0


def test_the_same_trials_as_the_cli(tmp_path):
    args = dict(neurons=12, trials=40, seed=3, sigma=0.05, t_max=3e-5, threads=1)
    r = spinhop.run(task="recall", output=tmp_path / "py.h5", sweep={"W": [0.05, 0.1]}, **args)
    subprocess.run([EXE, "recall", "--neurons", "12", "--trials", "40", "--seed", "3", "--sigma", "0.05",
                    "--t-max", "3e-05", "--threads", "1", "--sweep", "W=0.05,0.1", "-q",
                    "-o", str(tmp_path / "cli.h5")], check=True)
    assert same_trials(str(tmp_path / "py.h5"), str(tmp_path / "cli.h5"))
    assert r.n_points == 2 and len(r.trials) == 80
    # the same stored configuration: the file re-runs from the CLI alike
    assert r.attrs["config"] == spinhop.open(tmp_path / "cli.h5").attrs["config"]
    assert r.summary.attrs["complete"]


def test_keywords_become_the_command_line():
    assert spinhop.command_line("maxcut", graph=["a.txt", "b.txt"], thermal_noise=True, t_max=3e-6,
                                sweep={"sigma": [0, 0.05], "W": "0.05:0.1:0.05"}) == [
        "maxcut", "--graph", "a.txt", "--graph", "b.txt", "--thermal-noise=true", "--t-max", "3e-06",
        "--sweep", "sigma=0,0.05", "--sweep", "W=0.05:0.1:0.05"]
    assert spinhop.command_line("recall", neurons=np.int64(7), w=np.float64(0.1)) == [
        "recall", "--neurons", "7", "--w", "0.1"]


@pytest.mark.parametrize("kw, expect", [
    (dict(neurons="abc"), "Could not convert"),
    (dict(neuronz=3), "--neuronz"),
    (dict(t_max=-1.0), "t_max"),
    (dict(graph="x.txt"), "--graph"),  # an option of another task
])
def test_the_cli_errors_are_exceptions(kw, expect):
    with pytest.raises(spinhop.SpinhopError, match=expect.replace("-", r"\-")):
        spinhop.run(task="recall", trials=2, **kw)


def test_keyboard_interrupt_keeps_the_committed_rows(tmp_path):
    out = tmp_path / "stopped.h5"

    def stop_once_rows_are_there():  # Ctrl-C as soon as a batch is committed
        deadline = time.time() + 120
        while time.time() < deadline:
            time.sleep(0.05)
            try:
                if spinhop.open(out).committed > 0:
                    break
            except Exception:  # noqa: BLE001 - not created yet, or mid-creation
                pass
        spinhop._core.request_stop()

    threading.Thread(target=stop_once_rows_are_there, daemon=True).start()
    t0 = time.time()
    with pytest.raises(KeyboardInterrupt, match="--resume"):
        spinhop.run(task="recall", neurons=29, trials=10_000_000, batch=64, output=out, threads=1)
    assert time.time() - t0 < 150
    r = spinhop.open(out)
    assert r.committed > 0 and not r.summary.attrs["complete"]
    # and it resumes to the same trials as a run that was never stopped
    spinhop.run(task="recall", neurons=29, trials=r.committed + 64, batch=64, output=tmp_path / "ref.h5",
                threads=1)
    ref = spinhop.open(tmp_path / "ref.h5").trials.head(r.committed)
    np.testing.assert_array_equal(r.trials.t_solution.to_numpy(), ref.t_solution.to_numpy())


def test_warnings_progress_and_temporary_output():
    lines = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = spinhop.run(task="recall", neurons=29, trials=40, t_max=5e-8, progress=lambda line, f: lines.append(f))
    assert any(issubclass(w.category, spinhop.SpinhopWarning) and "reached t_max" in str(w.message)
               for w in caught)
    assert r.warnings and r.warnings[0].startswith("point 0: ")
    assert lines and lines[-1] == 1.0
    path = r.paths[0]
    assert os.path.exists(path)
    del r
    import gc
    gc.collect()
    assert not os.path.exists(path)  # the temporary output goes with its Results


def test_resume_and_the_plot_command(tmp_path, monkeypatch):
    # stopped after 2 batches (the CLI's test hook), then resumed: the trials of an unbroken run
    args = dict(task="recall", neurons=10, trials=300, batch=50, threads=1)
    monkeypatch.setenv("SPINHOP_TEST_STOP_AFTER_BATCHES", "2")
    with pytest.raises(KeyboardInterrupt, match="--resume"):
        spinhop.run(output=tmp_path / "s.h5", **args)
    monkeypatch.delenv("SPINHOP_TEST_STOP_AFTER_BATCHES")
    assert spinhop.open(tmp_path / "s.h5").committed == 100
    again = spinhop.run(output=tmp_path / "s.h5", resume=True, **args)
    assert again.summary.attrs["complete"] and len(again.trials) == 300
    spinhop.run(output=tmp_path / "ref.h5", **args)
    assert same_trials(str(tmp_path / "s.h5"), str(tmp_path / "ref.h5"))
    # spinhop plot: a quick-look image, and spinhop's error line for a missing file
    small = spinhop.run(task="recall", neurons=10, trials=20, traces=1, sweep={"W": [0.05, 0.1]},
                        output=tmp_path / "small.h5")
    png = tmp_path / "look.png"
    done = subprocess.run([EXE, "plot", small.paths[0], "-o", str(png)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    assert done.returncode == 0, done.stdout
    assert png.stat().st_size > 10_000
    bad = subprocess.run([EXE, "plot", str(tmp_path / "none.h5")], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    assert bad.returncode == 2 and bad.stdout.startswith("spinhop: error: ")


def test_resume_of_a_file_with_fixed_time_limits(tmp_path, monkeypatch):
    # a file of a version with fixed limits stored t-max = 3e-05 and v-tol = 0.001 in its
    # configuration and no /points/time_limit: resuming it is the same run where the automatic
    # limits are those values (recall), and refused where they are not (a 40-node integer graph:
    # t_max 35.5 us), naming the option
    def stop_and_make_old(path, args):
        monkeypatch.setenv("SPINHOP_TEST_STOP_AFTER_BATCHES", "2")
        with pytest.raises(KeyboardInterrupt):
            spinhop.run(output=path, **args)
        monkeypatch.delenv("SPINHOP_TEST_STOP_AFTER_BATCHES")
        with h5py.File(path, "r+") as f:
            old = f.attrs["config"].decode() + "t-max = 3.0000000000000001e-05\nv-tol = 0.001\n"
            f.attrs["config"] = np.bytes_(old.encode())
            del f["points/time_limit"], f["points/stop_speed"]

    recall = dict(task="recall", neurons=10, trials=300, batch=50, threads=1)
    stop_and_make_old(tmp_path / "r.h5", recall)
    again = spinhop.run(output=tmp_path / "r.h5", resume=True, **recall)
    assert again.summary.attrs["complete"] and len(again.trials) == 300
    maxcut = dict(task="maxcut", random_graph=40, density=0.3, edge_weights="int10", trials=60,
                  batch=10, threads=1)
    stop_and_make_old(tmp_path / "m.h5", maxcut)
    with pytest.raises(spinhop.SpinhopError, match="t-max"):
        spinhop.run(output=tmp_path / "m.h5", resume=True, **maxcut)
