"""Reading spinhop results files (HDF5, docs/output-format.md, format_version 2 and 3).

    import spinhop
    r = spinhop.open("results.h5")          # or spinhop.open_many([...]) for one experiment in several files
    r.attrs["task"], r.config["neurons"]    # root attributes; the run's configuration (TOML, parsed)
    r.points                                # DataFrame: one row per sweep point
    r.trials                                # DataFrame: one row per committed trial (SI units)
    r.states()                              # bool [trials][neurons]: the final read-outs
    r.summary, r.group_summary              # the stored per-point (per-group) statistics
    r.traces, r.graphs                      # waveforms; max-cut graphs

Units are SI throughout (seconds, joules, watts, metres, volts); every DataFrame carries them in
`df.attrs["units"]` (column -> unit, "1" for counts and fractions, "edge weight" for cuts).

A file still being written (or left by a killed run) opens too: a plain open fails on the
writer's flag and the file is opened in HDF5's SWMR mode instead. What a Results object holds is
a snapshot: the number of committed rows is read once, when it is created, and every trial
property and method returns exactly those rows (complete ones: the writer bumps `committed` only
after the rows are flushed). Open it again to see more.

Several files of one experiment (e.g. one file per N of a sweep over N) are read as one: their
points are numbered one after another (the points of the second file follow those of the
first), and every point-indexed value (`trials.point`, `traces[k]["point"]`, `group_summary.point`)
uses that numbering.
"""

import os
import tomllib
from functools import cached_property

import h5py
import numpy as np
import pandas as pd

FORMAT_VERSION = 3
OLDEST_FORMAT_VERSION = 2  # a version-2 file also holds the other task's (all-NaN) columns


class FormatError(ValueError):
    """The file is not a spinhop results file of a format this reader knows."""


def open_file(path):
    """The HDF5 file at `path`, read-only (an h5py.File, to be closed by the caller). Falls back
    to SWMR mode when a plain open fails: a run still writing the file, or one killed."""
    try:
        return h5py.File(path, "r")
    except OSError:
        return h5py.File(path, "r", swmr=True)


def to_python(value):
    """An HDF5 attribute value as plain Python: str, int, float or bool, lists for arrays."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray):
        return [to_python(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return to_python(value.item())
    return value


def unpack_bits(words, n_bits):
    """Bit-packed uint64 rows ([rows] or [rows][words]) to a bool array [rows][n_bits]: element
    [r, j] is bit j % 64 of word j // 64 of row r (the layout of /trials/state and friends)."""
    w = np.ascontiguousarray(np.asarray(words, dtype="<u8"))
    if w.ndim == 1:
        w = w[:, None]
    return np.unpackbits(w.view(np.uint8), axis=1, bitorder="little")[:, :n_bits].astype(bool)


def _units(ds):
    return str(to_python(ds.attrs.get("units", "")))


def _columns(group, length, skip=()):
    """The 1-D datasets of `length` rows in an HDF5 group: {name: array}, {name: unit}."""
    cols, units = {}, {}
    for name, ds in group.items():
        if name in skip or not isinstance(ds, h5py.Dataset) or ds.ndim != 1:
            continue
        cols[name] = ds[:length]
        units[name] = _units(ds)
    return cols, units


def _frame(parts, units, index_name=None):
    """Concatenate per-file DataFrames; attach the units."""
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if index_name:
        df.index.name = index_name
    df.attrs["units"] = {c: units.get(c, "") for c in df.columns}
    return df


