"""spinhop: Python access to spinhop's results files, and (when built) to the simulator itself.

    import spinhop
    r = spinhop.open("results.h5")       # a spinhop.results.Results
    r.trials.groupby("point").t_solution.mean()

The reader (spinhop.results) and the analysis helpers (spinhop.analysis) are plain Python
(h5py, numpy, pandas). The compiled extension `spinhop._core`, when it is built, is imported
only when it is first used (`spinhop._core`, or `spinhop.have_core()` to ask): importing
spinhop never needs it.
"""

import importlib

from .results import FormatError, Results, open, open_many, unpack_bits  # noqa: A004 - spinhop.open

__all__ = ["FormatError", "Results", "open", "open_many", "unpack_bits", "have_core"]


def have_core():
    """True if the compiled extension spinhop._core can be imported."""
    try:
        importlib.import_module("._core", __name__)
    except ImportError:
        return False
    return True


def __getattr__(name):
    # spinhop._core (and spinhop.analysis) on first use; nothing compiled at import time
    if name in ("_core", "analysis"):
        return importlib.import_module("." + name, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
