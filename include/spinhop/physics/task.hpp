// What a trial computes (model.md section 4): the synapse voltages W_ij, the input loaded into the
// somas, and the patterns the answer is scored against. Every quantity is a pure function of the
// task, the trial's key and the neuron or device index, evaluated where the trial runs.
#pragma once

#include "spinhop/physics/rng.hpp"

namespace spinhop {

enum class TaskKind : int { Recall = 0, Images = 1, MaxCut = 2 };

constexpr int kMaxPatterns = 64;  // stored patterns / images per network (one bit each in a word)

// The task as plain data the kernels can read (pointers into host or device memory).
struct TaskSpec {
  TaskKind kind = TaskKind::Recall;
  int n = 0;             // neurons
  int patterns = 1;      // recall: stored random patterns; images: number of images
  double w = 0.1;        // synaptic weight magnitude W [V]
  // images
  const std::uint64_t* image_words = nullptr;  // [n]: bit k = pixel of image k
  int flips = 0;                               // pixels flipped per trial, round(d * n)
  // explicit inputs (any kind): trial `local` loads row local % input_count, (n+63)/64 words each,
  // instead of its random / distorted / all-OFF input
  const std::uint64_t* input_words = nullptr;
  int input_count = 0;
  // max-cut
  const double* graph_weights = nullptr;  // [graphs][n*n]: nominal W_ij per graph, 0 on diagonal
  int graphs = 0;
};

// Where trial `local` (its index inside its sweep point) sits in the task's round-robin.
SPINHOP_HD int image_of_trial(const TaskSpec& t, std::uint64_t local) {
  return static_cast<int>(local % static_cast<std::uint64_t>(t.patterns));
}
SPINHOP_HD int graph_of_trial(const TaskSpec& t, std::uint64_t local) {
  return static_cast<int>(local % static_cast<std::uint64_t>(t.graphs));
}

// Neuron j's bits of the stored patterns (bit p = pattern p); 0 for max-cut.
SPINHOP_HD std::uint64_t pattern_word(const TaskSpec& t, const TrialKey& key, int j) {
  if (t.kind == TaskKind::Recall) {
    std::uint64_t word = 0;
    for (int p = 0; p < t.patterns; ++p) {
      if (random_bit(key, Stream::Pattern, static_cast<std::uint32_t>(p), j)) {
        word |= (std::uint64_t{1} << p);
      }
    }
    return word;
  }
  if (t.kind == TaskKind::Images) return t.image_words[j];
  return 0;
}

// Rank key of pixel j for the distortion draw: the `flips` pixels with the smallest keys flip.
SPINHOP_HD std::uint32_t distortion_key(const TrialKey& key, int j) {
  const Philox4 r = draw_block(key, Stream::Distortion, static_cast<std::uint32_t>(j >> 2), 0);
  return r.v[j & 3];
}

// Whether pixel j is among the `flips` smallest keys (ties broken by index): exactly `flips`
// distinct pixels flip.
SPINHOP_HD bool pixel_flipped(const std::uint32_t* keys, int n, int flips, int j) {
  int rank = 0;
  const std::uint32_t kj = keys[j];
  for (int m = 0; m < n; ++m) {
    rank += (keys[m] < kj || (keys[m] == kj && m < j)) ? 1 : 0;
  }
  return rank < flips;
}

// The bit loaded into neuron j (1: +V_C, 0: -V_C). `flipped` only matters for images.
SPINHOP_HD bool input_bit(const TaskSpec& t, const TrialKey& key, std::uint64_t local, int j,
                          bool flipped) {
  if (t.input_words != nullptr) {
    const std::uint64_t row = local % static_cast<std::uint64_t>(t.input_count);
    const std::uint64_t words = static_cast<std::uint64_t>((t.n + 63) / 64);
    return ((t.input_words[row * words + static_cast<std::uint64_t>(j >> 6)] >> (j & 63)) & 1u) != 0;
  }
  if (t.kind == TaskKind::Recall) return random_bit(key, Stream::Input, 0, j);
  if (t.kind == TaskKind::Images) {
    const bool pixel = ((t.image_words[j] >> image_of_trial(t, local)) & 1u) != 0;
    return pixel != flipped;
  }
  return false;  // max-cut: every soma starts OFF
}

// Hebbian weight, eq. 3 summed over patterns: W * sum_p (2S_i-1)(2S_j-1) = W (P - 2 |S_i ^ S_j|).
SPINHOP_HD int hebbian_count(std::uint64_t word_i, std::uint64_t word_j, int patterns) {
  const std::uint64_t mask =
      patterns >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << patterns) - 1);
  std::uint64_t diff = (word_i ^ word_j) & mask;
  int ones = 0;
  while (diff != 0) {
    diff &= diff - 1;
    ++ones;
  }
  return patterns - 2 * ones;
}

// Nominal synapse voltage onto dendrite j from neuron i (0 when i == j) [V].
SPINHOP_HD double nominal_weight(const TaskSpec& t, std::uint64_t local, int i, int j,
                                 std::uint64_t word_i, std::uint64_t word_j) {
  if (i == j) return 0.0;
  if (t.kind == TaskKind::MaxCut) {
    const int g = graph_of_trial(t, local);
    return t.graph_weights[static_cast<std::size_t>(g) * t.n * t.n +
                           static_cast<std::size_t>(i) * t.n + j];
  }
  return t.w * static_cast<double>(hebbian_count(word_i, word_j, t.patterns));
}

}  // namespace spinhop
