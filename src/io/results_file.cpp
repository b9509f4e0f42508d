// The HDF5 results file. Layout (docs/output-format.md):
//
//   /                root attributes: file type, format version, provenance, config (TOML)
//   /points/         the sweep-point table: index, neurons, one dataset per swept parameter,
//                    max-cut references [point][group]
//   /trials/         one extendible dataset per per-trial field, plus the bit-packed final states
//                    and `committed`, the number of complete rows
//   /summary/        per-point and per-group statistics, written when the run finishes
//   /traces/         waveforms of the first K trials of every point (optional)
//
// Every object is created before the file switches to SWMR writing; afterwards a batch only
// extends and writes existing datasets, then bumps `committed` and flushes, so the file on disk
// is consistent at any moment and readers take `committed` rows.
#include "spinhop/results_file.hpp"
#include "spinhop/variation_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <set>

#include "io/file_guard.hpp"
#include "spinhop/cancel.hpp"
#include "io/h5.hpp"
#include "io/input_file.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/experiment.hpp"
#include "spinhop/options.hpp"

namespace spinhop {

namespace fs = std::filesystem;
using h5::Handle;

namespace {

constexpr std::size_t kChunkRows = 4096;

// --- per-trial columns -------------------------------------------------------------------------

// Which tasks a column belongs to: a file holds only its task's columns (no all-NaN columns of
// another task).
enum class Scope { All, Patterns, Cuts, Ising, Importance };

bool in_scope(Scope s, const ResultsHeader& h) {
  const std::string& task = h.task;
  const bool cuts = task == "maxcut" || task == "ising";
  if (s == Scope::Ising) return task == "ising";
  if (s == Scope::Importance) return h.importance;
  return s == Scope::All || (s == Scope::Cuts) == cuts;
}

struct Column {
  const char* name;
  hid_t file_type;        // integer columns store in their own width; reals as f64
  bool real;
  const char* unit;
  const char* description;
  std::function<double(const TrialRecord&)> get;
  std::function<void(TrialRecord&, double)> set;
  Scope scope = Scope::All;
};

const std::vector<Column>& columns() {
  static const std::vector<Column> cols = [] {
    std::vector<Column> c = {
      {"point", H5T_STD_U32LE, false, "1", "sweep point index (row of /points)",
       [](const TrialRecord& r) { return static_cast<double>(r.point); },
       [](TrialRecord& r, double v) { r.point = static_cast<std::uint64_t>(v); }},
      {"trial", H5T_STD_U64LE, false, "1", "trial index inside its point; global index = point * trials_per_point + trial",
       [](const TrialRecord& r) { return static_cast<double>(r.trial); },
       [](TrialRecord& r, double v) { r.trial = static_cast<std::uint64_t>(v); }},
      {"converged", H5T_STD_U8LE, false, "1", "1 if every wall stopped before t_max",
       [](const TrialRecord& r) { return static_cast<double>(r.outcome.converged); },
       [](TrialRecord& r, double v) { r.outcome.converged = static_cast<int>(v); }},
      {"t_solution", H5T_IEEE_F64LE, true, "s", "time from the start of loading to convergence (t_max if not converged)",
       [](const TrialRecord& r) { return r.outcome.t_solution; },
       [](TrialRecord& r, double v) { r.outcome.t_solution = v; }},
      {"t_load", H5T_IEEE_F64LE, true, "s", "time the input sources were switched off",
       [](const TrialRecord& r) { return r.outcome.t_switch; },
       [](TrialRecord& r, double v) { r.outcome.t_switch = v; }},
      {"steps", H5T_STD_I64LE, false, "1", "integrator steps",
       [](const TrialRecord& r) { return static_cast<double>(r.outcome.steps); },
       [](TrialRecord& r, double v) { r.outcome.steps = static_cast<long long>(v); }},
      {"rejected", H5T_STD_I64LE, false, "1", "integrator steps tried and rejected (error above tolerance, or cut at a wall leaving its track end)",
       [](const TrialRecord& r) { return static_cast<double>(r.outcome.rejected); },
       [](TrialRecord& r, double v) { r.outcome.rejected = static_cast<long long>(v); }},
      {"energy_exact", H5T_IEEE_F64LE, true, "J", "energy delivered by every source up to t_solution",
       [](const TrialRecord& r) { return r.outcome.energy; },
       [](TrialRecord& r, double v) { r.outcome.energy = v; }},
      {"energy_paper", H5T_IEEE_F64LE, true, "J", "the paper's analytic energy model at this trial's t_solution",
       [](const TrialRecord& r) { return r.energy_paper; },
       [](TrialRecord& r, double v) { r.energy_paper = v; }},
      {"success", H5T_STD_I8LE, false, "1", "converged, and the read-out equals the target (pattern / image / optimum cut) or its inverse",
       [](const TrialRecord& r) { return static_cast<double>(r.score.success); },
       [](TrialRecord& r, double v) { r.score.success = static_cast<int>(v); }},
      {"readout_success", H5T_STD_I8LE, false, "1", "the read-out alone equals the target, converged or not (a trial that reached t_max is read there)",
       [](const TrialRecord& r) { return static_cast<double>(r.score.readout_success); },
       [](TrialRecord& r, double v) { r.score.readout_success = static_cast<int>(v); }},
      {"bit_accuracy", H5T_IEEE_F64LE, true, "1", "fraction of bits equal to the target or its inverse (recall, images)",
       [](const TrialRecord& r) { return r.score.bit_accuracy; },
       [](TrialRecord& r, double v) { r.score.bit_accuracy = v; }, Scope::Patterns},
      {"undecided", H5T_STD_I32LE, false, "1", "somas read neither 0 nor 1",
       [](const TrialRecord& r) { return static_cast<double>(r.outcome.undecided); },
       [](TrialRecord& r, double v) { r.outcome.undecided = static_cast<int>(v); }},
      {"target", H5T_STD_I32LE, false, "1", "recall: closest stored pattern; images: image id; max-cut: graph id",
       [](const TrialRecord& r) { return static_cast<double>(r.score.target); },
       [](TrialRecord& r, double v) { r.score.target = static_cast<int>(v); }},
      {"cut", H5T_IEEE_F64LE, true, "edge weight", "max-cut: total weight of the cut edges",
       [](const TrialRecord& r) { return r.score.cut; },
       [](TrialRecord& r, double v) { r.score.cut = v; }, Scope::Cuts},
      {"cut_fraction", H5T_IEEE_F64LE, true, "1", "max-cut: cut / total edge weight",
       [](const TrialRecord& r) { return r.score.cut_fraction; },
       [](TrialRecord& r, double v) { r.score.cut_fraction = v; }, Scope::Cuts},
      {"gap", H5T_IEEE_F64LE, true, "1", "max-cut: 1 - cut / reference optimum",
       [](const TrialRecord& r) { return r.score.gap; },
       [](TrialRecord& r, double v) { r.score.gap = v; }, Scope::Cuts},
      {"hopfield_agrees", H5T_STD_I8LE, false, "1", "the ideal discrete Hopfield network reached the same state (-1: not run)",
       [](const TrialRecord& r) { return static_cast<double>(r.score.hopfield_agrees); },
       [](TrialRecord& r, double v) { r.score.hopfield_agrees = static_cast<int>(v); }},
      {"hopfield_success", H5T_STD_I8LE, false, "1", "the ideal network's success (-1: not run)",
       [](const TrialRecord& r) { return static_cast<double>(r.score.hopfield_success); },
       [](TrialRecord& r, double v) { r.score.hopfield_success = static_cast<int>(v); }},
      {"hopfield_accuracy", H5T_IEEE_F64LE, true, "1", "the ideal network's bit accuracy",
       [](const TrialRecord& r) { return r.score.hopfield_accuracy; },
       [](TrialRecord& r, double v) { r.score.hopfield_accuracy = v; }, Scope::Patterns},
      {"hopfield_cut", H5T_IEEE_F64LE, true, "edge weight", "max-cut: the ideal network's cut",
       [](const TrialRecord& r) { return r.score.hopfield_cut; },
       [](TrialRecord& r, double v) { r.score.hopfield_cut = v; }, Scope::Cuts},
      {"ising_energy", H5T_IEEE_F64LE, true, "problem units", "ising: the problem's energy E(s) (a QUBO's objective f(x)) of the read-out",
       [](const TrialRecord& r) { return r.score.ising_energy; },
       [](TrialRecord& r, double v) { r.score.ising_energy = v; }, Scope::Ising},
      {"log_weight", H5T_IEEE_F64LE, true, "1", "importance sampling: ln of the likelihood ratio p/q of the trial's die; a rate is sum(w x) / trials with w = exp(log_weight)",
       [](const TrialRecord& r) { return r.log_weight; },
       [](TrialRecord& r, double v) { r.log_weight = v; }, Scope::Importance},
    };
    static std::vector<std::string> names;  // the columns keep pointers into it
    for (int k = 0; k < kVarParams; ++k) names.push_back(std::string("die_z_") + kVarParamNames[k]);
    for (int k = 0; k < kVarParams; ++k) {
      c.push_back({names[static_cast<std::size_t>(k)].c_str(), H5T_IEEE_F64LE, true, "1",
                   "importance sampling: the die-to-die standard normal of this parameter as drawn (NaN: no die-to-die part)",
                   [k](const TrialRecord& r) { return r.die_z[k]; },
                   [k](TrialRecord& r, double v) { r.die_z[k] = v; }, Scope::Importance});
    }
    return c;
  }();
  return cols;
}

// --- per-point summary columns -----------------------------------------------------------------

struct SummaryColumn {
  std::string name;
  const char* unit;
  std::function<double(const PointSummary&)> get;
  Scope scope = Scope::All;
  hid_t file_type = H5T_IEEE_F64LE;  // counts are stored as integers
};

const std::vector<SummaryColumn>& summary_columns() {
  auto stats = [](const char* base, const char* unit, Stats PointSummary::*m, Scope scope) {
    std::vector<SummaryColumn> v;
    const std::string b = base;
    auto add = [&](const char* suffix, double Stats::*f) {
      v.push_back({b + "_" + suffix, unit, [m, f](const PointSummary& s) { return s.*m.*f; }, scope});
    };
    add("mean", &Stats::mean);
    add("std", &Stats::stddev);
    add("median", &Stats::median);
    add("q05", &Stats::q05);
    add("q25", &Stats::q25);
    add("q75", &Stats::q75);
    add("q95", &Stats::q95);
    add("min", &Stats::min);
    add("max", &Stats::max);
    return v;
  };
  auto count = [](const char* name, std::uint64_t PointSummary::*m) {
    return SummaryColumn{name, "1", [m](const PointSummary& s) { return static_cast<double>(s.*m); },
                         Scope::All, H5T_STD_U64LE};
  };
  static const std::vector<SummaryColumn> cols = [&] {
    std::vector<SummaryColumn> c = {
        count("trials", &PointSummary::trials),
        count("converged", &PointSummary::converged),
        {"converged_fraction", "1", [](const PointSummary& s) { return s.trials ? static_cast<double>(s.converged) / s.trials : std::nan(""); }},
        {"converged_fraction_lo", "1", [](const PointSummary& s) { return s.converged_ci.lo; }},
        {"converged_fraction_hi", "1", [](const PointSummary& s) { return s.converged_ci.hi; }},
        {"success_rate", "1", [](const PointSummary& s) { return s.success_rate; }},
        {"success_rate_lo", "1", [](const PointSummary& s) { return s.success_ci.lo; }},
        {"success_rate_hi", "1", [](const PointSummary& s) { return s.success_ci.hi; }},
        {"readout_success_rate", "1", [](const PointSummary& s) { return s.readout_success_rate; }},
        count("undecided_trials", &PointSummary::undecided_trials),
        {"power_exact", "W", [](const PointSummary& s) { return s.power_exact; }},
        {"power_paper", "W", [](const PointSummary& s) { return s.power_paper; }},
        {"hopfield_agreement", "1", [](const PointSummary& s) { return s.hopfield_agreement; }},
        {"hopfield_success_rate", "1", [](const PointSummary& s) { return s.hopfield_success_rate; }},
        {"device_updates", "1", [](const PointSummary& s) { return s.device_updates; }, Scope::All, H5T_STD_U64LE},
    };
    for (auto& x : stats("bit_accuracy", "1", &PointSummary::bit_accuracy, Scope::Patterns)) c.push_back(x);
    for (auto& x : stats("t_solution", "s", &PointSummary::t_solution, Scope::All)) c.push_back(x);
    for (auto& x : stats("energy_exact", "J", &PointSummary::energy_exact, Scope::All)) c.push_back(x);
    for (auto& x : stats("energy_paper", "J", &PointSummary::energy_paper, Scope::All)) c.push_back(x);
    for (auto& x : stats("edp_exact", "J s", &PointSummary::edp_exact, Scope::All)) c.push_back(x);
    for (auto& x : stats("edp_paper", "J s", &PointSummary::edp_paper, Scope::All)) c.push_back(x);
    for (auto& x : stats("steps", "1", &PointSummary::steps, Scope::All)) c.push_back(x);
    for (auto& x : stats("cut", "edge weight", &PointSummary::cut, Scope::Cuts)) c.push_back(x);
    for (auto& x : stats("gap", "1", &PointSummary::gap, Scope::Cuts)) c.push_back(x);
    for (auto& x : stats("hopfield_cut", "edge weight", &PointSummary::hopfield_cut, Scope::Cuts)) c.push_back(x);
    return c;
  }();
  return cols;
}

struct GroupColumn {
  const char* name;
  const char* unit;
  const char* description;
  std::function<double(const GroupSummary&)> get;
  Scope scope = Scope::All;
  hid_t file_type = H5T_IEEE_F64LE;
};

const std::vector<GroupColumn>& group_columns() {
  const auto best_of = [](std::size_t k) {
    return [k](const GroupSummary& g) { return k < g.best_of_k.size() ? g.best_of_k[k] : std::nan(""); };
  };
  static const std::vector<GroupColumn> cols = {
      {"point", "1", "sweep point", [](const GroupSummary& g) { return static_cast<double>(g.point); },
       Scope::All, H5T_STD_U64LE},
      {"group", "1", "image id / graph id", [](const GroupSummary& g) { return static_cast<double>(g.group); },
       Scope::All, H5T_STD_I32LE},
      {"trials", "1", "trials of this group", [](const GroupSummary& g) { return static_cast<double>(g.summary.trials); },
       Scope::All, H5T_STD_U64LE},
      {"success_rate", "1", "converged and right: images recalled exactly; max-cut: reached the reference optimum",
       [](const GroupSummary& g) { return g.summary.success_rate; }},
      {"bit_accuracy_mean", "1", "mean bit accuracy", [](const GroupSummary& g) { return g.summary.bit_accuracy.mean; },
       Scope::Patterns},
      {"t_solution_mean", "s", "mean time to solution of converged trials",
       [](const GroupSummary& g) { return g.summary.t_solution.mean; }},
      {"cut_mean", "edge weight", "max-cut: mean cut", [](const GroupSummary& g) { return g.cut_mean; }, Scope::Cuts},
      {"cut_best", "edge weight", "max-cut: best of the group's trials (best-of-K)",
       [](const GroupSummary& g) { return g.cut_best; }, Scope::Cuts},
      {"p_target", "1", "max-cut: fraction of trials converged and reaching target * reference",
       [](const GroupSummary& g) { return g.p_target; }, Scope::Cuts},
      {"gap_mean", "1", "max-cut: mean 1 - cut / reference", [](const GroupSummary& g) { return g.gap_mean; },
       Scope::Cuts},
      {"tts99", "s", "max-cut: time to solution at 99%: mean trial duration x ln(0.01) / ln(1 - p_target) (inf: target never reached)",
       [](const GroupSummary& g) { return g.tts99; }, Scope::Cuts},
      {"best_of_1", "edge weight", "max-cut: expected best cut of 1 trial (the mean read-out cut)", best_of(0), Scope::Cuts},
      {"best_of_2", "edge weight", "max-cut: expected best cut of 2 trials", best_of(1), Scope::Cuts},
      {"best_of_5", "edge weight", "max-cut: expected best cut of 5 trials", best_of(2), Scope::Cuts},
      {"best_of_10", "edge weight", "max-cut: expected best cut of 10 trials", best_of(3), Scope::Cuts},
      {"best_of_20", "edge weight", "max-cut: expected best cut of 20 trials", best_of(4), Scope::Cuts},
      {"best_of_50", "edge weight", "max-cut: expected best cut of 50 trials", best_of(5), Scope::Cuts},
      {"best_of_100", "edge weight", "max-cut: expected best cut of 100 trials", best_of(6), Scope::Cuts},
      {"best_of_1000", "edge weight", "max-cut: expected best cut of 1000 trials", best_of(7), Scope::Cuts},
  };
  return cols;
}

// --- file structure helpers --------------------------------------------------------------------

Handle open_group(hid_t loc, const char* name) {
  return h5::group_handle(H5Gopen2(loc, name, H5P_DEFAULT), std::string("group ") + name);
}
Handle make_group(hid_t loc, const char* name) {
  return h5::group_handle(H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          std::string("creating group ") + name);
}
Handle open_dataset(hid_t loc, const std::string& name) {
  return h5::dataset_handle(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "dataset " + name);
}

void describe(hid_t obj, const char* unit, const char* description) {
  h5::write_attr(obj, "units", std::string(unit));
  h5::write_attr(obj, "description", std::string(description));
}

std::string trace_name(std::uint64_t slot) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "trace_%05llu", static_cast<unsigned long long>(slot));
  return buf;
}

