#include "spinhop/tasks.hpp"

#include "spinhop/errors.hpp"

namespace spinhop {

PatternMatch best_pattern_match(const std::vector<std::uint64_t>& pattern_words, int patterns,
                                int n, const std::uint64_t* state,
                                const std::uint64_t* undecided) {
  PatternMatch best;
  for (int p = 0; p < patterns; ++p) {
    int same = 0, inverse = 0;
    for (int j = 0; j < n; ++j) {
      if ((undecided[j >> 6] >> (j & 63)) & 1u) continue;
      const bool bit = (state[j >> 6] >> (j & 63)) & 1u;
      const bool target = (pattern_words[static_cast<std::size_t>(j)] >> p) & 1u;
      if (bit == target) {
        ++same;
      } else {
        ++inverse;
      }
    }
    if (same > best.matching_bits) best = PatternMatch{same, p, false};
    if (inverse > best.matching_bits) best = PatternMatch{inverse, p, true};
  }
  return best;
}

RecallTask::RecallTask(int neurons, int patterns) : n_(neurons), p_(patterns) {
  if (neurons < 2) throw ParameterError("invalid --neurons = " + std::to_string(neurons) + ": must be >= 2");
  if (neurons > 4096) throw ParameterError("invalid --neurons = " + std::to_string(neurons) + ": must be <= 4096");
  if (patterns < 1 || patterns > kMaxPatterns)
    throw ParameterError("invalid --patterns = " + std::to_string(patterns) + ": must be in [1, " +
                         std::to_string(kMaxPatterns) + "]");
}

TaskSpec RecallTask::spec(const ModelParams& m) const {
  TaskSpec t;
  t.kind = TaskKind::Recall;
  t.n = n_;
  t.patterns = p_;
  t.w = m.w;
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

}  // namespace spinhop
