// Running the trials of one sweep point through a backend, batch by batch, and summarising them.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "spinhop/backend.hpp"
#include "spinhop/energy_model.hpp"
#include "spinhop/hopfield.hpp"
#include "spinhop/summary.hpp"
#include "spinhop/tasks.hpp"

namespace spinhop {

// The plain-data description of a point from the host-side parameters.
PointSpec make_point_spec(const ModelParams& m, const VariationSigmas& sigma, const TaskSpec& task,
                          std::uint64_t seed, std::uint64_t trial_base,
                          bool force_per_device = false);

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

}  // namespace spinhop
