// Running the trials of one sweep point through a backend, batch by batch, and summarising them.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "spinhop/backend.hpp"
#include "spinhop/energy_model.hpp"
#include "spinhop/hopfield.hpp"
#include "spinhop/tasks.hpp"

namespace spinhop {

// The plain-data description of a point from the host-side parameters.
PointSpec make_point_spec(const ModelParams& m, const VariationSigmas& sigma, const TaskSpec& task,
                          std::uint64_t seed, std::uint64_t trial_base,
                          bool force_per_device = false);

// One trial's physics and scores, as written to the results.
struct TrialRecord {
  std::uint64_t point = 0;
  std::uint64_t trial = 0;     // index inside the point
  NetworkOutcome outcome;
  double energy_paper = 0;     // the paper's analytic model at this trial's time to solution [J]
  TrialScore score;
};

// A batch of a point's trials (first, first + stride, ...): outcomes, scores, raw read-out.
struct ScoredBatch {
  std::uint64_t first = 0;
  BatchOutcome outcome;
  std::vector<TrialRecord> records;
  std::vector<std::uint64_t> inputs;  // [trial][outcome.words]: the bits loaded (1 = +V_C)
};

struct RunOptions {
  std::uint64_t trials = 100;   // trials of the point
  // the point's trials this run integrates: first, first + stride, ... below `trials`, of which
  // the first `skip` are already done (a shard of a run, a resumed run)
  std::uint64_t first = 0;
  std::uint64_t stride = 1;
  std::uint64_t skip = 0;
  std::uint64_t batch = 0;  // trials per backend call; 0 = the backend's preference
  Precision precision = Precision::Float;
  bool hopfield = true;     // run the ideal discrete Hopfield baseline on every trial
  HopfieldStates hopfield_states = HopfieldStates::PlusMinus;
  int score_threads = 0;    // host threads scoring trials; 0 = all hardware threads
};

// Runs every trial of the point in batches; on_batch sees each finished batch (for streaming
// output and progress) and may throw to stop.
void run_point(Backend& backend, const Task& task, const ModelParams& model,
               const PointSpec& spec, std::uint64_t point, const RunOptions& opt,
               const std::function<void(const ScoredBatch&)>& on_batch);

// Descriptive statistics of a sample (NaN entries ignored).
struct Stats {
  std::uint64_t count = 0;
  double mean = 0, stddev = 0, min = 0, max = 0, median = 0, q05 = 0, q25 = 0, q75 = 0, q95 = 0;
};
Stats describe(std::vector<double> values);

struct PointSummary {
  std::uint64_t trials = 0;
  std::uint64_t converged = 0;
  double success_rate = 0;          // [-]
  Stats bit_accuracy;               // [-]
  Stats t_solution;                 // converged trials only [s]
  Stats energy_exact;               // converged trials only [J]
  Stats energy_paper;               // converged trials only [J]
  double power_exact = 0;           // total exact energy / total time, converged trials [W]
  double power_paper = 0;           // same for the paper model [W]
  Stats steps;                      // all trials
  double device_updates = 0;        // sum over trials of steps * n^2
  std::uint64_t undecided_trials = 0;
  Stats edp_exact;                  // energy x time to solution, converged trials [J s]
  Stats edp_paper;                  // same with the paper-model energy [J s]
  double hopfield_agreement = std::numeric_limits<double>::quiet_NaN();  // fraction [-]
  double hopfield_success_rate = std::numeric_limits<double>::quiet_NaN();
  Stats cut;                        // max-cut: cut value
  Stats gap;                        // max-cut: 1 - cut / reference [-]
  Stats hopfield_cut;               // max-cut: the ideal network's cut
};
PointSummary summarize(const std::vector<TrialRecord>& records, int n);

}  // namespace spinhop
