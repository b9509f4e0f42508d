"""spinhop ising: the problem files, the QUBO conversion and the energies a run reports, checked
against brute force over every state (n <= 14) and against each other (.npy, CSV, sparse text,
fields on the diagonal or in --fields).

    SPINHOP_BUILD=build /usr/bin/python3 -m pytest tests/python/test_ising.py
"""

import itertools
import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

import spinhop  # noqa: E402

pytestmark = pytest.mark.skipif(not spinhop.have_core(), reason="spinhop._core is not built")


def all_states(n):
    return np.array(list(itertools.product([0, 1], repeat=n)), dtype=float)


def read_spins(r, n, with_fields):  # bits: spins, the field node, the bias neurons
    """Spins of every trial from the read-out: +1 where a node is on the field node's side."""
    bits = r.states()
    if with_fields:
        return np.where(bits[:, :n] == bits[:, [n]], 1.0, -1.0)
    return np.where(bits[:, :n], 1.0, -1.0)


def test_qubo_energies_and_the_exact_reference(tmp_path):
    rng = np.random.default_rng(5)
    n = 12
    Q = rng.integers(-6, 7, size=(n, n)).astype(float)
    np.save(tmp_path / "q.npy", Q)
    X = all_states(n)
    f = np.einsum("si,ij,sj->s", X, Q, X)
    r = spinhop.run(task="ising", couplings=str(tmp_path / "q.npy"), qubo=True, trials=12, sigma=0.05,
                    seed=2, progress=False, output=tmp_path / "q.h5")
    # the reference is the exact optimum cut of the equivalent graph: its energy is min f
    T = r.trials
    s = read_spins(r, n, with_fields=True)
    x = (1 + s) / 2
    fx = np.einsum("si,ij,sj->s", x, Q, x)
    assert np.allclose(T["ising_energy"].to_numpy(), fx)
    assert (T["ising_energy"].to_numpy() >= f.min() - 1e-9).all()
    best_cut = np.asarray(r.reference)[0][0]
    k = T["ising_energy"].to_numpy() + T["cut"].to_numpy()  # E = k - cut, one k per problem
    assert np.allclose(k, k[0])
    assert k[0] - best_cut == pytest.approx(f.min())
    assert r.reference_kinds == ["exact"]


def test_formats_agree_and_fields_two_ways(tmp_path):
    rng = np.random.default_rng(8)
    n = 10
    J = np.triu(rng.choice([-1.0, 0.0, 1.0, 2.0], size=(n, n)), 1)
    h = rng.integers(-2, 3, size=n).astype(float)
    np.save(tmp_path / "j.npy", J)
    np.save(tmp_path / "h.npy", h)
    np.savetxt(tmp_path / "j.csv", J + J.T, delimiter=",")  # symmetric is the same problem
    with open(tmp_path / "j.txt", "w") as out:
        entries = [(i, j, J[i, j]) for i in range(n) for j in range(i + 1, n) if J[i, j] != 0]
        entries += [(i, i, h[i]) for i in range(n) if h[i] != 0]
        out.write("# sparse, fields on the diagonal\n%d %d\n" % (n, len(entries)))
        for i, j, v in entries:
            out.write("%d %d %g\n" % (i + 1, j + 1, v))
    common = dict(task="ising", trials=6, seed=4, progress=False, sigma=0.03)
    runs = [spinhop.run(couplings=str(tmp_path / "j.npy"), fields=str(tmp_path / "h.npy"), **common),
            spinhop.run(couplings=str(tmp_path / "j.csv"), fields=str(tmp_path / "h.npy"), **common),
            spinhop.run(couplings=str(tmp_path / "j.txt"), **common)]
    S = all_states(n) * 2 - 1
    E = -np.einsum("si,ij,sj->s", S, J, S) - S @ h
    for r in runs:
        s = read_spins(r, n, with_fields=True)
        e = -np.einsum("si,ij,sj->s", s, J, s) - s @ h
        assert np.allclose(r.trials["ising_energy"].to_numpy(), e)
        assert (e >= E.min() - 1e-9).all()
    # the same problem: the same trials
    for r in runs[1:]:
        assert np.array_equal(r.trials["ising_energy"].to_numpy(), runs[0].trials["ising_energy"].to_numpy())


@pytest.mark.parametrize("text, message", [
    ("3 2\n1 2 1\n1 2 2\n", "duplicate entry"),
    ("3\n1 4 1\n", "out of range"),
    ("3 2\n1 2 1\n", "ends after 1 of the 2"),
    ("x\n", "header"),
    ("3\n1 2 nan\n", "non-finite"),
])
def test_malformed_files_are_one_clear_error(tmp_path, text, message):
    p = tmp_path / "bad.txt"
    p.write_text(text)
    with pytest.raises(spinhop.SpinhopError, match=message):
        spinhop.run(task="ising", couplings=str(p), trials=1, progress=False)


def test_inconsistent_dense_matrix_is_refused(tmp_path):
    J = np.array([[0, 1, 0], [2, 0, 0], [0, 0, 0]], dtype=float)
    np.save(tmp_path / "j.npy", J)
    with pytest.raises(spinhop.SpinhopError, match="symmetric or an upper-triangular"):
        spinhop.run(task="ising", couplings=str(tmp_path / "j.npy"), trials=1, progress=False)
    (tmp_path / "short.npy").write_bytes((tmp_path / "j.npy").read_bytes()[:-8])
    with pytest.raises(spinhop.SpinhopError, match="data bytes"):
        spinhop.run(task="ising", couplings=str(tmp_path / "short.npy"), trials=1, progress=False)


def test_huge_coefficients_are_refused(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_text("2 1\n1 2 1e308\n")
    with pytest.raises(spinhop.SpinhopError, match="exceeds"):
        spinhop.run(task="ising", couplings=str(p), trials=1, progress=False)