// Opens a results file for reading; a file whose writer was killed still carries SWMR status
// flags and opens in SWMR-read mode.
Handle open_for_reading(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) throw IoError("cannot read '" + path + "': no such file");
  // a FIFO or a device would block or stream forever: only regular files are results files
  if (!fs::is_regular_file(st)) throw InputError("cannot read '" + path + "': not a regular file");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw InputError("'" + path + "' is not an HDF5 file (not a spinhop results file)");
  }
  Handle fapl = h5::plist_handle(H5Pcreate(H5P_FILE_ACCESS), "file access");
  H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_LATEST);
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
  if (id < 0) {
    H5Eclear2(H5E_DEFAULT);
    // SWMR readers retry a metadata read whose checksum fails (a writer may be mid-update), by
    // default 100 times with growing sleeps: a corrupted file then hangs for minutes. A few
    // tries are enough for a live writer's flush.
    H5Pset_metadata_read_attempts(fapl, 3);
    id = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl);
  }
  Handle f = h5::file_handle(id, "opening '" + path + "'");
  const auto not_ours = [&] {
    return InputError("'" + path + "' is an HDF5 file but not a spinhop results file (no file_type = " +
                      std::string(kResultsFileType) + ")");
  };
  // the version first (a number): it says how the strings are stored
  if (!h5::has_attr(f, "format_version") || !h5::has_attr(f, "file_type")) throw not_ours();
  const std::int64_t version = h5::read_int_attr(f, "format_version");
  if (version < kResultsOldestFormatVersion || version > kResultsFormatVersion) {
    throw InputError("'" + path + "' has results format version " + std::to_string(version) +
                     "; this spinhop reads versions " + std::to_string(kResultsOldestFormatVersion) +
                     " to " + std::to_string(kResultsFormatVersion));
  }
  const h5::LegacyStrings legacy(version < 3);
  if (h5::read_string_attr(f, "file_type") != kResultsFileType) throw not_ours();
  return f;
}

