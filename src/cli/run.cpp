#include "run.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>

#include "cluster.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/results_file.hpp"
#include "spinhop/version.hpp"

namespace spinhop::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) { g_stop.store(true); }

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// Traced axons: "i:j" strings, or neuron 0's axons onto every other dendrite (at most 16).
std::vector<std::pair<int, int>> trace_axons(const RunControl& r, int n) {
  std::vector<std::pair<int, int>> out;
  for (const std::string& s : r.trace_axons) {
    const auto colon = s.find(':');
    int i = -1, j = -1;
    try {
      if (colon != std::string::npos) {
        i = std::stoi(s.substr(0, colon));
        j = std::stoi(s.substr(colon + 1));
      }
    } catch (const std::exception&) {
      i = j = -1;
    }
    if (i < 0 || j < 0 || i >= n || j >= n || i == j) {
      throw ParameterError("invalid --trace-axons '" + s + "': expected i:j with 0 <= i, j < N = " +
                           std::to_string(n) + " and i != j");
    }
    out.emplace_back(i, j);
  }
  if (out.empty()) {
    for (int j = 1; j < n && j <= 16; ++j) out.emplace_back(0, j);
  }
  return out;
}

ResultsHeader make_header(const Experiment& exp, const Backend& backend, const Shard& shard,
                          const RunControl& ctl, const std::string& command_line) {
  const ExperimentConfig& c = exp.config();
  ResultsHeader h;
  h.spinhop_version = SPINHOP_VERSION;
  h.git_sha = SPINHOP_GIT_SHA;
  h.backend = backend.name();
  h.device = backend.device_name();
  h.created = utc_now();
  h.command_line = command_line;
  h.config_toml = to_toml(c);
  h.task = c.task;
  h.precision = c.precision;
  h.seed = c.seed;
  h.trials_per_point = c.trials;
  h.points = exp.points();
  h.shard_index = shard.index;
  h.shard_count = shard.count;
  h.words = (exp.max_neurons() + 63) / 64;
  h.axes = exp.axes();
  h.target = c.target;
  h.traces = ctl.traces;
  for (std::uint64_t p = 0; p < exp.points(); ++p) {
    const ExperimentPoint pt = exp.point(p);
    h.point_values.push_back(pt.values);
    h.point_neurons.push_back(pt.spec.task.n);
    if (ctl.traces > 0) h.trace_axons.push_back(trace_axons(ctl, pt.spec.task.n));
    std::vector<double> refs;
    std::vector<std::string> kinds, names;
    if (const auto* mc = dynamic_cast<const MaxCutTask*>(pt.task.get())) {
      for (const Graph& g : mc->graphs()) {
        const bool seen = std::any_of(h.graphs.begin(), h.graphs.end(),
                                      [&](const Graph& x) { return x.name == g.name; });
        if (!seen) h.graphs.push_back(g);
      }
      for (std::size_t g = 0; g < mc->graphs().size(); ++g) {
        refs.push_back(mc->reference(static_cast<int>(g)));
        kinds.push_back(mc->reference_kind(static_cast<int>(g)));
        names.push_back(mc->graphs()[g].name);
      }
    } else if (const auto* im = dynamic_cast<const ImagesTask*>(pt.task.get())) {
      for (const Image& i : im->images()) {
        refs.push_back(std::nan(""));
        kinds.push_back("none");
        names.push_back(i.name);
      }
    }
    h.groups = std::max(h.groups, static_cast<int>(refs.size()));
    h.references.push_back(refs);
    h.reference_kinds.push_back(kinds);
    h.group_names.push_back(names);
  }
  for (std::uint64_t p = 0; p < h.points; ++p) {
    h.references[p].resize(h.groups, std::nan(""));
    h.reference_kinds[p].resize(h.groups, "none");
    h.group_names[p].resize(h.groups);
  }
  return h;
}

// Values each printed quantity keeps for its quantiles (the median); beyond, a uniform sample.
constexpr std::size_t kPrintedSummaryKeep = 1 << 16;

std::string point_label(const Experiment& exp, const ExperimentPoint& pt) {
  std::string s;
  for (std::size_t a = 0; a < exp.axes().size(); ++a) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s=%.6g", a ? " " : "", exp.axes()[a].name.c_str(), pt.values[a]);
    s += buf;
  }
  return s;
}

