// Random-pattern recall (Fig. 5): P random patterns stored by Hebbian weights, a random input;
// success when the read-out is a stored pattern or its inverse.
#include <cmath>

#include "spinhop/errors.hpp"
#include "spinhop/physics/outcome.hpp"
#include "spinhop/experiment.hpp"
#include "spinhop/tasks.hpp"
#include "tasks/task_common.hpp"

namespace spinhop {

RecallTask::RecallTask(int neurons, int patterns) : n_(neurons), p_(patterns) {
  check_neurons(neurons, "--neurons");
  if (patterns < 1 || patterns > kMaxPatterns)
    throw ParameterError("invalid --patterns = " + std::to_string(patterns) + ": must be in [1, " +
                         std::to_string(kMaxPatterns) + "]");
}

TaskSpec RecallTask::spec(const ModelParams& m) const {
  TaskSpec t;
  t.n = n_;
  t.w = m.w;
  t.weights = WeightSource::HebbianRandom;
  t.patterns = p_;
  t.inputs = InputSource::RandomBits;
  return t;
}

TrialScore RecallTask::score(const PointSpec& spec, std::uint64_t local,
                             const std::uint64_t* state, const std::uint64_t* undecided) const {
  const TrialKey key = spec.key_of(local);
  std::vector<std::uint64_t> words(static_cast<std::size_t>(n_));
  for (int j = 0; j < n_; ++j) words[static_cast<std::size_t>(j)] = pattern_word(spec.task, key, j);
  const PatternMatch m = best_pattern_match(words, p_, n_, state, undecided);
  TrialScore s;
  s.bit_accuracy = static_cast<double>(m.matching_bits) / n_;
  s.success = m.matching_bits == n_ ? 1 : 0;
  s.target = m.pattern;
  return s;
}

const TaskKindInfo& recall_task_kind() {
  static const TaskKindInfo info{
      "recall", "random-pattern recall: P random patterns stored, random inputs (Fig. 5)",
      [](const ExperimentConfig& c, InputFiles&) -> std::shared_ptr<const Task> {
        return std::make_shared<RecallTask>(c.neurons, c.patterns);
      }};
  return info;
}

}  // namespace spinhop
