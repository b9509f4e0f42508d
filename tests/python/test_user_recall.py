"""recall with the user's own patterns, inputs and synapse matrix (--patterns-file, --inputs-file,
--weights): the files' rows reach the network, a Hebbian matrix given explicitly runs the same
trials as the patterns it comes from, and contradictions are one clear error.

    SPINHOP_BUILD=build /usr/bin/python3 -m pytest tests/python/test_user_recall.py
"""

import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

import spinhop  # noqa: E402

pytestmark = pytest.mark.skipif(not spinhop.have_core(), reason="spinhop._core is not built")


def test_three_neurons_recall_101_from_000(tmp_path):
    (tmp_path / "p.txt").write_text("# one pattern\n101\n")
    (tmp_path / "i.txt").write_text("000\n")
    r = spinhop.run(task="recall", patterns_file=str(tmp_path / "p.txt"), inputs_file=str(tmp_path / "i.txt"),
                    trials=2, progress=False)
    T = r.trials
    assert (T["converged"] == 1).all() and (T["success"] == 1).all()
    assert np.array_equal(r.states().astype(int), [[1, 0, 1], [1, 0, 1]])
    assert not r.inputs().any()
    # the settle time of this network (docs/validation.md): about 0.3 us
    assert 0.25e-6 < T["t_solution"].iloc[0] < 0.35e-6


def test_inputs_cycle_and_an_explicit_hebbian_matrix_is_the_same_network(tmp_path):
    rng = np.random.default_rng(3)
    n, P = 16, 2
    pats = rng.integers(0, 2, size=(P, n))
    ins = rng.integers(0, 2, size=(5, n))
    (tmp_path / "p.txt").write_text("\n".join("".join(map(str, p)) for p in pats) + "\n")
    (tmp_path / "i.txt").write_text("\n".join(" ".join(map(str, x)) for x in ins) + "\n")
    S = 2 * pats - 1
    W = 0.1 * (S.T @ S).astype(float)  # eq. 3, summed over patterns; the diagonal is unused
    np.save(tmp_path / "w.npy", W)
    common = dict(task="recall", patterns_file=str(tmp_path / "p.txt"), inputs_file=str(tmp_path / "i.txt"),
                  trials=12, seed=5, sigma=0.03, progress=False)
    hebb = spinhop.run(**common)
    given = spinhop.run(weights=str(tmp_path / "w.npy"), **common)
    assert np.array_equal(hebb.inputs(), ins[np.arange(12) % 5].astype(bool))
    assert np.array_equal(hebb.states(), given.states())
    assert np.array_equal(hebb.trials["t_solution"].to_numpy(), given.trials["t_solution"].to_numpy())
    assert np.array_equal(hebb.trials["success"].to_numpy(), given.trials["success"].to_numpy())


@pytest.mark.parametrize("files, extra, message", [
    ({"p.txt": "101\n10\n"}, {}, "a pattern of 2 bits"),
    ({"p.txt": "1012\n"}, {}, "unexpected character"),
    ({"p.txt": "101\n", "i.txt": "1010\n"}, {}, "4-bit inputs"),
    ({"p.txt": "101\n"}, {"neurons": 5}, "contradicts"),
    ({"i.txt": "101\n"}, {}, "go with --patterns-file"),
])
def test_contradictions_are_one_clear_error(tmp_path, files, extra, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    args = dict(task="recall", trials=1, progress=False, **extra)
    if "p.txt" in files:
        args["patterns_file"] = str(tmp_path / "p.txt")
    if "i.txt" in files:
        args["inputs_file"] = str(tmp_path / "i.txt")
    with pytest.raises(spinhop.SpinhopError, match=message):
        spinhop.run(**args)


def test_run_from_uses_the_stored_copy_of_moved_files(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINHOP_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "p.txt").write_text("1100110011\n1010101010\n")
    (tmp_path / "i.txt").write_text("1100110010\n0000000001\n")
    first = spinhop.run(task="recall", patterns_file=str(tmp_path / "p.txt"), inputs_file=str(tmp_path / "i.txt"),
                        trials=6, seed=9, sigma=0.02, progress=False, output=tmp_path / "a.h5")
    (tmp_path / "p.txt").unlink()
    (tmp_path / "i.txt").write_text("0000000000\n")  # changed: the stored copy wins
    again = spinhop.run(task="run", from_=str(tmp_path / "a.h5"), progress=False, output=tmp_path / "b.h5")
    assert np.array_equal(first.states(), again.states())
    assert np.array_equal(first.inputs(), again.inputs())
    assert np.array_equal(first.trials["t_solution"].to_numpy(), again.trials["t_solution"].to_numpy())
