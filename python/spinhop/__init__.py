"""spinhop in Python: run experiments in this process, read and plot their results.

    import spinhop
    r = spinhop.run(task="recall", neurons=29, trials=500, sweep={"sigma": [0, 0.05, 0.1]}, seed=1)
    r.summary                             # per-point statistics (pandas)
    r = spinhop.open("results.h5")        # any results file, also one still being written
    r.trials.groupby("point").t_solution.mean()

The reader (spinhop.results), the analysis helpers (spinhop.analysis) and the plots
(spinhop.plot) are plain Python (h5py, numpy, pandas, matplotlib). spinhop.run needs the
compiled extension spinhop._core (built by the repository's CMake build), imported only when
first used: reading never needs it. docs/python.md.
"""

import importlib

from .results import FormatError, Results, open, open_many, unpack_bits  # noqa: A004 - spinhop.open
from .run import SpinhopError, SpinhopWarning, command_line, run, run_command

__all__ = ["FormatError", "Results", "open", "open_many", "unpack_bits", "have_core", "run",
           "run_command", "command_line", "SpinhopError", "SpinhopWarning"]


def have_core():
    """True if the compiled extension spinhop._core can be loaded."""
    from .run import _core
    try:
        _core()
    except ImportError:
        return False
    return True


def __getattr__(name):
    # spinhop._core (and spinhop.analysis) on first use; nothing compiled at import time
    if name == "_core":
        from .run import _core
        return _core()
    if name in ("analysis", "plot"):
        return importlib.import_module("." + name, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