void print_task_groups(const Experiment& exp, const ExperimentPoint& pt,
                       const GroupSummaryBuilder& builder, const ResultsHeader& h) {
  const Task& task = *pt.task;
  (void)exp;
  if (task.kind() == TaskKind::Recall) return;
  const std::vector<GroupSummary> gs = builder.summaries();
  for (const GroupSummary& g : gs) {
    if (g.point != pt.index || g.summary.trials == 0) continue;
    const std::string& name = h.group_names[pt.index][g.group];
    if (task.kind() == TaskKind::Images) {
      std::printf("    image %-10s %6llu trials  success %.4f  bit accuracy %.4f  t_sol mean %s\n",
                  name.c_str(), static_cast<unsigned long long>(g.summary.trials),
                  g.summary.success_rate, g.summary.bit_accuracy.mean,
                  si(g.summary.t_solution.mean, "s").c_str());
    } else {
      const double ref = h.references[pt.index][g.group];
      std::printf("    graph %-12s %5llu trials  cut mean %.2f best %.0f  reference %.0f (%s)  gap %.2f%%  P(target) %.3f  t_sol mean %s\n",
                  name.c_str(), static_cast<unsigned long long>(g.summary.trials), g.cut_mean,
                  g.cut_best, ref, h.reference_kinds[pt.index][g.group].c_str(), 100 * g.gap_mean,
                  g.p_target, si(g.summary.t_solution.mean, "s").c_str());
    }
  }
}

}  // namespace

void request_stop() { g_stop.store(true); }

void install_stop_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

namespace {

int run_one(ExperimentConfig config, const RunControl& ctl, const std::string& command_line);

}  // namespace

int run_experiment(ExperimentConfig config, const RunControl& ctl,
                   const std::string& command_line) {
  const MpiContext& mpi = mpi_context();
  if (!mpi.active) return run_one(std::move(config), ctl, command_line);
  // one shard per rank, each into its own file; rank 0 merges them into the output
  if (ctl.shard != "0/1") throw ParameterError("under mpirun every rank runs one shard: do not give --shard");
  RunControl mine = ctl;
  mine.shard = std::to_string(mpi.rank) + "/" + std::to_string(mpi.size);
  std::vector<std::string> shard_files;
  for (int k = 0; k < mpi.size; ++k) {
    shard_files.push_back(ctl.output + ".shard-" + std::to_string(k) + "-of-" + std::to_string(mpi.size));
  }
  if (!ctl.output.empty()) {
    if (std::filesystem::exists(ctl.output) && !ctl.force) {
      throw IoError("'" + ctl.output + "' exists; use --force to overwrite it");
    }
    mine.output = shard_files[static_cast<std::size_t>(mpi.rank)];
    mine.resume = ctl.resume && std::filesystem::exists(mine.output);
    mine.force = ctl.force;
  }
  const int gpus = cuda_device_count();
  if (ctl.devices.empty() && gpus > 0) mine.device = mpi.local_rank % gpus;
  mine.quiet = ctl.quiet || mpi.rank != 0;
  bool ok = true;
  bool stopped = false;
  std::string why;
  try {
    run_one(config, mine, command_line);
  } catch (const Interrupted&) {
    ok = false;
    stopped = true;
  } catch (const Error& e) {
    ok = false;
    why = e.what();
  }
  if (!mpi_all(ok)) {
    if (stopped) throw Interrupted("rank " + std::to_string(mpi.rank) + "; resume with the same mpirun command and --resume");
    if (!why.empty()) throw Error("rank " + std::to_string(mpi.rank) + ": " + why);
    throw Error("rank " + std::to_string(mpi.rank) + ": another rank failed; the shard files are kept for --resume");
  }
  bool merged = true;
  if (mpi.rank == 0 && !ctl.output.empty()) {
    try {
      merge_results(ctl.output, shard_files, true);
      for (const std::string& f : shard_files) std::filesystem::remove(f);
      if (!ctl.quiet) std::printf("  merged %d ranks into %s\n", mpi.size, ctl.output.c_str());
    } catch (const Error& e) {
      merged = false;
      why = e.what();
    }
  }
  if (!mpi_all(merged)) throw Error(why.empty() ? "merging the rank files failed on rank 0" : why);
  return 0;
}