ResultsHeader read_header(hid_t f) {
  const h5::LegacyStrings legacy(h5::read_int_attr(f, "format_version") < 3);  // format 2: variable-length
  ResultsHeader h;
  h.spinhop_version = h5::read_string_attr(f, "spinhop_version");
  h.git_sha = h5::read_string_attr(f, "git_sha");
  h.backend = h5::read_string_attr(f, "backend");
  h.device = h5::read_string_attr(f, "device");
  h.created = h5::read_string_attr(f, "created");
  h.command_line = h5::read_string_attr(f, "command_line");
  h.config_toml = h5::read_string_attr(f, "config");
  h.task = h5::read_string_attr(f, "task");
  h.precision = h5::read_string_attr(f, "precision");
  h.seed = h5::read_uint_attr(f, "seed");
  h.trials_per_point = static_cast<std::uint64_t>(h5::read_int_attr(f, "trials_per_point"));
  h.points = static_cast<std::uint64_t>(h5::read_int_attr(f, "points"));
  h.shard_index = static_cast<std::uint64_t>(h5::read_int_attr(f, "shard_index"));
  h.shard_count = static_cast<std::uint64_t>(h5::read_int_attr(f, "shard_count"));
  h.words = static_cast<int>(h5::read_int_attr(f, "state_words"));
  h.groups = static_cast<int>(h5::read_int_attr(f, "groups"));
  h.traces = static_cast<int>(h5::read_int_attr(f, "traces_per_point"));
  h.target = h5::read_double_attr(f, "target");
  Handle pts = open_group(f, "points");
  const std::vector<std::string> names = h5::read_strings_attr(pts, "parameters");
  // the counts checked against each other and against the datasets' sizes before any of them
  // sizes an allocation: a crafted count must not reserve gigabytes before the error
  auto bad = [](const std::string& why) { return InputError("the results header is inconsistent: " + why); };
  {
    const std::uint64_t rows = h5::rows_of(open_dataset(pts, "neurons"));
    if (h.points != rows) {
      throw bad("points = " + std::to_string(h.points) + " but /points/neurons has " + std::to_string(rows) + " rows");
    }
  }
  if (h.shard_count < 1 || h.shard_index >= h.shard_count) {
    throw bad("shard " + std::to_string(h.shard_index) + " of " + std::to_string(h.shard_count));
  }
  if (h.words < 1 || h.words > 1024 || h.groups < 0 || h.groups > (1 << 20) || h.traces < 0 ||
      h.traces > (1 << 20) || names.size() > 64) {
    throw bad("state_words " + std::to_string(h.words) + ", groups " + std::to_string(h.groups) +
              ", traces_per_point " + std::to_string(h.traces) + ", " + std::to_string(names.size()) +
              " parameters");
  }
  if (h.points != 0 && h.trials_per_point > std::numeric_limits<std::uint64_t>::max() / h.points) {
    throw bad("points x trials_per_point does not fit 64 bits");
  }
  h.point_neurons.resize(h.points);
  {
    Handle d = open_dataset(pts, "neurons");
    h5::read_rows(d, H5T_NATIVE_INT, 0, h.points, 1, h.point_neurons.data());
    for (int n : h.point_neurons) {
      if (n < 1 || n > 64 * h.words) {
        throw bad("a point of " + std::to_string(n) + " neurons in a file of " + std::to_string(h.words) +
                  " state words");
      }
    }
  }
  for (auto [name, column] : {std::pair{"time_limit", &h.point_t_max}, std::pair{"stop_speed", &h.point_v_tol}}) {
    if (H5Lexists(pts, name, H5P_DEFAULT) <= 0) continue;  // a file of an earlier version
    Handle d = open_dataset(pts, name);
    if (h5::rows_of(d) != h.points) throw bad(std::string("/points/") + name + " has the wrong length");
    column->resize(h.points);
    h5::read_rows(d, H5T_NATIVE_DOUBLE, 0, h.points, 1, column->data());
  }
  h.point_values.assign(h.points, std::vector<double>(names.size()));
  for (std::size_t a = 0; a < names.size(); ++a) {
    Handle d = open_dataset(pts, names[a]);
    SweepAxis axis;
    axis.name = names[a];
    axis.unit = h5::read_string_attr(d, "units");
    std::vector<double> col(h.points);
    h5::read_rows(d, H5T_NATIVE_DOUBLE, 0, h.points, 1, col.data());
    for (std::uint64_t p = 0; p < h.points; ++p) h.point_values[p][a] = col[p];
    std::set<double> distinct(col.begin(), col.end());
    axis.values.assign(distinct.begin(), distinct.end());
    h.axes.push_back(axis);
  }
  if (h.traces > 0) {
    Handle tg = open_group(f, "traces");
    for (std::uint64_t p = 0; p < h.points; ++p) {
      Handle g = open_group(tg, trace_name(p * h.traces).c_str());
      Handle ax = open_dataset(g, "axon_ids");
      const std::uint64_t na = h5::rows_of(ax);
      if (na > static_cast<std::uint64_t>(h.point_neurons[p]) * h.point_neurons[p]) throw bad("too many traced axons");
      std::vector<int> ids(na * 2);
      h5::read_rows(ax, H5T_NATIVE_INT, 0, na, 2, ids.data());
      std::vector<std::pair<int, int>> axons;
      for (std::uint64_t a = 0; a < na; ++a) axons.emplace_back(ids[2 * a], ids[2 * a + 1]);
      h.trace_axons.push_back(axons);
    }
  }
  if (H5Lexists(f, "graphs", H5P_DEFAULT) > 0) {
    Handle gg = open_group(f, "graphs");
    H5G_info_t info{};
    H5Gget_info(gg, &info);
    for (hsize_t k = 0; k < info.nlinks; ++k) {
      char name[512] = "";
      if (H5Lget_name_by_idx(gg, ".", H5_INDEX_NAME, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT) < 0) {
        throw bad("an unreadable graph name in /graphs");
      }
      Handle d = open_dataset(gg, name);
      Graph g;
      g.name = name;
      const std::int64_t nodes = h5::read_int_attr(d, "nodes");
      if (nodes < 0 || nodes > (1 << 20)) throw bad("graph '" + g.name + "' of " + std::to_string(nodes) + " nodes");
      g.n = static_cast<int>(nodes);
      const std::uint64_t m = h5::rows_of(d);
      if (m > static_cast<std::uint64_t>(nodes) * nodes) throw bad("graph '" + g.name + "' has more edges than node pairs");
      std::vector<double> e(m * 3);
      h5::read_rows(d, H5T_NATIVE_DOUBLE, 0, m, 3, e.data());
      for (std::uint64_t r = 0; r < m; ++r) {
        const double i = e[3 * r], j = e[3 * r + 1];
        if (!(i >= 0 && i < nodes && j >= 0 && j < nodes && i == std::floor(i) && j == std::floor(j))) {
          throw bad("graph '" + g.name + "' has an edge outside its nodes");
        }
        g.edges.push_back(Edge{static_cast<int>(i), static_cast<int>(j), e[3 * r + 2]});
      }
      h.graphs.push_back(std::move(g));
    }
  }
  if (H5Lexists(f, "inputs", H5P_DEFAULT) > 0) {
    Handle ig = open_group(f, "inputs");
    for (std::size_t k = 0; k < 100000; ++k) {
      const std::string name = std::to_string(k);
      if (H5Lexists(ig, name.c_str(), H5P_DEFAULT) <= 0) break;
      Handle d = open_dataset(ig, name.c_str());
      StoredInput in;
      in.option = h5::read_string_attr(d, "option");
      in.path = h5::read_string_attr(d, "path");
      in.hash = h5::read_string_attr(d, "content_hash");
      h.inputs.push_back(std::move(in));
    }
  }
  if (h.groups > 0) {
    Handle d = open_dataset(pts, "reference");
    std::vector<double> flat(h.points * static_cast<std::size_t>(h.groups));
    h5::read_rows(d, H5T_NATIVE_DOUBLE, 0, h.points, h.groups, flat.data());
    h.references.assign(h.points, std::vector<double>(h.groups));
    for (std::uint64_t p = 0; p < h.points; ++p)
      for (int g = 0; g < h.groups; ++g) h.references[p][g] = flat[p * h.groups + g];
    const std::vector<std::string> kinds = h5::read_strings_attr(d, "kinds");
    const std::vector<std::string> gnames = h5::read_strings_attr(d, "group_names");
    h.reference_kinds.assign(h.points, std::vector<std::string>(h.groups));
    h.group_names.assign(h.points, std::vector<std::string>(h.groups));
    for (std::uint64_t p = 0; p < h.points; ++p) {
      for (int g = 0; g < h.groups; ++g) {
        const std::size_t k = p * h.groups + g;
        if (k < kinds.size()) h.reference_kinds[p][g] = kinds[k];
        if (k < gnames.size()) h.group_names[p][g] = gnames[k];
      }
    }
  }
  return h;
}

std::vector<TrialRecord> read_records_of(hid_t f, std::uint64_t start, std::uint64_t count) {
  Handle trials = open_group(f, "trials");
  std::vector<TrialRecord> recs(count);
  std::vector<double> col(count);
  for (const Column& c : columns()) {
    if (H5Lexists(trials, c.name, H5P_DEFAULT) <= 0) {  // another task's column: not stored
      if (c.real) {
        for (std::uint64_t r = 0; r < count; ++r) c.set(recs[r], std::nan(""));
      }
      continue;
    }
    Handle d = open_dataset(trials, c.name);
    h5::read_rows(d, H5T_NATIVE_DOUBLE, start, count, 1, col.data());
    for (std::uint64_t r = 0; r < count; ++r) c.set(recs[r], col[r]);
  }
  return recs;
}

std::vector<TrialRow> read_rows_of(hid_t f, const ResultsHeader& h, std::uint64_t start,
                                   std::uint64_t count) {
  Handle trials = open_group(f, "trials");
  std::vector<TrialRow> rows(count);
  {
    std::vector<TrialRecord> recs = read_records_of(f, start, count);
    for (std::uint64_t r = 0; r < count; ++r) rows[r].record = recs[r];
  }
  std::vector<std::uint64_t> bits(count * static_cast<std::size_t>(h.words));
  for (const std::string name : {"state", "undecided_bits", "input"}) {
    Handle d = open_dataset(trials, name);
    h5::read_rows(d, H5T_NATIVE_UINT64, start, count, h.words, bits.data());
    for (std::uint64_t r = 0; r < count; ++r) {
      auto& dst = name == "state" ? rows[r].state : name == "input" ? rows[r].input : rows[r].undecided;
      dst.assign(bits.begin() + r * h.words, bits.begin() + (r + 1) * h.words);
    }
  }
  return rows;
}

// The committed rows of `point`: rows are grouped by point in increasing order (runs, shards
// and merges all go through the points in order), so a binary search on /trials/point finds them.
std::pair<std::uint64_t, std::uint64_t> point_rows(hid_t f, std::uint64_t committed, std::uint64_t point) {
  Handle trials = open_group(f, "trials");
  Handle d = open_dataset(trials, "point");
  auto first_at_least = [&](std::uint64_t p) {
    std::uint64_t lo = 0, hi = committed;
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      std::uint32_t v = 0;
      h5::read_rows(d, H5T_NATIVE_UINT32, mid, 1, 1, &v);
      if (v < p) lo = mid + 1; else hi = mid;
    }
    return lo;
  };
  const std::uint64_t start = first_at_least(point);
  return {start, first_at_least(point + 1)};
}

// A scan over rows [start, end) of `point`, a chunk of records at a time.
TrialScan point_scan(hid_t f, std::uint64_t point, std::uint64_t start, std::uint64_t end) {
  return [=](const TrialVisitor& visit) {
    for (std::uint64_t at = start; at < end;) {
      const std::uint64_t count = std::min<std::uint64_t>(16384, end - at);
      for (const TrialRecord& r : read_records_of(f, at, count)) {
        if (r.point != point) {
          throw InputError("the rows of /trials are not grouped by point (row of point " +
                           std::to_string(r.point) + " among those of point " + std::to_string(point) + ")");
        }
        visit(r);
      }
      at += count;
    }
  };
}

