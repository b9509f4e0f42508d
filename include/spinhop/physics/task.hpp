// What a trial loads into the network (model.md section 4), as plain data the kernels can read:
// where the synapse voltages W_ij come from, where the input loaded into the somas comes from,
// and which group (image, graph) a trial belongs to. Every quantity is a pure function of the
// task, the trial's key and the neuron or device index, evaluated where the trial runs. What an
// answer means (scoring) is host-side (include/spinhop/tasks.hpp).
#pragma once

#include "spinhop/physics/rng.hpp"

namespace spinhop {

constexpr int kMaxPatterns = 64;  // stored patterns per network (one bit each in a word)

// The source of the synapse voltages.
enum class WeightSource : int {
  HebbianRandom = 0,  // eq. 3 over `patterns` random patterns drawn per trial
  HebbianStored = 1,  // eq. 3 over the stored pattern words (images, user patterns)
  Matrix = 2,         // explicit nominal W_ij per group (graph mappings, user weights)
};

// The source of the bits loaded into the somas (1: +V_C, 0: -V_C).
enum class InputSource : int {
  RandomBits = 0,       // one random bit per neuron and trial
  StoredDistorted = 1,  // the group's stored pattern with exactly `flips` pixels flipped
  AllOff = 2,           // every soma loaded OFF
  Rows = 3,             // explicit rows, trial `local` loads row local % input_count
};

struct TaskSpec {
  int n = 0;          // neurons
  double w = 0.1;     // synaptic weight magnitude W [V] (Hebbian sources)
  int groups = 1;     // trial `local` belongs to group local % groups (an image, a graph)
  WeightSource weights = WeightSource::HebbianRandom;
  int patterns = 1;   // Hebbian: patterns stored
  const std::uint64_t* pattern_words = nullptr;  // HebbianStored: [n], bit k = pattern k
  const double* matrices = nullptr;              // Matrix: [groups][n*n] nominal W_ij [V]
  InputSource inputs = InputSource::RandomBits;
  int flips = 0;                                 // StoredDistorted: pixels flipped per trial
  const std::uint64_t* input_words = nullptr;    // Rows: [input_count][(n+63)/64]
  int input_count = 0;
  int bias_from = -1;  // neurons j >= bias_from are loaded ON whatever the input source (the
                       // Ising mapping's bias neurons); -1: none
};

SPINHOP_HD int group_of_trial(const TaskSpec& t, std::uint64_t local) {
  return static_cast<int>(local % static_cast<std::uint64_t>(t.groups));
}

// Neuron j's bits of the stored patterns (bit p = pattern p); 0 without Hebbian weights.
SPINHOP_HD std::uint64_t pattern_word(const TaskSpec& t, const TrialKey& key, int j) {
  if (t.weights == WeightSource::HebbianRandom) {
    std::uint64_t word = 0;
    for (int p = 0; p < t.patterns; ++p) {
      if (random_bit(key, Stream::Pattern, static_cast<std::uint32_t>(p), j)) {
        word |= (std::uint64_t{1} << p);
      }
    }
    return word;
  }
  if (t.weights == WeightSource::HebbianStored) return t.pattern_words[j];
  return 0;
}

SPINHOP_HD bool uses_distortion(const TaskSpec& t) { return t.inputs == InputSource::StoredDistorted; }

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

// The bit loaded into neuron j. `flipped` only matters for distorted inputs.
SPINHOP_HD bool input_bit(const TaskSpec& t, const TrialKey& key, std::uint64_t local, int j,
                          bool flipped) {
  if (t.bias_from >= 0 && j >= t.bias_from) return true;
  switch (t.inputs) {
    case InputSource::Rows: {
      const std::uint64_t row = local % static_cast<std::uint64_t>(t.input_count);
      const std::uint64_t words = static_cast<std::uint64_t>((t.n + 63) / 64);
      return ((t.input_words[row * words + static_cast<std::uint64_t>(j >> 6)] >> (j & 63)) & 1u) != 0;
    }
    case InputSource::RandomBits:
      return random_bit(key, Stream::Input, 0, j);
    case InputSource::StoredDistorted: {
      const bool pixel = ((t.pattern_words[j] >> group_of_trial(t, local)) & 1u) != 0;
      return pixel != flipped;
    }
    default:
      return false;  // AllOff
  }
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
  if (t.weights == WeightSource::Matrix) {
    const int g = group_of_trial(t, local);
    return t.matrices[static_cast<std::size_t>(g) * t.n * t.n + static_cast<std::size_t>(i) * t.n + j];
  }
  return t.w * static_cast<double>(hebbian_count(word_i, word_j, t.patterns));
}

}  // namespace spinhop
