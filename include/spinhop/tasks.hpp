// Host-side tasks: what a trial's answer means (scoring) and the task data the backends read.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "spinhop/model.hpp"
#include "spinhop/task.hpp"
#include "spinhop/trial_setup.hpp"

namespace spinhop {

// Task-specific scores of one trial. Fields a task does not use stay at their defaults.
struct TrialScore {
  int success = 0;            // read-out equals the target (a stored pattern / the image / -)
  double bit_accuracy = 0;    // fraction of bits equal to the closest target or its inverse [-]
  int target = -1;            // recall: closest stored pattern; images: the distorted image
  double cut = std::numeric_limits<double>::quiet_NaN();  // max-cut: weight of cut edges
  int graph = -1;             // max-cut: graph index
  int hopfield_agrees = -1;   // 1 if the ideal discrete Hopfield network gives the same answer
};

class Task {
 public:
  virtual ~Task() = default;
  virtual TaskKind kind() const = 0;
  virtual std::string name() const = 0;
  virtual int neurons() const = 0;
  // The task as plain data; host pointers stay valid while the Task lives.
  virtual TaskSpec spec(const ModelParams& m) const = 0;
  // Score trial `local` of a point from its final read-out.
  virtual TrialScore score(const PointSpec& spec, std::uint64_t local, const std::uint64_t* state,
                           const std::uint64_t* undecided) const = 0;
};

// Random-pattern recall (Fig. 5): P random patterns stored, a random input.
class RecallTask final : public Task {
 public:
  RecallTask(int neurons, int patterns);
  TaskKind kind() const override { return TaskKind::Recall; }
  std::string name() const override { return "recall"; }
  int neurons() const override { return n_; }
  int patterns() const { return p_; }
  TaskSpec spec(const ModelParams& m) const override;
  TrialScore score(const PointSpec& spec, std::uint64_t local, const std::uint64_t* state,
                   const std::uint64_t* undecided) const override;

 private:
  int n_;
  int p_;
};

// Best match of a read-out against a set of patterns and their inverses: the number of bits equal
// to the closest one (undecided bits never count) and which pattern it was.
struct PatternMatch {
  int matching_bits = 0;
  int pattern = -1;
  bool inverse = false;
};
PatternMatch best_pattern_match(const std::vector<std::uint64_t>& pattern_words, int patterns,
                                int n, const std::uint64_t* state, const std::uint64_t* undecided);

}  // namespace spinhop