// The summaries of `point` from its stored rows [start, end) (point_rows).
std::vector<GroupSummary> stored_group_summaries(hid_t f, const ResultsHeader& h, std::uint64_t point,
                                                 std::uint64_t start, std::uint64_t end) {
  GroupSummaryBuilder b(h, point, 0);  // no quantiles kept (the best-of-K cuts are bounded)
  point_scan(f, point, start, end)([&](const TrialRecord& r) { b.add(r); });
  return b.summaries();
}

PointSummary stored_point_summary(hid_t f, const ResultsHeader& h, std::uint64_t point,
                                  std::uint64_t start, std::uint64_t end) {
  return summarize_scanned(h.point_neurons[point], point_scan(f, point, start, end));
}

std::uint64_t read_committed(hid_t f) {
  Handle trials = open_group(f, "trials");
  Handle d = open_dataset(trials, "committed");
  std::uint64_t c = 0;
  h5::read_rows(d, H5T_NATIVE_UINT64, 0, 1, 1, &c);
  return c;
}

// FNV-1a over a trace's values: written after the trace's data reached the disk, so a trace
// is complete only if its checksum is there and matches (a write that failed half-way, e.g. on a
// full disk, can leave zero-filled rows under a valid-looking size).
std::uint64_t trace_checksum(const Trace& tr) {
  std::uint64_t hsh = 1469598103934665603ull;
  auto mix = [&](const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t k = 0; k < bytes; ++k) hsh = (hsh ^ p[k]) * 1099511628211ull;
  };
  const std::uint64_t head[3] = {tr.point, tr.trial, static_cast<std::uint64_t>(tr.n)};
  mix(head, sizeof head);
  for (const auto* v : {&tr.t, &tr.power, &tr.soma_x, &tr.soma_current, &tr.axon_x}) {
    mix(v->data(), v->size() * sizeof(double));
  }
  for (int ph : tr.phase) mix(&ph, sizeof ph);
  return hsh;
}

std::vector<Trace> read_traces(hid_t f, const ResultsHeader& h) {
  std::vector<Trace> out;
  if (h.traces <= 0) return out;
  const bool checked = h5::read_int_attr(f, "format_version") >= 3;
  Handle traces = open_group(f, "traces");
  const std::uint64_t slots = h.points * static_cast<std::uint64_t>(h.traces);
  for (std::uint64_t s = 0; s < slots; ++s) {
    Handle g = open_group(traces, trace_name(s).c_str());
    Handle dt = open_dataset(g, "t");
    const std::uint64_t steps = h5::rows_of(dt);
    if (steps == 0) continue;
    Trace tr;
    tr.point = static_cast<std::uint64_t>(h5::read_int_attr(g, "point"));
    tr.trial = static_cast<std::uint64_t>(h5::read_int_attr(g, "trial"));
    tr.n = static_cast<int>(h5::read_int_attr(g, "neurons"));
    Handle ax = open_dataset(g, "axon_ids");
    const std::uint64_t na = h5::rows_of(ax);
    std::vector<int> ids(na * 2);
    h5::read_rows(ax, H5T_NATIVE_INT, 0, na, 2, ids.data());
    for (std::uint64_t a = 0; a < na; ++a) tr.axons.emplace_back(ids[2 * a], ids[2 * a + 1]);
    tr.t.resize(steps);
    h5::read_rows(dt, H5T_NATIVE_DOUBLE, 0, steps, 1, tr.t.data());
    tr.phase.resize(steps);
    h5::read_rows(open_dataset(g, "phase"), H5T_NATIVE_INT, 0, steps, 1, tr.phase.data());
    tr.power.resize(steps);
    h5::read_rows(open_dataset(g, "power"), H5T_NATIVE_DOUBLE, 0, steps, 1, tr.power.data());
    tr.soma_x.resize(steps * tr.n);
    h5::read_rows(open_dataset(g, "soma_x"), H5T_NATIVE_DOUBLE, 0, steps, tr.n, tr.soma_x.data());
    tr.soma_current.resize(steps * tr.n);
    h5::read_rows(open_dataset(g, "soma_current"), H5T_NATIVE_DOUBLE, 0, steps, tr.n,
                  tr.soma_current.data());
    if (na > 0) {
      tr.axon_x.resize(steps * na);
      h5::read_rows(open_dataset(g, "axon_x"), H5T_NATIVE_DOUBLE, 0, steps,
                    static_cast<int>(na), tr.axon_x.data());
    }
    // a version-3 trace counts only with its checksum; version 2 wrote none
    if (checked && (!h5::has_attr(g, "checksum") || h5::read_uint_attr(g, "checksum") != trace_checksum(tr))) {
      continue;  // incomplete: a --resume records it again
    }
    out.push_back(std::move(tr));
  }
  return out;
}

// Which (point, trial) row r of a complete shard file holds.
struct RowIndex {
  std::uint64_t point, trial;
};

}  // namespace

// --- writer ------------------------------------------------------------------------------------

struct ResultsWriter::Impl {
  std::unique_ptr<io::WriterLock> lock;  // first member: released last, after the file is closed
  std::string path;      // the results file, as the user named it
  std::string on_disk;   // where it is now: `path`, or its temporary until it replaces `path`
  bool pending = false;  // on_disk is a temporary that replaces `path` at the first commit
  bool whole = false;    // ... or only once finished and closed
  bool finished = false;
  ResultsHeader header;
  int space_fd = -1;     // the same file, for reserving disk space before each batch
  bool broken = false;   // an HDF5 write failed: never touch the file again
  Handle file;
  Handle trials_group;
  std::vector<Handle> column_sets;  // in columns() order
  Handle state_set, undecided_set, input_set, committed_set;
  std::vector<std::string> notes;

  ~Impl() {
    if (space_fd >= 0) ::close(space_fd);
    if (!broken) return;
    // HDF5's state is unknown after a failed write and closing can crash inside it: the ids are
    // forgotten, the file left as a killed writer leaves it (readable up to `committed`)
    for (Handle& h : column_sets) h.release();
    for (Handle* h : {&state_set, &undecided_set, &input_set, &committed_set, &trials_group, &file}) h->release();
  }
};

namespace {

// Creates a new results file at `tmp` with every object, and leaves it open in SWMR mode.
std::unique_ptr<ResultsWriter::Impl> create_file(const std::string& tmp, const ResultsHeader& h) {
  h5::quiet_errors();
  auto im = std::make_unique<ResultsWriter::Impl>();
  Handle fapl = h5::plist_handle(H5Pcreate(H5P_FILE_ACCESS), "file access");
  h5::check_status(H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST),
                   "file format bounds");
  h5::bound_metadata_cache(fapl, 4u << 20);
  im->file = h5::file_handle(H5Fcreate(tmp.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl),
                             "cannot create '" + tmp + "'");
  hid_t f = im->file;
  // root attributes: a scientist can read the file without our docs
  h5::write_attr(f, "file_type", std::string(kResultsFileType));
  h5::write_attr(f, "format_version", static_cast<std::int64_t>(kResultsFormatVersion));
  h5::write_attr(f, "description",
                 std::string("spinhop Monte-Carlo results: one row per trial in /trials (units in "
                             "each dataset's 'units' attribute, SI), sweep points in /points, "
                             "statistics per point in /summary, waveforms in /traces"));
  h5::write_attr(f, "spinhop_version", h.spinhop_version);
  h5::write_attr(f, "git_sha", h.git_sha);
  h5::write_attr(f, "backend", h.backend);
  h5::write_attr(f, "device", h.device);
  h5::write_attr(f, "created", h.created);
  h5::write_attr(f, "command_line", h.command_line);
  h5::write_attr(f, "config", h.config_toml);
  h5::write_attr(f, "task", h.task);
  h5::write_attr(f, "precision", h.precision);
  h5::write_attr(f, "seed", static_cast<std::uint64_t>(h.seed));  // u64: every seed
  h5::write_attr(f, "trials_per_point", static_cast<std::int64_t>(h.trials_per_point));
  h5::write_attr(f, "points", static_cast<std::int64_t>(h.points));
  h5::write_attr(f, "shard_index", static_cast<std::int64_t>(h.shard_index));
  h5::write_attr(f, "shard_count", static_cast<std::int64_t>(h.shard_count));
  h5::write_attr(f, "state_words", static_cast<std::int64_t>(h.words));
  h5::write_attr(f, "groups", static_cast<std::int64_t>(h.groups));
  h5::write_attr(f, "traces_per_point", static_cast<std::int64_t>(h.traces));
  h5::write_attr(f, "target", h.target);

