// Running an experiment: every sweep point's trials (those of one shard, after those already
// done) through a backend, batch by batch, each scored batch handed to result sinks as soon as it
// is done (the HDF5 results file, the terminal's summaries, Python). The command line and the
// Python module both run experiments through this.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "spinhop/experiment.hpp"
#include "spinhop/results_file.hpp"

namespace spinhop {

// Receives a run's results as they are produced. Throwing stops the run (Interrupted: cleanly).
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // A point is about to run (also when all its trials were already done: for traces).
  virtual void begin_point(const ExperimentPoint&) {}
  virtual void batch(const ExperimentPoint& point, const ScoredBatch& b) = 0;
  // The point's trials of this run are done (or the run was interrupted inside it).
  virtual void end_point(const ExperimentPoint&) {}
};

struct RunPlan {
  Shard shard;
  Precision precision = Precision::Float;
  std::uint64_t batch = 0;        // trials per backend call; 0 = the backend's preference
  int score_threads = 0;          // host threads scoring trials; 0 = all
  std::uint64_t done_before = 0;  // trials of this shard already stored (a resumed run): skipped
};

struct RunStatus {
  std::uint64_t done = 0;      // trials integrated by this run
  bool interrupted = false;    // stopped by should_stop() or a sink throwing Interrupted
  double device_updates = 0;   // sum over trials of steps * N^2
};

// Runs the plan; should_stop is polled after every batch.
RunStatus run_trials(const Experiment& exp, Backend& backend, const RunPlan& plan,
                     const std::vector<ResultSink*>& sinks,
                     const std::function<bool()>& should_stop = {});

// The trials of the run (this shard) in total.
std::uint64_t shard_total(const Experiment& exp, const Shard& shard);

// Traced axons "i:j" (neuron i's axon onto dendrite j), or neuron 0's axons onto the first 16
// dendrites when none are given. ParameterError for a malformed or out-of-range entry.
std::vector<std::pair<int, int>> parse_trace_axons(const std::vector<std::string>& specs, int n);

// The results file's header for an experiment run on a backend.
struct HeaderInfo {
  Shard shard;
  int traces = 0;                        // waveforms of the first K trials of every point
  std::vector<std::string> trace_axons;  // "i:j"
  std::string command_line;
};
ResultsHeader results_header(const Experiment& exp, const Backend& backend, const HeaderInfo& info);

// One scored batch as results-file rows, every bit field padded to `words` words.
std::vector<TrialRow> rows_of(const ScoredBatch& b, int words);

// The HDF5 results file as a sink: every batch appended and flushed; the waveforms of a point's
// first trials recorded (by shard 0, once) when the point begins.
class ResultsFileSink final : public ResultSink {
 public:
  ResultsFileSink(ResultsWriter& writer, const ResultsHeader& header, Precision precision);
  void begin_point(const ExperimentPoint& point) override;
  void batch(const ExperimentPoint& point, const ScoredBatch& b) override;

 private:
  ResultsWriter& out_;
  const ResultsHeader& header_;
  Precision precision_;
};

}  // namespace spinhop