class Results:
    """The points, trials, statistics, traces and graphs of one experiment: one results file, or
    several of one experiment (`paths`: a path or a list of paths; the points of later files are
    numbered after those of earlier ones).

    Read when created:
      paths            the files, as given
      attrs            root attributes of the (first) file: str, int or float
      file_attrs       the root attributes of each file
      config           the (first) file's resolved configuration (TOML, parsed): {option: value}, SI
      point_config     the configuration of each point (its file's), a list [points]
      points           DataFrame, one row per sweep point (index: the global point number): `index`,
                       `neurons`, then every swept parameter (a parameter swept in only some of
                       the files is NaN in the others); units in `points.attrs["units"]`
      parameters       the swept parameters' names
      n_points         points over all files
      committed        complete trial rows over all files when this object was created
      groups           images (images task) or graphs (max-cut) per point; 0 for recall
      reference        reference optimum [point][group] (NaN where none; edge weight), or None
      reference_kinds  per (point, group), row-major: "exact", "known", "heuristic" or "none"
      group_names      per (point, group), row-major: the image or graph names
    Read from the files on first use, then kept: `trials`, `summary`, `group_summary`, `traces`,
    `graphs`. Read on every call: `states()`, `undecided()`, `inputs()`.
    """

    def __init__(self, paths):
        if isinstance(paths, (str, bytes, os.PathLike)):
            paths = [paths]
        self.paths = [os.fspath(p) for p in paths]
        if not self.paths:
            raise ValueError("Results: no file given")
        self.file_attrs, self.point_config, self.parameters = [], [], []
        self.reference_kinds, self.group_names = [], []
        self._offsets = []     # global number of each file's first point
        self._committed = []   # committed rows of each file: the snapshot every trial read keeps to
        points, units, refs = [], {}, []
        offset = 0
        for path in self.paths:
            with open_file(path) as f:
                a = {k: to_python(v) for k, v in f.attrs.items()}
                if (a.get("file_type") != "spinhop-results"
                        or not OLDEST_FORMAT_VERSION <= int(a.get("format_version", -1)) <= FORMAT_VERSION):
                    raise FormatError(f"{path} is not a spinhop results file of format "
                                      f"{OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}")
                n_points = int(a["points"])
                self.file_attrs.append(a)
                self._offsets.append(offset)
                self._committed.append(int(f["trials/committed"][0]))
                self.point_config += [tomllib.loads(a["config"])] * n_points
                P = f["points"]
                params = [str(p) for p in to_python(P.attrs.get("parameters", []))]
                self.parameters += [p for p in params if p not in self.parameters]
                cols, u = _columns(P, n_points)
                units.update(u)
                order = ["index", "neurons"] + [p for p in params if p in cols]
                df = pd.DataFrame({k: cols[k] for k in order + sorted(set(cols) - set(order))})
                df["index"] = df["index"].astype(np.int64) + offset
                points.append(df)
                groups = int(a.get("groups", 0))
                if "reference" in P:
                    r = P["reference"]
                    refs.append(np.asarray(r[:], float).reshape(n_points, -1))
                    self.reference_kinds += [str(x) for x in to_python(r.attrs.get("kinds", []))]
                    self.group_names += [str(x) for x in to_python(r.attrs.get("group_names", []))]
                else:
                    refs.append(np.full((n_points, groups), np.nan))
                offset += n_points
        self.n_points = offset
        self.attrs = self.file_attrs[0]
        self.config = self.point_config[0] if self.point_config else tomllib.loads(self.attrs["config"])
        self.groups = int(self.attrs.get("groups", 0))
        width = max((r.shape[1] for r in refs), default=0)
        self.reference = np.concatenate([np.pad(r, ((0, 0), (0, width - r.shape[1])), constant_values=np.nan)
                                         for r in refs]) if width else None
        self.points = _frame(points, units, "point")
        self.committed = sum(self._committed)

    def __repr__(self):
        files = self.paths[0] if len(self.paths) == 1 else f"{len(self.paths)} files"
        return (f"<spinhop.Results {files}: task {self.attrs.get('task')}, {self.n_points} points, "
                f"{self.committed} trials>")

    # --- per-trial rows ---------------------------------------------------------------------
    def _each_file(self):
        """(file, first point, committed rows) of each file, opened in turn."""
        for path, offset, n in zip(self.paths, self._offsets, self._committed):
            with open_file(path) as f:
                yield f, offset, n

    @cached_property
    def trials(self):
        """DataFrame of every committed trial: one column per scalar /trials dataset (`point`
        numbered over all files, `trial`, `converged`, `t_solution` [s], `energy_exact` [J],
        ..., docs/output-format.md), then the point's `neurons`, swept parameters and time limits
        (`time_limit` [s], `stop_speed` [m/s]) joined in
        (named `point_<name>` if a trial column has the name; their names in
        `trials.attrs["point_columns"]`). Rows in file order, then stored order (the run's
        finishing order). Units in `trials.attrs["units"]`. The bit-packed datasets are in
        states(), undecided() and inputs()."""
        parts, units = [], {}
        for f, offset, n in self._each_file():
            cols, u = _columns(f["trials"], n, skip=("committed",))
            units.update(u)
            order = [k for k in ("point", "trial") if k in cols]
            df = pd.DataFrame({k: cols[k] for k in order + [k for k in cols if k not in order]})
            df["point"] = df["point"].astype(np.int64) + offset
            parts.append(df)
        df = pd.concat(parts, ignore_index=True)
        point = df["point"].to_numpy()
        joined = []
        for col in self.points.columns:
            if col == "index":
                continue
            name = col if col not in df.columns else "point_" + col
            df[name] = self.points[col].to_numpy()[point]
            units[name] = self.points.attrs["units"].get(col, "")
            joined.append(name)
        df.attrs["units"] = {c: units.get(c, "") for c in df.columns}
        df.attrs["point_columns"] = joined
        return df

    def trial_arrays(self):
        """The columns of `trials` as a dict of contiguous numpy arrays {name: array[trials]}."""
        return {c: np.ascontiguousarray(self.trials[c].to_numpy()) for c in self.trials.columns}

    def mask(self, point):
        """Boolean mask over the trial rows: the trials of (global) point `point`."""
        return self.trials["point"].to_numpy() == point

    def _bits(self, name, point=None):
        """Unpacked /trials/<name> rows as bool [rows][neurons]; see states()."""
        words = []
        for f, _, n in self._each_file():
            w = np.asarray(f["trials"][name][:n], dtype="<u8")
            words.append(w[:, None] if w.ndim == 1 else w)
        width = max(w.shape[1] for w in words)
        words = np.concatenate([np.pad(w, ((0, 0), (0, width - w.shape[1]))) for w in words])
        rows = self.trials["point"].to_numpy()
        neurons = self.points["neurons"].to_numpy().astype(np.int64)
        if point is not None:
            sel = rows == point
            return unpack_bits(words[sel], int(neurons[point]))
        n_max = int(neurons.max()) if len(neurons) else 0
        bits = unpack_bits(words, n_max)
        bits &= np.arange(n_max)[None, :] < neurons[rows][:, None]
        return bits

    def states(self, point=None):
        """Final read-outs, bool [trials][neurons]: [r, j] = soma j of trial row r read as 1.
        Rows are those of `trials`. Points of different N (a sweep over N) share one array of
        the largest N, each row padded with False beyond its point's N (trials.neurons tells
        where a row ends); `point=p` returns only point p's rows, [trials of p][N of p]."""
        return self._bits("state", point)

    def undecided(self, point=None):
        """Undecided somas (between the read-out thresholds), bool [trials][neurons]; as states()."""
        return self._bits("undecided_bits", point)

    def inputs(self, point=None):
        """The inputs loaded: True = neuron held at +V_C while charging, bool [trials][neurons];
        as states()."""
        return self._bits("input", point)

    def param(self, name, config_key=None):
        """Per-point value of a parameter, float [points]: the swept column `name` where it is
        given for every point, else the configuration value `config_key` (default `name`). The
        time limits (`t-max`, `v-tol`) are those each point ran under (`time_limit`,
        `stop_speed`: automatic where the configuration leaves them unset)."""
        limit = {"t-max": "time_limit", "t_max": "time_limit", "v-tol": "stop_speed", "v_tol": "stop_speed"}
        if config_key is None and limit.get(name) in self.points:
            col = self.points[limit[name]].to_numpy().astype(float)
            if not np.any(np.isnan(col)):
                return col
        if name in self.points:
            col = self.points[name].to_numpy().astype(float)
            if not np.any(np.isnan(col)):
                return col
        key = config_key or name
        return np.array([float(c[key]) for c in self.point_config])

    # --- statistics ---------------------------------------------------------------------------
    @cached_property
    def summary(self):
        """The stored per-point statistics (/summary), DataFrame indexed by global point:
        `trials`, `converged`, `success_rate`, `power_exact` [W], `t_solution_mean` [s],
        `energy_exact_median` [J], ... (docs/output-format.md). The rows of a file whose run has
        not finished (/summary/complete = 0) are NaN; `summary.attrs["complete"]` is True when
        every file's summary is complete."""
        parts, units, complete = [], {}, True
        for f, offset, _ in self._each_file():
            n_points = int(f.attrs["points"])
            S = f.get("summary")
            done = S is not None and "complete" in S and int(S["complete"][0]) == 1
            complete &= done
            cols, u = _columns(S, n_points, skip=("complete",)) if S is not None else ({}, {})
            units.update(u)
            df = pd.DataFrame(cols, index=range(n_points), dtype=float)
            if not done:
                df[:] = np.nan
            parts.append(df)
        df = _frame(parts, units, "point")
        df.attrs["complete"] = bool(complete)
        return df

    @cached_property
    def warnings(self):
        """The warnings the runs stored (/summary.warnings: points where more than 1% of the
        trials reached t_max), one string per point, its global point number first."""
        out = []
        for f, offset, _ in self._each_file():
            S = f.get("summary")
            text = to_python(S.attrs.get("warnings", "")) if S is not None else ""
            for line in str(text).splitlines():
                if line.startswith("point ") and offset:
                    number, rest = line[6:].split(":", 1)
                    line = f"point {int(number) + offset}:{rest}"
                if line:
                    out.append(line)
        return out

    @cached_property
    def group_summary(self):
        """The stored per-group statistics (/summary/groups; images and max-cut), or None: one
        row per (point, group), `point` (global), `group`, `name` (image or graph), `trials`,
        `success_rate`, `bit_accuracy_mean`, `t_solution_mean` [s], and for max-cut `cut_mean`,
        `cut_best`, `p_target`, `gap_mean`. Rows of unfinished files are NaN but for
        point, group and name."""
        parts, units, found, k = [], {}, False, 0
        for f, offset, _ in self._each_file():
            rows = int(f.attrs["points"]) * int(f.attrs.get("groups", 0))
            S = f.get("summary")
            if S is None or "groups" not in S:
                k += rows
                continue
            found = True
            done = "complete" in S and int(S["complete"][0]) == 1
            cols, u = _columns(S["groups"], rows)
            units.update(u)
            first = [c for c in ("point", "group") if c in cols]
            df = pd.DataFrame({c: cols[c] for c in first + [c for c in cols if c not in first]})
            if not done:
                df.loc[:, [c for c in df.columns if c not in first]] = np.nan
            df["point"] = df["point"].astype(np.int64) + offset
            if "group" in df:
                df["group"] = df["group"].astype(np.int64)
            names = self.group_names[k:k + rows]
            if len(names) == len(df):
                df.insert(len(first), "name", names)
                units["name"] = ""
            k += rows
            parts.append(df)
        return _frame(parts, units) if found else None

    # --- waveforms and graphs -------------------------------------------------------------------
    @cached_property
    def traces(self):
        """The complete stored waveforms (/traces), a list of dicts, in file then slot order:
        `point` (global), `trial`, `neurons`, `file` (its path), and numpy arrays over the
        integrator's time points (one row per step): `t` [s], `phase` (0 loading, 1 relaxing),
        `soma_x` [step][N] [m], `soma_current` [step][N] [A], `power` [W], `axon_ids` [A][2]
        (neuron i's axon onto dendrite j) and `axon_x` [step][A] [m]."""
        out = []
        for f, offset, _ in self._each_file():
            if "traces" not in f:
                continue
            for name in sorted(f["traces"]):
                g = f["traces"][name]
                if "t" not in g or g["t"].shape[0] == 0:
                    continue  # slot not (yet) written
                if int(f.attrs["format_version"]) >= 3 and "checksum" not in g.attrs:
                    continue  # written in part (the writer stopped): the checksum comes last
                tr = {k: g[k][:] for k in g}
                tr.update({k: to_python(v) for k, v in g.attrs.items()})
                tr["point"] = int(tr["point"]) + offset
                tr["file"] = f.filename
                out.append(tr)
        return out

    @cached_property
    def graphs(self):
        """The max-cut graphs (/graphs): {name: (nodes, edges)}, edges float [m][3] =
        (i, j, weight), 0-based nodes. Empty for other tasks."""
        out = {}
        for f, _, _ in self._each_file():
            for name, ds in f.get("graphs", {}).items():
                out[name] = (int(ds.attrs["nodes"]), ds[:])
        return out


def open(path):  # noqa: A001 - spinhop.open, like h5py.File / builtins.open for a results file
    """Open one spinhop results file: a Results object (see there)."""
    return Results([path])


def open_many(paths):
    """Open several results files of one experiment as one Results object; the points of later
    files are numbered after those of earlier ones."""
    return Results(list(paths))
