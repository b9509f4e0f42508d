// Random-pattern recall (Fig. 5): P random patterns stored by Hebbian weights, a random input;
// success when the read-out is a stored pattern or its inverse.
#include <cmath>

#include "spinhop/errors.hpp"
#include "spinhop/physics/outcome.hpp"
#include "spinhop/experiment.hpp"
#include "spinhop/ising_file.hpp"
#include "spinhop/tasks.hpp"
#include "tasks/task_common.hpp"

namespace spinhop {

RecallTask::RecallTask(int neurons, int patterns) : n_(neurons), p_(patterns) {
  check_neurons(neurons, "--neurons");
  if (patterns < 1 || patterns > kMaxPatterns)
    throw ParameterError("invalid --patterns = " + std::to_string(patterns) + ": must be in [1, " +
                         std::to_string(kMaxPatterns) + "]");
}

RecallTask::RecallTask(std::vector<std::vector<std::uint8_t>> patterns,
                       std::vector<std::vector<std::uint8_t>> inputs, std::vector<double> weights)
    : n_(patterns.empty() ? 0 : static_cast<int>(patterns.front().size())),
      p_(static_cast<int>(patterns.size())),
      weights_(std::move(weights)) {
  if (patterns.empty()) throw ParameterError("recall: no patterns given");
  check_neurons(n_, "pattern length");
  if (p_ > kMaxPatterns) {
    throw ParameterError(std::to_string(p_) + " patterns: at most " + std::to_string(kMaxPatterns));
  }
  pattern_words_.assign(static_cast<std::size_t>(n_), 0);
  for (int p = 0; p < p_; ++p) {
    for (int j = 0; j < n_; ++j) {
      if (patterns[static_cast<std::size_t>(p)][static_cast<std::size_t>(j)]) {
        pattern_words_[static_cast<std::size_t>(j)] |= std::uint64_t{1} << p;
      }
    }
  }
  const std::size_t words = static_cast<std::size_t>((n_ + 63) / 64);
  for (const auto& row : inputs) {
    if (static_cast<int>(row.size()) != n_) {
      throw InputError("an input of " + std::to_string(row.size()) + " bits for " + std::to_string(n_) + "-bit patterns");
    }
    input_rows_.resize(input_rows_.size() + words, 0);
    std::uint64_t* w = input_rows_.data() + input_rows_.size() - words;
    for (int j = 0; j < n_; ++j) {
      if (row[static_cast<std::size_t>(j)]) w[j >> 6] |= std::uint64_t{1} << (j & 63);
    }
  }
  input_count_ = static_cast<int>(inputs.size());
  if (!weights_.empty() && weights_.size() != static_cast<std::size_t>(n_) * n_) {
    throw InputError("a synapse matrix of " + std::to_string(weights_.size()) + " entries for " +
                     std::to_string(n_) + " neurons");
  }
}

TaskSpec RecallTask::spec(const ModelParams& m) const {
  TaskSpec t;
  t.n = n_;
  t.w = m.w;
  t.patterns = p_;
  if (!weights_.empty()) {
    t.weights = WeightSource::Matrix;
    t.matrices = weights_.data();
    t.pattern_words = pattern_words_.data();
  } else if (!pattern_words_.empty()) {
    t.weights = WeightSource::HebbianStored;
    t.pattern_words = pattern_words_.data();
  } else {
    t.weights = WeightSource::HebbianRandom;
  }
  if (input_count_ > 0) {
    t.inputs = InputSource::Rows;
    t.input_words = input_rows_.data();
    t.input_count = input_count_;
  } else {
    t.inputs = InputSource::RandomBits;
  }
  return t;
}

TrialScore RecallTask::score(const PointSpec& spec, std::uint64_t local,
                             const std::uint64_t* state, const std::uint64_t* undecided) const {
  const TrialKey key = spec.key_of(local);
  std::vector<std::uint64_t> words(static_cast<std::size_t>(n_));
  for (int j = 0; j < n_; ++j) {
    words[static_cast<std::size_t>(j)] =
        pattern_words_.empty() ? pattern_word(spec.task, key, j) : pattern_words_[static_cast<std::size_t>(j)];
  }
  const PatternMatch m = best_pattern_match(words, p_, n_, state, undecided);
  TrialScore s;
  s.bit_accuracy = static_cast<double>(m.matching_bits) / n_;
  s.success = m.matching_bits == n_ ? 1 : 0;
  s.target = m.pattern;
  return s;
}

namespace {

std::shared_ptr<const Task> build_recall(const ExperimentConfig& c, InputFiles&) {
  if (c.patterns_file.empty()) {
    if (!c.inputs_file.empty() || !c.weights_file.empty()) {
      throw ParameterError("--inputs-file and --weights go with --patterns-file (the patterns a read-out is scored against)");
    }
    return std::make_shared<RecallTask>(c.neurons, c.patterns);
  }
  int n = 0;
  auto patterns = read_bit_rows(c.patterns_file, "pattern", kMaxPatterns, &n);
  // the file decides N and P; an explicit different --neurons / --patterns is a contradiction
  if (c.neurons != ExperimentConfig{}.neurons && c.neurons != n) {
    throw ParameterError("--neurons " + std::to_string(c.neurons) + " contradicts the " + std::to_string(n) +
                         "-bit patterns of " + c.patterns_file);
  }
  if (c.patterns != ExperimentConfig{}.patterns && c.patterns != static_cast<int>(patterns.size())) {
    throw ParameterError("--patterns " + std::to_string(c.patterns) + " contradicts the " +
                         std::to_string(patterns.size()) + " patterns of " + c.patterns_file);
  }
  std::vector<std::vector<std::uint8_t>> inputs;
  if (!c.inputs_file.empty()) {
    int ni = 0;
    inputs = read_bit_rows(c.inputs_file, "input", std::size_t{1} << 24, &ni);
    if (ni != n) {
      throw InputError(c.inputs_file + ": " + std::to_string(ni) + "-bit inputs for the " + std::to_string(n) +
                       "-bit patterns of " + c.patterns_file);
    }
  }
  std::vector<double> weights;
  if (!c.weights_file.empty()) {
    int nw = 0;
    weights = read_square_matrix(c.weights_file, &nw);
    if (nw != n) {
      throw InputError(c.weights_file + ": a " + std::to_string(nw) + " x " + std::to_string(nw) +
                       " synapse matrix for " + std::to_string(n) + " neurons");
    }
    for (double v : weights) {
      if (std::fabs(v) > 10.0) {
        throw InputError(c.weights_file + ": a synapse voltage of " + std::to_string(v) + " V (at most 10 V)");
      }
    }
  }
  return std::make_shared<RecallTask>(std::move(patterns), std::move(inputs), std::move(weights));
}

}  // namespace

const TaskKindInfo& recall_task_kind() {
  static const TaskKindInfo info{
      "recall", "random-pattern recall: P random patterns stored, random inputs (Fig. 5)",
      build_recall};
  return info;
}

}  // namespace spinhop
