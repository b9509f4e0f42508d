"""Running spinhop from Python, in this process (docs/python.md).

    import spinhop
    r = spinhop.run(task="recall", neurons=29, trials=500, sweep={"sigma": [0, 0.05, 0.1]},
                    seed=1, output="pv.h5")
    r.summary

Every keyword is a command-line option of `spinhop TASK` (`t_max` or "t-max" for --t-max;
True/False for flags; a list for a repeatable option such as `graph`), and the command line it
makes is parsed by the executable's own parser: the names, checks, errors and trials are the
CLI's, bit for bit. The run happens in this process (the extension spinhop._core), with the
GIL released; Ctrl-C (KeyboardInterrupt) stops it within a few steps and keeps every committed
trial in the output file.
"""

import glob
import importlib
import importlib.util
import os
import shutil
import sys
import tempfile
import warnings
import weakref

from .results import open as open_results


class SpinhopError(ValueError):
    """A user error spinhop refused (a bad option, value, file or configuration; a full disk):
    the message is the CLI's `spinhop: error:` line."""


class SpinhopWarning(UserWarning):
    """A warning a run left in its results file (e.g. points censored by t_max)."""


def _core():
    """The compiled extension: spinhop._core beside this file, else the one a CMake build of
    this checkout made (build*/python/spinhop/)."""
    try:
        return importlib.import_module("._core", __package__)
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    candidates = []
    if os.environ.get("SPINHOP_BUILD"):
        candidates += glob.glob(os.path.join(os.environ["SPINHOP_BUILD"], "python", "spinhop", "_core*.so"))
    candidates += sorted(glob.glob(os.path.join(repo, "build*", "python", "spinhop", "_core*.so")))
    for path in candidates:
        spec = importlib.util.spec_from_file_location(__package__ + "._core", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[__package__ + "._core"] = module
        return module
    raise ImportError("spinhop._core is not built: build the repository (cmake -S . -B build && "
                      "cmake --build build) with pybind11 installed (tools/install-deps)")


def _text(value):
    """An option value as the command line writes it (floats in their shortest exact form)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same double
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return _text(value.item())
    return str(value)


def command_line(task, sweep=None, **options):
    """The argument list `spinhop.run` hands to spinhop for these keywords (without the program
    name), e.g. ["recall", "--neurons", "29", "--sweep", "sigma=0,0.05"]."""
    args = [str(task)]
    for name, value in options.items():
        if value is None:
            continue
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            args.append(f"{flag}={_text(value)}")
        elif isinstance(value, (list, tuple)):
            for v in value:
                args += [flag, _text(v)]
        else:
            args += [flag, _text(value)]
    for axis, values in (sweep or {}).items():
        if isinstance(values, str):  # "0:0.2:0.02" or "0.05,0.1"
            spec = values
        else:
            spec = ",".join(_text(v) for v in values)
        args += ["--sweep", f"{axis}={spec}"]
    return args


def _progress_printer():
    """A progress line redrawn in place on stderr (a terminal or a notebook's output)."""
    state = {"drawn": False}

    def show(line, fraction):
        width = 24
        fill = int(fraction * width)
        sys.stderr.write("\r[" + "#" * fill + " " * (width - fill) + "] " + line + " ")
        sys.stderr.flush()
        state["drawn"] = True

    def done():
        if state["drawn"]:
            sys.stderr.write("\n")
            sys.stderr.flush()

    return show, done


def run_command(args, progress=None):
    """Runs `spinhop ARGS...` in this process; returns the exit status and the messages
    [(kind, text)], kind "error", "internal" or "interrupted". Raises nothing itself."""
    return _core().run([str(a) for a in args], progress)


def run(task="recall", *, output=None, sweep=None, progress=True, force=False, **options):
    """Runs a spinhop experiment here and returns its results (spinhop.Results).

    task: "recall", "images", "maxcut" or "ising" (or "run" with config="experiment.toml" / from_="r.h5").
    output: the HDF5 results file; None writes a temporary one, removed when the returned
    Results object is garbage-collected. sweep: {axis: values} (a list, or a "start:stop:step"
    string), several axes making a Cartesian product. progress: a line redrawn on stderr (True),
    none (False), or a callable(line, fraction). Every other keyword is an option of the command
    (docs/cli.md): neurons=29, t_max=30e-6, thermal_noise=True, graph=["a.txt", "b.txt"], ...

    Raises SpinhopError for anything the CLI refuses (its error line as the message),
    KeyboardInterrupt when stopped (the committed trials stay in `output`, resumable with
    resume=True), RuntimeError for an internal error. Warnings the run stored (censoring by
    t_max) are issued as SpinhopWarning."""
    tmpdir = None
    if output is None:
        tmpdir = tempfile.mkdtemp(prefix="spinhop-")
        output = os.path.join(tmpdir, "results.h5")
    if "from_" in options:
        options["from"] = options.pop("from_")
    positional = []
    if task == "run" and "config" in options:
        positional = [str(options.pop("config"))]
    quiet = options.pop("quiet", True)  # the report goes to the process's stdout (a terminal, not a notebook)
    args = command_line(task, sweep=sweep, **options)
    args[1:1] = positional
    args += ["--output", str(output)] + (["--quiet"] if quiet else [])
    if force:
        args.append("--force")
    show, done = (None, None)
    if progress is True:
        show, done = _progress_printer()
    elif callable(progress):
        show = progress
    try:
        status, messages = run_command(args, show)
    finally:
        if done:
            done()
    text = "; ".join(m for _, m in messages)
    if status == 130:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
        raise KeyboardInterrupt(text)
    if status != 0:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
        if status == 2:
            raise SpinhopError(text)
        raise RuntimeError(f"spinhop internal error: {text}")
    results = open_results(output)
    if tmpdir:
        weakref.finalize(results, shutil.rmtree, tmpdir, True)
    for line in results.warnings:
        warnings.warn(SpinhopWarning(line), stacklevel=2)
    return results