namespace {

int run_one(ExperimentConfig config, const RunControl& ctl, const std::string& command_line) {
  absolutize_paths(config);
  const Experiment exp(config);  // validates everything before any file is touched
  const Shard shard = parse_shard(ctl.shard);
  if (ctl.traces < 0 || ctl.traces > 1000) {
    throw ParameterError("invalid --traces " + std::to_string(ctl.traces) + ": must be in [0, 1000]");
  }
  if (ctl.resume && ctl.output.empty()) throw ParameterError("--resume needs --output FILE");
  if (ctl.resume && ctl.force) throw ParameterError("--resume and --force exclude each other");
  const ExperimentConfig& c = exp.config();
  const Precision precision = parse_precision(c.precision);
  auto backend = make_backend(BackendOptions{ctl.backend, ctl.threads, ctl.device, ctl.devices});
  const ResultsHeader header = make_header(exp, *backend, shard, ctl, command_line);
  for (std::uint64_t p = 0; p < exp.points() && ctl.traces > 0; ++p) {
    trace_axons(ctl, exp.point(p).spec.task.n);  // reject bad axon lists before writing
  }
  if (ctl.dry_run) {
    std::uint64_t in_shard = 0;
    for (std::uint64_t p = 0; p < exp.points(); ++p) in_shard += exp.shard_trials(p, shard);
    std::printf("spinhop %s (dry run): task %s, %llu point(s) x %llu trials = %llu trials, %llu in "
                "shard %s; backend %s on %s; the configuration is valid\n",
                SPINHOP_VERSION, c.task.c_str(), static_cast<unsigned long long>(exp.points()),
                static_cast<unsigned long long>(c.trials),
                static_cast<unsigned long long>(exp.total_trials()),
                static_cast<unsigned long long>(in_shard), ctl.shard.c_str(), backend->name().c_str(),
                backend->device_name().c_str());
    return 0;
  }

  std::unique_ptr<ResultsWriter> out;
  std::uint64_t done_before = 0;
  if (!ctl.output.empty()) {
    out = ctl.resume ? ResultsWriter::resume(ctl.output, header)
                     : ResultsWriter::create(ctl.output, header, ctl.force);
    done_before = out->committed();
  }
  std::uint64_t run_total = 0;
  for (std::uint64_t p = 0; p < exp.points(); ++p) run_total += exp.shard_trials(p, shard);
  if (done_before > run_total) throw InputError("'" + ctl.output + "' holds more trials than this run has");

  const bool talk = !ctl.quiet;
  if (talk) {
    std::printf("spinhop %s: task %s, %llu point(s) x %llu trials, seed %llu%s\n", SPINHOP_VERSION,
                c.task.c_str(), static_cast<unsigned long long>(exp.points()),
                static_cast<unsigned long long>(c.trials), static_cast<unsigned long long>(c.seed),
                shard.count > 1 ? (", shard " + ctl.shard).c_str() : "");
    std::printf("  backend             %s on %s, %s\n", backend->name().c_str(),
                backend->device_name().c_str(), c.precision.c_str());
    if (done_before > 0) {
      std::printf("  resuming            %llu of %llu trials already in %s\n",
                  static_cast<unsigned long long>(done_before),
                  static_cast<unsigned long long>(run_total), ctl.output.c_str());
    }
    std::fflush(stdout);
  }

  install_stop_handlers();
  int stop_after = -1;  // test hook: behave as if interrupted after this many batches
  if (const char* env = std::getenv("SPINHOP_TEST_STOP_AFTER_BATCHES")) stop_after = std::atoi(env);
  Progress progress(run_total - done_before, exp.points(), talk && ctl.progress);
  std::uint64_t done = 0, batches = 0, skip_left = done_before;
  const auto t0 = std::chrono::steady_clock::now();
  double device_updates = 0;
  bool interrupted = false;

  for (std::uint64_t p = 0; p < exp.points() && !interrupted; ++p) {
    const std::uint64_t in_point = exp.shard_trials(p, shard);
    const std::uint64_t skip = std::min(skip_left, in_point);
    skip_left -= skip;
    if (skip == in_point && in_point > 0 && !(ctl.traces > 0)) continue;
    const ExperimentPoint pt = exp.point(p);
    // waveforms of the point's first trials, recorded once (by shard 0)
    if (out && ctl.traces > 0 && shard.index == 0) {
      const auto axons = trace_axons(ctl, pt.spec.task.n);
      for (int k = 0; k < ctl.traces && static_cast<std::uint64_t>(k) < c.trials; ++k) {
        const std::uint64_t slot = p * ctl.traces + k;
        if (!out->has_trace(slot)) {
          out->write_trace(slot, record_trace(pt.spec, p, static_cast<std::uint64_t>(k), precision, axons));
        }
      }
    }
    if (skip == in_point) continue;
    RunOptions ro;
    ro.trials = c.trials;
    ro.first = exp.shard_first(p, shard);
    ro.stride = shard.count;
    ro.skip = skip;
    ro.batch = ctl.batch;
    ro.precision = precision;
    ro.hopfield = c.hopfield;
    ro.hopfield_states = parse_hopfield_states(c.hopfield_states);
    ro.score_threads = ctl.threads;
    // the printed summary of this point; memory stays bounded however many trials (the file's
    // /summary is exact, computed from the stored rows at the end)
    SummaryBuilder point_summary(kPrintedSummaryKeep);
    GroupSummaryBuilder group_summary(header, p, 0);
    try {
      run_point(*backend, *pt.task, pt.config.model, pt.spec, p, ro, [&](const ScoredBatch& b) {
        if (out) {
          std::vector<TrialRow> rows(b.records.size());
          for (std::size_t k = 0; k < rows.size(); ++k) {
            rows[k].record = b.records[k];
            const std::size_t off = k * b.outcome.words;
            rows[k].state.assign(b.outcome.state.begin() + off, b.outcome.state.begin() + off + b.outcome.words);
            rows[k].undecided.assign(b.outcome.undecided.begin() + off,
                                     b.outcome.undecided.begin() + off + b.outcome.words);
            rows[k].input.assign(b.inputs.begin() + off, b.inputs.begin() + off + b.outcome.words);
            rows[k].state.resize(header.words, 0);
            rows[k].undecided.resize(header.words, 0);
            rows[k].input.resize(header.words, 0);
          }
          out->append(rows);
        }
        for (const TrialRecord& r : b.records) {
          if (talk) {
            point_summary.add(r);
            group_summary.add(r);
          }
          device_updates += static_cast<double>(r.outcome.steps) * pt.spec.task.n * pt.spec.task.n;
        }
        done += b.records.size();
        ++batches;
        progress.update(done, p);
        if (g_stop.load() || (stop_after >= 0 && batches >= static_cast<std::uint64_t>(stop_after))) {
          throw Interrupted("stopped");
        }
      });
    } catch (const Interrupted&) {
      interrupted = true;
    }
    if (talk && point_summary.trials() > 0) {
      progress.finish();
      const PointSummary s = point_summary.summary(pt.spec.task.n);
      if (exp.points() > 1) std::printf("point %llu: %s\n", static_cast<unsigned long long>(p), point_label(exp, pt).c_str());
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      ThroughputFigures tp{secs, done / secs, device_updates / secs};
      print_point_summary(s, tp, exp.points() == 1 || p + 1 == exp.points() || interrupted);
      if (!point_summary.exact_time_quantiles()) {
        std::printf("  (the median above is from a uniform sample of %zu trials%s)\n", kPrintedSummaryKeep,
                    out ? "; /summary in the file is exact" : "");
      }
      print_task_groups(exp, pt, group_summary, header);
      std::fflush(stdout);
    }
  }
  progress.finish();
  if (interrupted) {
    const std::uint64_t kept = out ? out->committed() : done;
    if (out) out->close();
    std::string how = ctl.output.empty()
                          ? "no --output file was given, nothing is kept"
                          : "resume with: " + command_line + (ctl.resume ? "" : " --resume");
    throw Interrupted("after " + std::to_string(kept) + " of " + std::to_string(run_total) +
                      " trials; " + how);
  }
  if (out) {
    out->finish();
    out->close();
    if (talk) std::printf("  results             %s\n", ctl.output.c_str());
  }
  return 0;
}

}  // namespace

}  // namespace spinhop::cli