  // the sweep-point table
  {
    Handle pts = make_group(f, "points");
    std::vector<std::string> names;
    for (const SweepAxis& a : h.axes) names.push_back(a.name);
    h5::write_attr(pts, "parameters", names);
    h5::write_attr(pts, "description",
                   std::string("one row per sweep point; the trials of point p have global "
                               "indices p * trials_per_point + trial"));
    std::vector<std::uint64_t> index(h.points);
    for (std::uint64_t p = 0; p < h.points; ++p) index[p] = p;
    Handle di = h5::create_fixed(pts, "index", H5T_STD_U64LE, h.points, 1);
    h5::write_rows(di, H5T_NATIVE_UINT64, 0, h.points, 1, index.data());
    describe(di, "1", "sweep point index");
    Handle dn = h5::create_fixed(pts, "neurons", H5T_STD_I32LE, h.points, 1);
    h5::write_rows(dn, H5T_NATIVE_INT, 0, h.points, 1, h.point_neurons.data());
    describe(dn, "1", "neurons of the network (N; the network has N^2 devices)");
    if (h.point_t_max.size() == h.points && h.point_v_tol.size() == h.points) {
      Handle dt = h5::create_fixed(pts, "time_limit", H5T_IEEE_F64LE, h.points, 1);
      h5::write_rows(dt, H5T_NATIVE_DOUBLE, 0, h.points, 1, h.point_t_max.data());
      describe(dt, "s", "t_max in force: a trial that has not converged by then is read out and "
                        "counts as not converged (--t-max, or automatic: docs/model.md)");
      Handle dv = h5::create_fixed(pts, "stop_speed", H5T_IEEE_F64LE, h.points, 1);
      h5::write_rows(dv, H5T_NATIVE_DOUBLE, 0, h.points, 1, h.point_v_tol.data());
      describe(dv, "m/s", "v_tol in force: slower walls count as stopped (--v-tol, or automatic)");
    }
    for (std::size_t a = 0; a < h.axes.size(); ++a) {
      if (h.axes[a].name == "neurons") continue;  // a sweep of N: /points/neurons holds it
      std::vector<double> col(h.points);
      for (std::uint64_t p = 0; p < h.points; ++p) col[p] = h.point_values[p][a];
      Handle d = h5::create_fixed(pts, h.axes[a].name.c_str(), H5T_IEEE_F64LE, h.points, 1);
      h5::write_rows(d, H5T_NATIVE_DOUBLE, 0, h.points, 1, col.data());
      describe(d, h.axes[a].unit.c_str(), "swept parameter value at each point");
    }
    if (h.groups > 0) {
      std::vector<double> flat;
      std::vector<std::string> kinds, gnames;
      for (std::uint64_t p = 0; p < h.points; ++p) {
        for (int g = 0; g < h.groups; ++g) {
          flat.push_back(h.references.empty() ? std::nan("") : h.references[p][g]);
          kinds.push_back(h.reference_kinds.empty() ? "none" : h.reference_kinds[p][g]);
          gnames.push_back(h.group_names.empty() ? "" : h.group_names[p][g]);
        }
      }
      Handle d = h5::create_fixed(pts, "reference", H5T_IEEE_F64LE, h.points, h.groups);
      h5::write_rows(d, H5T_NATIVE_DOUBLE, 0, h.points, h.groups, flat.data());
      describe(d, "edge weight",
               "max-cut: reference optimum per [point][graph] (exact by exhaustive search, or "
               "known), NaN if none");
      h5::write_attr(d, "kinds", kinds);
      h5::write_attr(d, "group_names", gnames);
    }
  }

  // per-trial datasets
  im->trials_group = make_group(f, "trials");
  h5::write_attr(im->trials_group, "description",
                 std::string("one row per trial, in the order the run finished them; only the "
                             "first `committed` rows are complete"));
  // Uncompressed chunks, sized to the run: a batch rewrites the last, partly filled chunk in
  // place. (A compressed chunk is reallocated at every rewrite, and a SWMR writer never reuses
  // the old space: with small batches a file grew to hundreds of times its data.) The run's
  // rows are split into equal chunks of at most kChunkRows, so the unfilled end is small.
  const std::uint64_t shards = std::max<std::uint64_t>(h.shard_count, 1);
  const std::uint64_t rows = std::max<std::uint64_t>((h.points * h.trials_per_point + shards - 1) / shards, 1);
  const std::uint64_t chunks = (rows + kChunkRows - 1) / kChunkRows;
  const std::size_t chunk_rows = static_cast<std::size_t>((rows + chunks - 1) / chunks);
  for (const Column& c : columns()) {
    if (!in_scope(c.scope, h)) {
      im->column_sets.emplace_back();  // keeps the index; nothing written
      continue;
    }
    Handle d = h5::create_extendible(im->trials_group, c.name, c.file_type, 1, chunk_rows, false);
    describe(d, c.unit, c.description);
    im->column_sets.push_back(std::move(d));
  }
  im->state_set = h5::create_extendible(im->trials_group, "state", H5T_STD_U64LE, h.words,
                                        chunk_rows, false, true);
  describe(im->state_set, "bits",
           "final read-out, bit-packed: bit j of word j/64 (little-endian bit order) = soma j "
           "read as 1 (x >= read_hi Len)");
  im->undecided_set = h5::create_extendible(im->trials_group, "undecided_bits", H5T_STD_U64LE,
                                            h.words, chunk_rows, false, true);
  describe(im->undecided_set, "bits", "bit j set = soma j undecided (between the read-out thresholds)");
  im->input_set = h5::create_extendible(im->trials_group, "input", H5T_STD_U64LE, h.words,
                                        chunk_rows, false, true);
  describe(im->input_set, "bits", "the input loaded while charging: bit j set = neuron j held at +V_C");
  im->committed_set = h5::create_fixed(im->trials_group, "committed", H5T_STD_U64LE, 1, 1);
  describe(im->committed_set, "1", "number of complete rows in every /trials dataset");
  const std::uint64_t zero = 0;
  h5::write_rows(im->committed_set, H5T_NATIVE_UINT64, 0, 1, 1, &zero);

  // max-cut graphs, so the file is complete without the graph files
  if (!h.graphs.empty()) {
    Handle gg = make_group(f, "graphs");
    h5::write_attr(gg, "description",
                   std::string("every max-cut graph of the run: edges [m][3] = (i, j, weight), "
                               "nodes 0-based; the trials' target is the index into "
                               "/points/reference's group_names"));
    for (const Graph& g : h.graphs) {
      if (H5Lexists(gg, g.name.c_str(), H5P_DEFAULT) > 0) continue;
      std::vector<double> e;
      for (const Edge& x : g.edges) {
        e.push_back(x.i);
        e.push_back(x.j);
        e.push_back(x.w);
      }
      Handle d = h5::create_fixed(gg, g.name.c_str(), H5T_IEEE_F64LE, g.edges.size(), 3);
      if (!g.edges.empty()) h5::write_rows(d, H5T_NATIVE_DOUBLE, 0, g.edges.size(), 3, e.data());
      describe(d, "1", "edges (i, j, weight), 0-based node ids");
      h5::write_attr(d, "nodes", static_cast<std::int64_t>(g.n));
      h5::write_attr(d, "content_hash", content_hash(g));
    }
  }

  // every file the run read, byte for byte: `run --from` uses these when a file has moved
  if (!h.inputs.empty()) {
    Handle ig = make_group(f, "inputs");
    h5::write_attr(ig, "description",
                   std::string("every file the run read (graphs, couplings, patterns, inputs, weights, "
                               "images, optima), its bytes as u8; attributes: the option, the path "
                               "and the FNV-1a 64 content hash"));
    for (std::size_t k = 0; k < h.inputs.size(); ++k) {
      const StoredInput& in = h.inputs[k];
      Handle d = h5::create_fixed(ig, std::to_string(k).c_str(), H5T_STD_U8LE, in.bytes.size(), 1);
      if (!in.bytes.empty()) h5::write_rows(d, H5T_NATIVE_UINT8, 0, in.bytes.size(), 1, in.bytes.data());
      h5::write_attr(d, "option", in.option);
      h5::write_attr(d, "path", in.path);
      h5::write_attr(d, "content_hash", in.hash);
      describe(d, "bytes", "the file's content");
    }
  }

  // summaries, written when the run finishes
  {
    Handle s = make_group(f, "summary");
    h5::write_attr(s, "description",
                   std::string("per-point statistics over the point's trials (t_solution, energy "
                               "and EDP over converged trials only); recomputable from /trials "
                               "with `spinhop summarize`"));
    for (const SummaryColumn& c : summary_columns()) {
      if (!in_scope(c.scope, h)) continue;
      Handle d = h5::create_fixed(s, c.name.c_str(), c.file_type, h.points, 1);
      h5::write_attr(d, "units", std::string(c.unit));
    }
    if (h.groups > 0) {
      Handle g = make_group(s, "groups");
      h5::write_attr(g, "description",
                     std::string("per (point, group) statistics: group = image (images) or "
                                 "graph (max-cut); row = point * groups + group"));
      for (const GroupColumn& c : group_columns()) {
        if (!in_scope(c.scope, h)) continue;
        Handle d = h5::create_fixed(g, c.name, c.file_type, h.points * h.groups, 1);
        describe(d, c.unit, c.description);
      }
    }
    Handle done = h5::create_fixed(s, "complete", H5T_STD_U8LE, 1, 1);
    describe(done, "1", "1 once the run finished and these summaries were written");
    const std::uint8_t no = 0;
    h5::write_rows(done, H5T_NATIVE_UINT8, 0, 1, 1, &no);
  }

  // waveform slots
  if (h.traces > 0) {
    Handle tg = make_group(f, "traces");
    h5::write_attr(tg, "description",
                   std::string("waveforms of the first traces_per_point trials of every point on "
                               "the integrator's time points; slot = point * traces_per_point + k"));
    for (std::uint64_t p = 0; p < h.points; ++p) {
      const int n = h.point_neurons[p];
      for (int k = 0; k < h.traces; ++k) {
        const std::uint64_t slot = p * h.traces + k;
        Handle g = make_group(tg, trace_name(slot).c_str());
        h5::write_attr(g, "point", static_cast<std::int64_t>(p));
        h5::write_attr(g, "trial", static_cast<std::int64_t>(k));
        h5::write_attr(g, "neurons", static_cast<std::int64_t>(n));
        Handle t = h5::create_extendible(g, "t", H5T_IEEE_F64LE, 1, 1024, true);
        describe(t, "s", "time since loading started");
        Handle ph = h5::create_extendible(g, "phase", H5T_STD_U8LE, 1, 1024, true);
        describe(ph, "1", "0 while loading, 1 once the inputs are off");
        Handle sx = h5::create_extendible(g, "soma_x", H5T_IEEE_F64LE, n, 256, true);
        describe(sx, "m", "soma domain-wall positions [step][neuron]");
        Handle sc = h5::create_extendible(g, "soma_current", H5T_IEEE_F64LE, n, 256, true);
        describe(sc, "A", "soma track currents [step][neuron]");
        Handle pw = h5::create_extendible(g, "power", H5T_IEEE_F64LE, 1, 1024, true);
        describe(pw, "W", "power delivered by every source");
        const std::vector<std::pair<int, int>> none;
        const auto& axons = p < h.trace_axons.size() ? h.trace_axons[p] : none;
        Handle ids = h5::create_fixed(g, "axon_ids", H5T_STD_I32LE, axons.size(), 2, true);
        std::vector<int> flat;
        for (auto [i, jj] : axons) {
          flat.push_back(i);
          flat.push_back(jj);
        }
        if (!axons.empty()) h5::write_rows(ids, H5T_NATIVE_INT, 0, axons.size(), 2, flat.data());
        describe(ids, "1", "traced axons as (i, j): neuron i's axon onto dendrite j");
        Handle ax = h5::create_extendible(g, "axon_x", H5T_IEEE_F64LE,
                                          std::max<int>(1, static_cast<int>(axons.size())), 256,
                                          true, true);
        describe(ax, "m", "traced axon domain-wall positions [step][axon], columns as axon_ids");
      }
    }
  }
  h5::check_status(H5Fflush(f, H5F_SCOPE_GLOBAL), "flushing '" + tmp + "'");
  h5::check_status(H5Fstart_swmr_write(f), "switching '" + tmp + "' to SWMR writing");
  im->header = h;
  return im;
}

