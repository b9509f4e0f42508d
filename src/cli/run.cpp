#include "run.hpp"
#include "spinhop/cancel.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <thread>
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
#include "spinhop/run.hpp"
#include "spinhop/version.hpp"

namespace spinhop::cli {

namespace {

// The command line without one of its (shell-quoted, space-separated) words: the resume command
// must not repeat --force, which --resume refuses.
std::string without_token(const std::string& line, const std::string& word) {
  std::string out, token;
  bool quoted = false;
  auto flush = [&] {
    if (!token.empty() && token != word) out += (out.empty() ? "" : " ") + token;
    token.clear();
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (ch == '\\' && !quoted && i + 1 < line.size()) {
      token += ch;  // an escaped character outside quotes (the \' of a quoted quote)
      token += line[++i];
      continue;
    }
    if (ch == '\'') quoted = !quoted;
    if (ch == ' ' && !quoted) {
      flush();
    } else {
      token += ch;
    }
  }
  flush();
  return out;
}


std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) {
  g_stop.store(true);
  cancel_request() = 1;  // the integrators stop inside the batch (spinhop/cancel.hpp)
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

// The best-of-K curve of a cut task's point: the expected best of K trials per graph, over the
// reference (max-cut) or as the problem's energy (Ising), averaged over the graphs.
void print_best_of_k(const Task& task, const std::vector<GroupSummary>& gs, const ResultsHeader& h,
                     std::uint64_t point) {
  const auto* cut_task = dynamic_cast<const MaxCutTask*>(&task);
  if (cut_task == nullptr) return;
  const bool ising = task.name() == "ising";
  std::string line;
  for (std::size_t k = 0; k < std::size(kBestOfK); ++k) {
    double sum = 0;
    int count = 0;
    for (const GroupSummary& g : gs) {
      if (g.point != point || g.summary.trials == 0 || k >= g.best_of_k.size() || std::isnan(g.best_of_k[k])) continue;
      const double ref = h.references[point][g.group];
      if (ising) {
        sum += cut_task->energy_of_zero_cut(g.group) - g.best_of_k[k];
      } else if (ref > 0) {
        sum += g.best_of_k[k] / ref;
      } else {
        continue;
      }
      ++count;
    }
    if (count == 0 || count < static_cast<int>(gs.size())) continue;  // K above some graph's trials
    char buf[48];
    std::snprintf(buf, sizeof buf, "  K=%d %.4g", kBestOfK[k], sum / count);
    line += buf;
  }
  if (line.empty()) return;
  std::printf("  best of K          %s  (%s)\n", line.c_str(),
              ising ? "expected best energy of K trials, mean over the problems"
                    : "expected best cut of K trials / reference, mean over the graphs");
}

void print_task_groups(const ExperimentPoint& pt, const GroupSummaryBuilder& builder,
                       const ResultsHeader& h) {
  const Task& task = *pt.task;
  if (task.groups() == 0) return;
  const std::vector<GroupSummary> gs = builder.summaries();
  print_best_of_k(task, gs, h, pt.index);
  for (const GroupSummary& g : gs) {
    if (g.point != pt.index || g.summary.trials == 0) continue;
    const std::string& name = h.group_names[pt.index][g.group];
    if (task.scoring() == Scoring::Patterns) {
      std::printf("    image %-10s %6llu trials  success %.4f  bit accuracy %.4f  t_sol mean %s\n",
                  name.c_str(), static_cast<unsigned long long>(g.summary.trials),
                  g.summary.success_rate, g.summary.bit_accuracy.mean,
                  si(g.summary.t_solution.mean, "s").c_str());
    } else if (const auto* ising = dynamic_cast<const MaxCutTask*>(&task); ising != nullptr && task.name() == "ising") {
      // the problem's energies: E = E(cut 0) - cut of the equivalent graph
      const double k = ising->energy_of_zero_cut(g.group), ref = h.references[pt.index][g.group];
      const std::string tts = std::isinf(g.tts99) ? std::string("inf") : si(g.tts99, "s");
      char offset[64] = "";
      if (ising->ising_offset(g.group) != 0.0) {
        std::snprintf(offset, sizeof offset, "  (QUBO: Ising offset %.6g)", ising->ising_offset(g.group));
      }
      std::printf("    problem %-12s %5llu trials  energy mean %.6g best %.6g  reference %.6g (%s)  P(target) %.3f  TTS99 %s  t_sol mean %s%s\n",
                  name.c_str(), static_cast<unsigned long long>(g.summary.trials), k - g.cut_mean,
                  k - g.cut_best, k - ref, h.reference_kinds[pt.index][g.group].c_str(), g.p_target,
                  tts.c_str(), si(g.summary.t_solution.mean, "s").c_str(), offset);
    } else {
      const double ref = h.references[pt.index][g.group];
      const std::string tts = std::isinf(g.tts99) ? std::string("inf") : si(g.tts99, "s");
      std::printf("    graph %-12s %5llu trials  cut mean %.2f best %.0f  reference %.0f (%s)  gap %.2f%%  P(target) %.3f  TTS99 %s  t_sol mean %s\n",
                  name.c_str(), static_cast<unsigned long long>(g.summary.trials), g.cut_mean,
                  g.cut_best, ref, h.reference_kinds[pt.index][g.group].c_str(), 100 * g.gap_mean,
                  g.p_target, tts.c_str(), si(g.summary.t_solution.mean, "s").c_str());
      // a trivial read-out: every neuron on one side although the graph has cuts worth having
      if (g.cut_best == 0 && ref > 0) {
        std::fflush(stdout);
        std::fprintf(stderr,
                     "spinhop: warning: graph %s: every trial ended with all neurons on one side (cut 0 of a best "
                     "known %g): the mapping (--edge-factor, the non-edge weights) does not fit this graph "
                     "(docs/model.md, max-cut)\n",
                     name.c_str(), ref);
      }
    }
  }
}

// The time limits a point ran under, when they differ from the defaults (given, or automatic
// where `given`, the run's configuration, leaves them unset).
void print_time_limits(const ExperimentPoint& pt, const ModelParams& given) {
  const ModelParams& m = pt.config.model;
  if (m.give_up_time() == kDefaultTMax && m.stop_speed() == kDefaultVTol) return;
  const bool automatic = std::isnan(given.t_max) || std::isnan(given.v_tol);
  const double v = pt.task->decision_speed(m);
  std::string why;
  if (automatic && v > 0) why = " (automatic ones from the weakest decision, " + si(v, "m/s") + "; docs/model.md)";
  std::printf("  time limits         t_max %s, v_tol %s%s\n", si(m.give_up_time(), "s").c_str(),
              si(m.stop_speed(), "m/s").c_str(), why.c_str());
}

}  // namespace

void request_stop() {
  g_stop.store(true);
  cancel_request() = 1;
}

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

// The terminal's view of a run: progress on stderr, and each point's summary on stdout when its
// trials are done (memory bounded however many trials: the file's /summary is exact, computed
// from the stored rows at the end).
class TerminalSink final : public ResultSink {
 public:
  TerminalSink(const Experiment& exp, const ResultsHeader& h, Progress& progress, bool talk,
               bool have_file)
      : exp_(exp), h_(h), progress_(progress), talk_(talk), have_file_(have_file),
        t0_(std::chrono::steady_clock::now()) {}
  void begin_point(const ExperimentPoint& pt) override {
    summary_ = std::make_unique<SummaryBuilder>(kPrintedSummaryKeep);
    groups_ = std::make_unique<GroupSummaryBuilder>(h_, pt.index, kPrintedSummaryKeep);
  }
  void batch(const ExperimentPoint& pt, const ScoredBatch& b) override {
    for (const TrialRecord& r : b.records) {
      if (talk_) {
        summary_->add(r);
        groups_->add(r);
      }
      device_updates_ += static_cast<double>(r.outcome.steps) * pt.spec.task.n * pt.spec.task.n;
    }
    done_ += b.records.size();
    progress_.update(done_, pt.index);
  }
  void end_point(const ExperimentPoint& pt) override {
    if (!talk_ || summary_->trials() == 0) return;
    progress_.finish();
    const PointSummary s = summary_->summary(pt.spec.task.n);
    const bool last = exp_.points() == 1 || pt.index + 1 == exp_.points() || interrupted;
    if (exp_.points() > 1) {
      std::printf("point %llu: %s\n", static_cast<unsigned long long>(pt.index), point_label(exp_, pt).c_str());
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    print_point_summary(s, ThroughputFigures{secs, done_ / secs, device_updates_ / secs}, last);
    print_time_limits(pt, exp_.config().model);
    const std::string censored = censoring_warning(s, pt.spec.integ.t_max);
    if (!censored.empty()) {
      std::fflush(stdout);
      std::fprintf(stderr, "spinhop: warning: point %llu: %s\n",
                   static_cast<unsigned long long>(pt.index), censored.c_str());
    }
    if (!summary_->exact_time_quantiles()) {
      std::printf("  (the median above is from a uniform sample of %zu trials%s)\n", kPrintedSummaryKeep,
                  have_file_ ? "; /summary in the file is exact" : "");
    }
    print_task_groups(pt, *groups_, h_);
    std::fflush(stdout);
  }
  bool interrupted = false;

 private:
  const Experiment& exp_;
  const ResultsHeader& h_;
  Progress& progress_;
  bool talk_, have_file_;
  std::chrono::steady_clock::time_point t0_;
  std::unique_ptr<SummaryBuilder> summary_;
  std::unique_ptr<GroupSummaryBuilder> groups_;
  std::uint64_t done_ = 0;
  double device_updates_ = 0;
};

// More workers than hardware threads only slow a run, and a typo (100000) would exhaust the
// machine's process ids before anything else fails.
void check_threads(const RunControl& ctl) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  if (ctl.threads > kMaxThreads) {
    throw ParameterError("invalid --threads " + std::to_string(ctl.threads) + ": at most " +
                         std::to_string(kMaxThreads));
  }
  if (ctl.threads > static_cast<int>(hw) && !ctl.oversubscribe) {
    throw ParameterError("--threads " + std::to_string(ctl.threads) + " is more than the " + std::to_string(hw) +
                         " hardware threads of this machine (add --oversubscribe if that is meant)");
  }
}

// The CPU backends keep one network per worker: per device two positions (double), the synapse
// source and the per-device parameters (kDeviceFields values of the run's precision), plus
// the columns' sums. Refused when the estimate passes 80% of the machine's memory, before
// anything is allocated.
void check_memory(const Experiment& exp, const RunControl& ctl, Precision precision) {
  if (ctl.backend == "cuda") return;  // the GPU backend checks its own memory
  const double n = exp.max_neurons();
  const double real = precision == Precision::Double ? 8.0 : 4.0;
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const double workers = ctl.threads > 0 ? ctl.threads : hw;
  const double bytes = 1.5 * workers * n * (n + 8) * (16.0 + (1 + kDeviceFields) * real);
  const double phys = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (phys > 0 && bytes > 0.8 * phys) {
    char why[256];
    std::snprintf(why, sizeof why,
                  "N = %.0f on %.0f CPU workers needs about %.1f GiB, more than 80%% of this machine's %.1f GiB: "
                  "fewer --threads or a smaller network",
                  n, workers, bytes / (1u << 30), phys / (1u << 30));
    throw ParameterError(why);
  }
}

int run_one(ExperimentConfig config, const RunControl& ctl, const std::string& command_line) {
  // from the start: a Ctrl-C while the experiment is built (graphs, exact references) stops
  // the run before its first trial, with the message, instead of killing it
  g_stop.store(false);
  cancel_request() = 0;
  install_stop_handlers();
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
  check_threads(ctl);
  check_memory(exp, ctl, precision);
  auto backend = make_backend(BackendOptions{ctl.backend, ctl.threads, ctl.device, ctl.devices});
  // bad trace axon lists are rejected here, before anything is written
  const ResultsHeader header =
      results_header(exp, *backend, HeaderInfo{shard, ctl.traces, ctl.trace_axons, command_line});
  const std::uint64_t run_total = shard_total(exp, shard);
  if (ctl.dry_run) {
    std::printf("spinhop %s (dry run): task %s, %llu point(s) x %llu trials = %llu trials, %llu in "
                "shard %s; backend %s on %s; the configuration is valid\n",
                SPINHOP_VERSION, c.task.c_str(), static_cast<unsigned long long>(exp.points()),
                static_cast<unsigned long long>(c.trials),
                static_cast<unsigned long long>(exp.total_trials()),
                static_cast<unsigned long long>(run_total), ctl.shard.c_str(), backend->name().c_str(),
                backend->device_name().c_str());
    // the grid and where it would go, so a sweep can be checked before it runs
    if (exp.points() > 1) {
      const std::uint64_t shown = std::min<std::uint64_t>(exp.points(), 50);
      for (std::uint64_t p = 0; p < shown; ++p) {
        const ExperimentPoint pt = exp.point(p);
        std::printf("  point %llu: %s\n", static_cast<unsigned long long>(p), point_label(exp, pt).c_str());
        print_time_limits(pt, exp.config().model);
      }
      if (shown < exp.points()) {
        std::printf("  ... and %llu more points\n", static_cast<unsigned long long>(exp.points() - shown));
      }
    } else {
      print_time_limits(exp.point(0), exp.config().model);
    }
    std::printf("  output: %s\n", ctl.output.empty() ? "none (no --output: only the report)"
                                                     : (ctl.output + (ctl.resume ? " (resumed)" : "")).c_str());
    return 0;
  }

  std::unique_ptr<ResultsWriter> out;
  std::uint64_t done_before = 0;
  if (!ctl.output.empty()) {
    out = ctl.resume ? ResultsWriter::resume(ctl.output, header)
                     : ResultsWriter::create(ctl.output, header, ctl.force);
    done_before = out->committed();
    for (const std::string& note : out->notes()) std::fprintf(stderr, "spinhop: note: %s\n", note.c_str());
  }
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

  int stop_after = -1;  // test hook: behave as if interrupted after this many batches
  if (const char* env = std::getenv("SPINHOP_TEST_STOP_AFTER_BATCHES")) stop_after = std::atoi(env);
  // a progress sink (a notebook) is told even when the report is quiet
  Progress progress(run_total - done_before, exp.points(), (talk || has_progress_sink()) && ctl.progress);
  TerminalSink terminal(exp, header, progress, talk, out != nullptr);
  std::unique_ptr<ResultsFileSink> file;
  std::vector<ResultSink*> sinks;
  if (out) {
    file = std::make_unique<ResultsFileSink>(*out, header, precision);
    sinks.push_back(file.get());
  }
  sinks.push_back(&terminal);
  RunPlan plan;
  plan.shard = shard;
  plan.precision = precision;
  plan.batch = ctl.batch;
  plan.score_threads = ctl.threads;
  plan.done_before = done_before;
  std::uint64_t batches = 0;
  const RunStatus st = run_trials(exp, *backend, plan, sinks, [&] {
    ++batches;
    const bool stop = g_stop.load() || (stop_after >= 0 && batches >= static_cast<std::uint64_t>(stop_after));
    terminal.interrupted = stop;
    return stop;
  });
  progress.finish();
  if (st.interrupted) {
    const std::uint64_t kept = out ? out->committed() : st.done;
    const bool old_kept = out && out->replacing() && kept == 0;
    if (out) out->close();
    std::string how = ctl.output.empty()
                          ? "no --output file was given, nothing is kept"
                      : old_kept
                          ? "nothing was committed, so '" + ctl.output + "' still holds its earlier results"
                          : "resume with: " + without_token(command_line, "--force") + (ctl.resume ? "" : " --resume");
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