// One `key = value` per line, as to_toml writes a configuration.
std::map<std::string, std::string> config_lines(const std::string& t) {
  std::map<std::string, std::string> m;
  std::istringstream in(t);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t eq = line.find(" = ");
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    m[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return m;
}

// The time limits each point ran under, by option name, where a header records them: an
// automatic limit (unset in the config) matches a stored value equal to it at every point.
using ResolvedLimits = std::map<std::string, std::vector<double>>;
ResolvedLimits resolved_limits(const ResultsHeader& h) {
  ResolvedLimits r;
  if (!h.point_t_max.empty()) r["t-max"] = h.point_t_max;
  if (!h.point_v_tol.empty()) r["v-tol"] = h.point_v_tol;
  return r;
}
bool matches_everywhere(const ResolvedLimits& r, const std::string& key, const std::string& value) {
  const auto it = r.find(key);
  if (it == r.end() || it->second.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (end == value.c_str()) return false;
  return std::all_of(it->second.begin(), it->second.end(), [v](double x) { return x == v; });
}

// The keys whose values differ between a file's stored configuration and this command's:
// "neurons: 29 in the file, 60 here; ...". An option newer than the file (absent there) set to
// its default here is no difference: it is the behaviour the file was made with.
// Keys absent on one side match the other side's resolved time limits where those equal the value.
std::string config_differences(const std::string& file, const std::string& here,
                               const ResolvedLimits& file_limits = {}, const ResolvedLimits& here_limits = {}) {
  const auto a = config_lines(file), b = config_lines(here);
  const auto defaults = config_lines(to_toml(ExperimentConfig{}));
  std::string out;
  auto note = [&](const std::string& k, const std::string& va, const std::string& vb) {
    if (!out.empty()) out += "; ";
    out += k + ": " + va + " in the file, " + vb + " here";
  };
  for (const auto& [k, v] : a) {
    const auto it = b.find(k);
    if (it == b.end()) {
      // a file of a version with fixed limits (t-max = 3e-05 stored) and automatic ones here
      if (!matches_everywhere(here_limits, k, v)) note(k, v, "unset");
    } else if (it->second != v) {
      note(k, v, it->second);
    }
  }
  // what an option newer than the file meant before it existed, where that is not its default
  static const std::map<std::string, std::string> before = {
      {"mapping", "\"paper\""}, {"start", "\"off\""}, {"edge-weights", "\"unit\""}, {"tie-break", "0.25"}, {"bias-neurons", "4"}};
  for (const auto& [k, v] : b) {
    if (a.find(k) != a.end()) continue;
    if (matches_everywhere(file_limits, k, v)) continue;
    const auto old = before.find(k);
    if (old != before.end()) {
      if (old->second != v) note(k, "unset (" + old->second + ")", v);
      continue;
    }
    const auto d = defaults.find(k);
    if (d == defaults.end() || d->second != v) note(k, "unset", v);
  }
  return out;
}

// Everything in a config that defines the results (run control excluded), for comparisons.
bool same_run(const ResultsHeader& a, const ResultsHeader& b, std::string* why) {
  if (a.config_toml != b.config_toml) {
    const std::string differ =
        config_differences(a.config_toml, b.config_toml, resolved_limits(a), resolved_limits(b));
    if (!differ.empty()) {
      *why = "its configuration differs from this command's (" + differ + ")";
      return false;
    }
  }
  if (a.seed != b.seed) {
    *why = "its seed differs";
    return false;
  }
  if (a.points != b.points || a.trials_per_point != b.trials_per_point) {
    *why = "its sweep points or trials per point differ";
    return false;
  }
  if (a.precision != b.precision) {
    *why = "its precision differs";
    return false;
  }
  // the same configuration under another version's automatic limits is another run
  for (auto [x, y] : {std::pair{&a.point_t_max, &b.point_t_max}, std::pair{&a.point_v_tol, &b.point_v_tol}}) {
    if (!x->empty() && !y->empty() && *x != *y) {
      *why = "its time limits (/points/time_limit, /points/stop_speed) differ from this command's";
      return false;
    }
  }
  return true;
}

}  // namespace

std::unique_ptr<ResultsWriter> ResultsWriter::create(const std::string& path,
                                                     const ResultsHeader& h, bool force, bool whole) {
  if (path.empty()) throw IoError("the output path is empty (--output)");
  std::error_code probe;
  if (fs::is_directory(path, probe)) {
    throw IoError("cannot create '" + path + "': it is a directory (give a file name, e.g. " +
                  (fs::path(path) / "results.h5").string() + ")");
  }
  io::require_regular_or_absent(path);
  const fs::path dir = fs::absolute(path).parent_path();
  if (!fs::is_directory(dir)) throw IoError("cannot create '" + path + "': no directory " + dir.string());
  auto lock = std::make_unique<io::WriterLock>(path);  // one writer per file, checked under it
  if (fs::exists(path, probe) && !force) {
    throw IoError("'" + path + "' exists; use --force to overwrite it or --resume to continue it");
  }
  std::vector<std::string> notes = io::remove_orphan_temporaries(path);
  // built under a temporary name: a new file is renamed into place at once (a killed run leaves
  // a resumable file), one that replaces an existing file only when its first batch is
  // committed, so that a run failing before it (a full disk, a bad device) leaves the old
  // results as they were
  const std::string tmp = io::temp_path_for(path);
  std::error_code ec;
  fs::remove(tmp, ec);
  std::unique_ptr<ResultsWriter> w(new ResultsWriter());
  try {
    w->impl_ = create_file(tmp, h);
  } catch (const IoError& e) {
    fs::remove(tmp, ec);
    const bool existed = fs::exists(path, probe);
    throw IoError("cannot create '" + path + "'" + (existed ? " (the existing file is left as it was)" : "") +
                  ": " + e.what());
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  w->impl_->lock = std::move(lock);
  w->impl_->notes = std::move(notes);
  w->impl_->path = path;
  w->impl_->on_disk = tmp;
  w->impl_->space_fd = ::open(tmp.c_str(), O_WRONLY | O_CLOEXEC);
  w->impl_->pending = true;
  w->impl_->whole = whole;
  if (!whole && !fs::exists(path, probe)) w->place();
  return w;
}

void ResultsWriter::place() {
  if (!impl_->pending) return;
  std::error_code ec;
  fs::rename(impl_->on_disk, impl_->path, ec);
  if (ec) throw IoError("cannot create '" + impl_->path + "': " + ec.message());
  impl_->on_disk = impl_->path;
  impl_->pending = false;
}

void ResultsWriter::discard() {
  if (!impl_) return;
  const std::string victim = impl_->on_disk;
  impl_->broken = true;  // nothing more is written: the ids are dropped, not flushed
  impl_.reset();
  std::error_code ec;
  fs::remove(victim, ec);
}

const std::vector<std::string>& ResultsWriter::notes() const {
  static const std::vector<std::string> none;
  return impl_ ? impl_->notes : none;
}

bool ResultsWriter::replacing() const { return impl_ && impl_->pending; }

std::unique_ptr<ResultsWriter> ResultsWriter::resume(const std::string& path, const ResultsHeader& h) {
  io::require_regular_or_absent(path);
  auto lock = std::make_unique<io::WriterLock>(path);
  std::vector<std::string> notes = io::remove_orphan_temporaries(path);
  const ResultsReader old(path);
  std::string why;
  if (!same_run(old.header(), h, &why)) {
    throw InputError("cannot resume '" + path + "': " + why +
                     " (resume with the same options, or write a new file)");
  }
  if (old.header().shard_index != h.shard_index || old.header().shard_count != h.shard_count) {
    throw InputError("cannot resume '" + path + "': it holds shard " +
                     std::to_string(old.header().shard_index) + "/" +
                     std::to_string(old.header().shard_count) + ", this command runs shard " +
                     std::to_string(h.shard_index) + "/" + std::to_string(h.shard_count));
  }
  ResultsHeader nh = h;
  nh.created = old.header().created;
  // the old rows copied into a fresh file that replaces the old one only once complete
  const std::string tmp = io::temp_path_for(path);
  std::error_code ec;
  fs::remove(tmp, ec);
  std::unique_ptr<ResultsWriter> w(new ResultsWriter());
  try {
    w->impl_ = create_file(tmp, nh);
    w->impl_->path = path;
    w->impl_->on_disk = tmp;
    w->impl_->space_fd = ::open(tmp.c_str(), O_WRONLY | O_CLOEXEC);
    // the committed rows of the old file, in batches that bound the memory
    const std::uint64_t step = 65536;
    for (std::uint64_t at = 0; at < old.committed(); at += step) {
      w->append(old.rows(at, std::min(step, old.committed() - at)));
    }
    for (const Trace& tr : old.traces()) {
      w->write_trace(tr.point * static_cast<std::uint64_t>(nh.traces) + tr.trial, tr);
    }
  } catch (...) {
    w->discard();
    throw;
  }
  w->impl_->lock = std::move(lock);
  w->impl_->notes = std::move(notes);
  w->impl_->pending = true;
  w->place();
  return w;
}

ResultsWriter::~ResultsWriter() {
  try {
    close();
  } catch (...) {
  }
}

void ResultsWriter::append(const std::vector<TrialRow>& rows) {
  if (!impl_ || impl_->broken) throw IoError("results file is closed");
  const std::uint64_t n = rows.size();
  if (n == 0) return;
  const std::string where = "writing '" + impl_->path + "'";
  // the disk space this batch can need, reserved before HDF5 writes a byte
  reserve(2 * n * (columns().size() * 8 + 24 * static_cast<std::uint64_t>(impl_->header.words)));
  std::vector<double> col(n);
  const auto& cols = columns();
  try {
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (!impl_->column_sets[c].valid()) continue;  // another task's column
      for (std::uint64_t r = 0; r < n; ++r) col[r] = cols[c].get(rows[r].record);
      h5::write_rows(impl_->column_sets[c], H5T_NATIVE_DOUBLE, committed_, n, 1, col.data());
    }
    const int words = impl_->header.words;
    std::vector<std::uint64_t> bits(n * static_cast<std::size_t>(words), 0);
    for (int which = 0; which < 3; ++which) {
      for (std::uint64_t r = 0; r < n; ++r) {
        const auto& src = which == 0 ? rows[r].state : which == 1 ? rows[r].undecided : rows[r].input;
        std::copy(src.begin(), src.begin() + std::min<std::size_t>(src.size(), words),
                  bits.begin() + r * words);
      }
      const hid_t dset = which == 0 ? impl_->state_set.get()
                         : which == 1 ? impl_->undecided_set.get() : impl_->input_set.get();
      h5::write_rows(dset, H5T_NATIVE_UINT64, committed_, n, words, bits.data());
      std::fill(bits.begin(), bits.end(), 0);
    }
    // the rows reach the file before the count that makes them visible
    h5::check_status(H5Fflush(impl_->file, H5F_SCOPE_GLOBAL), where);
    const std::uint64_t total = committed_ + n;
    h5::write_rows(impl_->committed_set, H5T_NATIVE_UINT64, 0, 1, 1, &total);
    h5::check_status(H5Fflush(impl_->file, H5F_SCOPE_GLOBAL), where);
    committed_ = total;
    if (!impl_->whole) place();  // a replacing file takes the old one's place with its first batch
  } catch (const IoError& e) {
    impl_->broken = true;
    throw IoError(where + " failed (disk full or unwritable?); the file keeps its " +
                  std::to_string(committed_) + " complete rows: " + e.what());
  }
}

bool ResultsWriter::has_trace(std::uint64_t slot) const {
  Handle tg = open_group(impl_->file, "traces");
  Handle g = open_group(tg, trace_name(slot).c_str());
  return h5::has_attr(g, "checksum");  // written last: the trace is complete
}

void ResultsWriter::reserve(std::uint64_t bytes) {
  if (impl_->space_fd < 0) return;
  hsize_t size = 0;
  H5Fget_filesize(impl_->file, &size);
  const std::uint64_t need = size + bytes + (1u << 20);
  struct stat st {};
  if (fstat(impl_->space_fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < need) {
    const int rc = posix_fallocate(impl_->space_fd, 0, static_cast<off_t>(need));
    if (rc != 0 && rc != EOPNOTSUPP && rc != EINVAL) {
      throw IoError("writing '" + impl_->path + "': no room for the next batch (" + std::strerror(rc) +
                    ": disk full or file size limit); the file keeps its " + std::to_string(committed_) +
                    " complete rows and resumes with --resume");
    }
  }
}

void ResultsWriter::write_trace(std::uint64_t slot, const Trace& tr) {
  if (!impl_ || impl_->broken) throw IoError("results file is closed");
  const std::uint64_t steps = tr.t.size();
  reserve(2 * 8 * steps * (3 + 2 * static_cast<std::uint64_t>(tr.n) + tr.axons.size()));
  try {
    Handle tg = open_group(impl_->file, "traces");
    Handle g = open_group(tg, trace_name(slot).c_str());
    if (h5::rows_of(open_dataset(g, "axon_ids")) != tr.axons.size()) {
      throw InputError("trace of point " + std::to_string(tr.point) + " traces " +
                       std::to_string(tr.axons.size()) + " axons; the file was made for another number");
    }
    h5::write_rows(open_dataset(g, "soma_x"), H5T_NATIVE_DOUBLE, 0, steps, tr.n, tr.soma_x.data());
    h5::write_rows(open_dataset(g, "soma_current"), H5T_NATIVE_DOUBLE, 0, steps, tr.n,
                   tr.soma_current.data());
    if (!tr.axons.empty()) {
      h5::write_rows(open_dataset(g, "axon_x"), H5T_NATIVE_DOUBLE, 0, steps,
                     static_cast<int>(tr.axons.size()), tr.axon_x.data());
    }
    std::vector<std::uint8_t> phase(tr.phase.begin(), tr.phase.end());
    h5::write_rows(open_dataset(g, "phase"), H5T_NATIVE_UINT8, 0, steps, 1, phase.data());
    h5::write_rows(open_dataset(g, "power"), H5T_NATIVE_DOUBLE, 0, steps, 1, tr.power.data());
    h5::write_rows(open_dataset(g, "t"), H5T_NATIVE_DOUBLE, 0, steps, 1, tr.t.data());
    h5::check_status(H5Fflush(impl_->file, H5F_SCOPE_GLOBAL), "flushing a trace");
    // the checksum last, once the values are on disk: with it the trace is complete
    h5::write_attr(g, "checksum", trace_checksum(tr));
    h5::check_status(H5Fflush(impl_->file, H5F_SCOPE_GLOBAL), "flushing a trace");
  } catch (const IoError& e) {
    impl_->broken = true;
    throw IoError("writing a trace to '" + impl_->path + "' failed (disk full or unwritable?); the file keeps its " +
                  std::to_string(committed_) + " complete rows and resumes with --resume: " + e.what());
  }
}

void ResultsWriter::finish() {
  if (!impl_ || impl_->broken) throw IoError("results file is closed");
  try {
    write_summaries();
    impl_->finished = true;
  } catch (const IoError& e) {
    impl_->broken = true;
    throw IoError("writing the summaries of '" + impl_->path + "' failed (disk full or unwritable?); its " +
                  std::to_string(committed_) + " complete rows are kept and `spinhop summarize` " +
                  "recomputes them: " + e.what());
  }
}

void ResultsWriter::write_summaries() {
  const ResultsHeader& h = impl_->header;
  // exact statistics read back from the file, a point at a time: memory does not grow with the
  // number of trials
  std::vector<std::vector<double>> cols(summary_columns().size(), std::vector<double>(h.points, std::nan("")));
  std::vector<std::vector<double>> gcols(group_columns().size());
  std::uint64_t found = 0;
  std::string warnings;  // one line per censored point
  for (std::uint64_t p = 0; p < h.points; ++p) {
    const auto [start, end] = point_rows(impl_->file, committed_, p);
    found += end - start;
    const PointSummary ps = stored_point_summary(impl_->file, h, p, start, end);
    const std::string censored = censoring_warning(ps);
    if (!censored.empty()) warnings += "point " + std::to_string(p) + ": " + censored + "\n";
    for (std::size_t c = 0; c < cols.size(); ++c) cols[c][p] = summary_columns()[c].get(ps);
    if (h.groups > 0) {
      for (const GroupSummary& g : stored_group_summaries(impl_->file, h, p, start, end)) {
        for (std::size_t c = 0; c < gcols.size(); ++c) gcols[c].push_back(group_columns()[c].get(g));
      }
    }
  }
  if (found != committed_) {  // rows out of point order would be missed by the range search
    throw InputError("the rows of /trials are not grouped by point: " + std::to_string(found) +
                     " of " + std::to_string(committed_) + " rows found by point");
  }
  Handle s = open_group(impl_->file, "summary");
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (!in_scope(summary_columns()[c].scope, h)) continue;
    h5::write_rows(open_dataset(s, summary_columns()[c].name), H5T_NATIVE_DOUBLE, 0, h.points, 1,
                   cols[c].data());
  }
  if (h.groups > 0) {
    Handle g = open_group(s, "groups");
    for (std::size_t c = 0; c < gcols.size(); ++c) {
      if (!in_scope(group_columns()[c].scope, h)) continue;
      h5::write_rows(open_dataset(g, group_columns()[c].name), H5T_NATIVE_DOUBLE, 0,
                     gcols[c].size(), 1, gcols[c].data());
    }
  }
  if (h5::has_attr(s, "warnings")) H5Adelete(s, "warnings");
  h5::write_attr(s, "warnings", warnings);
  // the summaries on disk before the flag that says they are there
  h5::check_status(H5Fflush(impl_->file, H5F_SCOPE_GLOBAL), "flushing the summary");
  const std::uint8_t yes = 1;
  h5::write_rows(open_dataset(s, "complete"), H5T_NATIVE_UINT8, 0, 1, 1, &yes);
  h5::check_status(H5Fflush(impl_->file, H5F_SCOPE_GLOBAL), "flushing the summary");
}

void ResultsWriter::close() {
  if (!impl_) return;
  if (impl_->space_fd >= 0) ::close(impl_->space_fd);
  impl_->space_fd = -1;
  if (impl_->broken) {  // the Impl forgets its ids (HDF5's state is unknown)
    const bool pending = impl_->pending;
    const std::string tmp = impl_->on_disk;
    impl_.reset();
    std::error_code ec;
    if (pending) fs::remove(tmp, ec);  // it never replaced anything: the old file stands
    return;
  }
  if (impl_->pending && !impl_->finished && (committed_ == 0 || impl_->whole)) {  // keep the old
    discard();
    return;
  }
  impl_->column_sets.clear();
  impl_->state_set.reset();
  impl_->undecided_set.reset();
  impl_->input_set.reset();
  impl_->committed_set.reset();
  impl_->trials_group.reset();
  // the disk space reserved ahead of the batches beyond HDF5's end of file is given back
  haddr_t eoa = 0;
  H5Fflush(impl_->file, H5F_SCOPE_GLOBAL);
  const bool have_eoa = H5Fget_eoa(impl_->file, &eoa) >= 0;
  const herr_t st = H5Fclose(impl_->file.get());
  impl_->file.release();  // closed above
  if (st < 0) {
    const std::string path = impl_->path;
    impl_.reset();
    throw IoError("closing '" + path + "': " + h5::error_stack());
  }
  if (have_eoa && eoa > 0) {
    std::error_code ec;
    if (fs::file_size(impl_->on_disk, ec) > eoa && !ec) fs::resize_file(impl_->on_disk, eoa, ec);
  }
  try {
    place();  // a finished replacement with no rows (zero trials)
  } catch (...) {
    impl_.reset();
    throw;
  }
  impl_.reset();
}

// --- reading -----------------------------------------------------------------------------------

std::string content_hash_of_bytes(const std::string& bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string read_stored_input(const std::string& path, std::size_t k) {
  h5::quiet_errors();
  Handle f = open_for_reading(path);
  Handle ig = open_group(f, "inputs");
  Handle d = open_dataset(ig, std::to_string(k).c_str());
  const std::uint64_t n = h5::rows_of(d);
  if (n > io::kMaxGraphBytes) throw InputError("'" + path + "': stored input " + std::to_string(k) + " is too large");
  std::string bytes(n, '\0');
  if (n > 0) h5::read_rows(d, H5T_NATIVE_UINT8, 0, n, 1, bytes.data());
  return bytes;
}

ResultsHeader read_results_header(const std::string& path) {
  h5::quiet_errors();
  Handle f = open_for_reading(path);
  return read_header(f);
}

ResultsContent read_results(const std::string& path, bool with_traces) {
  h5::quiet_errors();
  Handle f = open_for_reading(path);
  ResultsContent c;
  c.header = read_header(f);
  const std::uint64_t committed = read_committed(f);
  c.rows = read_rows_of(f, c.header, 0, committed);
  Handle s = open_group(f, "summary");
  std::uint8_t done = 0;
  h5::read_rows(open_dataset(s, "complete"), H5T_NATIVE_UINT8, 0, 1, 1, &done);
  c.complete = done != 0;
  if (with_traces) c.traces = read_traces(f, c.header);
  return c;
}

struct ResultsReader::Impl {
  Handle file;
};

ResultsReader::ResultsReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::quiet_errors();
  impl_->file = open_for_reading(path);
  header_ = read_header(impl_->file);
  committed_ = read_committed(impl_->file);
  Handle s = open_group(impl_->file, "summary");
  std::uint8_t done = 0;
  h5::read_rows(open_dataset(s, "complete"), H5T_NATIVE_UINT8, 0, 1, 1, &done);
  complete_ = done != 0;
}

ResultsReader::~ResultsReader() = default;

std::vector<TrialRow> ResultsReader::rows(std::uint64_t start, std::uint64_t count) const {
  if (start + count > committed_) throw IoError("reading rows beyond the committed ones");
  return read_rows_of(impl_->file, header_, start, count);
}

std::vector<TrialRecord> ResultsReader::records(std::uint64_t start, std::uint64_t count) const {
  if (start + count > committed_) throw IoError("reading rows beyond the committed ones");
  return read_records_of(impl_->file, start, count);
}

PointSummary ResultsReader::point_summary(std::uint64_t point) const {
  if (point >= header_.points) throw ParameterError("point " + std::to_string(point) + " is not in the file");
  const auto [start, end] = point_rows(impl_->file, committed_, point);
  return stored_point_summary(impl_->file, header_, point, start, end);
}

std::vector<GroupSummary> ResultsReader::group_summaries(std::uint64_t point) const {
  if (point >= header_.points) throw ParameterError("point " + std::to_string(point) + " is not in the file");
  const auto [start, end] = point_rows(impl_->file, committed_, point);
  return stored_group_summaries(impl_->file, header_, point, start, end);
}

std::vector<Trace> ResultsReader::traces() const { return read_traces(impl_->file, header_); }

// --- summaries ---------------------------------------------------------------------------------

GroupSummaryBuilder::GroupSummaryBuilder(const ResultsHeader& h, std::uint64_t point, std::size_t keep)
    : h_(h), point_(point), groups_(static_cast<std::size_t>(std::max(h.groups, 0)), SummaryBuilder(keep)),
      cuts_(groups_.size()) {}

void GroupSummaryBuilder::add(const TrialRecord& r) {
  const int g = r.score.target;
  if (r.point != point_ || g < 0 || static_cast<std::size_t>(g) >= groups_.size()) return;
  groups_[g].add(r);
  Cuts& c = cuts_[g];
  ++c.trials;
  c.duration += r.outcome.t_solution;
  if (std::isnan(r.score.cut)) return;
  c.best = std::max(c.best, r.score.cut);
  c.sum += r.score.cut;
  if (c.values.size() < kBestOfKept) c.values.push_back(r.score.cut);
  if (!std::isnan(r.score.gap)) {
    c.gap += r.score.gap;
    c.ngap += 1;
  }
  const double ref = h_.references.empty() ? std::nan("") : h_.references[point_][g];
  // like success: a converged trial whose cut reaches target x the reference (>= 0; 0 for a
  // graph without positive edges)
  if (r.outcome.converged && ref >= 0 && r.score.cut >= h_.target * ref) c.hit += 1;
}

double expected_best_of(std::vector<double> values, int k) {
  std::sort(values.begin(), values.end());
  return best_of_sorted(values, k);
}

double best_of_sorted(const std::vector<double>& values, int k) {
  const std::size_t n = values.size();
  if (k < 1 || static_cast<std::size_t>(k) > n) return std::nan("");
  // weight of the i-th smallest (1-based), w_i = C(i-1, k-1) / C(n, k): w_n = k/n and
  // w_{i-1} = w_i (i-k)/(i-1), from the largest down (no overflow; the small ones underflow)
  double sum = 0, w = static_cast<double>(k) / static_cast<double>(n);
  for (std::size_t i = n; i >= static_cast<std::size_t>(k); --i) {
    sum += values[i - 1] * w;
    if (i > 1) w *= static_cast<double>(i - static_cast<std::size_t>(k)) / static_cast<double>(i - 1);
  }
  return sum;
}

double tts99(double trial_time, double p) {
  if (std::isnan(trial_time) || std::isnan(p)) return std::nan("");
  if (p <= 0) return INFINITY;
  if (p >= 0.99) return trial_time;  // one trial reaches 99% already
  return trial_time * std::log(0.01) / std::log1p(-p);
}

std::vector<GroupSummary> GroupSummaryBuilder::summaries() const {
  std::vector<GroupSummary> out;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const Cuts& c = cuts_[g];
    GroupSummary gs;
    gs.point = point_;
    gs.group = static_cast<int>(g);
    gs.summary = groups_[g].summary(h_.point_neurons[point_]);
    const double ref = h_.references.empty() ? std::nan("") : h_.references[point_][g];
    gs.cut_mean = c.trials == 0 || std::isinf(c.best) ? std::nan("") : c.sum / c.trials;
    gs.cut_best = std::isinf(c.best) ? std::nan("") : c.best;
    gs.gap_mean = c.ngap > 0 ? c.gap / c.ngap : std::nan("");
    gs.p_target = (ref >= 0 && c.trials > 0) ? c.hit / c.trials : std::nan("");
    gs.tts99 = tts99(c.trials > 0 ? c.duration / c.trials : std::nan(""), gs.p_target);
    std::vector<double> sorted = c.values;
    std::sort(sorted.begin(), sorted.end());
    for (int k : kBestOfK) gs.best_of_k.push_back(best_of_sorted(sorted, k));
    out.push_back(gs);
  }
  return out;
}

// --- merging shards ----------------------------------------------------------------------------

void merge_results(const std::string& out, const std::vector<std::string>& shards, bool force) {
  if (shards.empty()) throw ParameterError("merge: no shard files given");
  if (fs::exists(out) && !force) throw IoError("'" + out + "' exists; use --force to overwrite it");
  std::vector<std::unique_ptr<ResultsReader>> parts;
  for (const std::string& s : shards) {
    if (fs::exists(out) && fs::equivalent(s, out)) {
      throw ParameterError("merge: the output '" + out + "' is also an input");
    }
    parts.push_back(std::make_unique<ResultsReader>(s));
  }
  const ResultsHeader& h0 = parts.front()->header();
  const std::uint64_t n = h0.shard_count;
  std::vector<ResultsReader*> by_shard(n, nullptr);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const ResultsHeader& h = parts[k]->header();
    std::string why;
    if (!same_run(h0, h, &why)) {
      throw InputError("merge: '" + shards[k] + "' is not a shard of the same run as '" + shards[0] +
                       "': " + why);
    }
    if (h.shard_count != n) {
      throw InputError("merge: '" + shards[k] + "' is shard " + std::to_string(h.shard_index) + "/" +
                       std::to_string(h.shard_count) + " but '" + shards[0] + "' is one of " +
                       std::to_string(n));
    }
    if (by_shard[h.shard_index] != nullptr) {
      throw InputError("merge: shard " + std::to_string(h.shard_index) + "/" + std::to_string(n) +
                       " is given twice (overlap): '" + shards[k] + "'");
    }
    by_shard[h.shard_index] = parts[k].get();
  }
  std::string missing;
  for (std::uint64_t s = 0; s < n; ++s) {
    if (by_shard[s] == nullptr) missing += (missing.empty() ? "" : ", ") + std::to_string(s);
  }
  if (!missing.empty()) {
    throw InputError("merge: shards missing (gap): " + missing + " of " + std::to_string(n));
  }
  // shard s holds the global indices s, s + n, s + 2n, ... in order: the merged run takes them
  // round-robin; every shard must hold exactly its share
  const std::uint64_t total = h0.points * h0.trials_per_point;
  for (std::uint64_t s = 0; s < n; ++s) {
    const std::uint64_t expected = total > s ? (total - s + n - 1) / n : 0;
    if (by_shard[s]->committed() != expected) {
      throw InputError("merge: shard " + std::to_string(s) + " holds " +
                       std::to_string(by_shard[s]->committed()) + " of its " +
                       std::to_string(expected) + " trials (an unfinished shard? resume it first)");
    }
  }
  ResultsHeader h = h0;
  h.shard_index = 0;
  h.shard_count = 1;
  for (std::size_t k = 0; k < h.inputs.size(); ++k) h.inputs[k].bytes = read_stored_input(shards.front(), k);
  auto w = ResultsWriter::create(out, h, force, true);  // appears only when complete
  try {
    const std::uint64_t chunk = 16384;  // rows read per shard at a time
    std::vector<std::vector<TrialRow>> buf(n);
    std::vector<std::uint64_t> read(n, 0), used(n, 0);
    std::vector<TrialRow> batch;
    for (std::uint64_t g = 0; g < total; ++g) {
      const std::uint64_t s = g % n;
      if (used[s] == buf[s].size()) {
        const std::uint64_t left = by_shard[s]->committed() - read[s];
        buf[s] = by_shard[s]->rows(read[s], std::min(chunk, left));
        read[s] += buf[s].size();
        used[s] = 0;
      }
      TrialRow& r = buf[s][used[s]++];
      if (r.record.point * h0.trials_per_point + r.record.trial != g) {
        throw InputError("merge: shard " + std::to_string(s) + " holds trial " +
                         std::to_string(r.record.point * h0.trials_per_point + r.record.trial) +
                         " where trial " + std::to_string(g) + " belongs (overlap or corruption)");
      }
      batch.push_back(std::move(r));
      if (batch.size() == chunk) {
        if (cancel_requested()) throw Interrupted("during the merge: nothing was written to '" + out + "'");
        w->append(batch);
        batch.clear();
      }
    }
    w->append(batch);
    for (std::uint64_t s = 0; s < n; ++s) {
      for (const Trace& tr : by_shard[s]->traces()) {
        const std::uint64_t slot = tr.point * static_cast<std::uint64_t>(h.traces) + tr.trial;
        if (!w->has_trace(slot)) w->write_trace(slot, tr);
      }
    }
    w->finish();
    w->close();
  } catch (...) {
    w->discard();  // the partial merge (or its temporary: an older output stays)
    throw;
  }
}

}  // namespace spinhop
