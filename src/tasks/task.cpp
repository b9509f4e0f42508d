// What every task shares: matching a read-out against patterns, the files tasks read (each once),
// a trial's circuit rebuilt on the host, and the checks on network sizes.
#include <cmath>

#include "spinhop/errors.hpp"
#include "spinhop/physics/outcome.hpp"
#include "spinhop/tasks.hpp"
#include "tasks/task_common.hpp"

namespace spinhop {

void check_neurons(int n, const std::string& what) {
  if (n < 2 || n > 4096) {
    throw ParameterError("invalid " + what + ": " + std::to_string(n) +
                         " neurons; the network needs between 2 and 4096");
  }
}

const Image& InputFiles::image(const std::string& path) {
  auto it = images_.find(path);
  if (it == images_.end()) it = images_.emplace(path, read_pbm(path)).first;
  return it->second;
}

const Graph& InputFiles::graph(const std::string& path) {
  auto it = graphs_.find(path);
  if (it == graphs_.end()) it = graphs_.emplace(path, read_rudy(path)).first;
  return it->second;
}

PatternMatch best_pattern_match(const std::vector<std::uint64_t>& pattern_words, int patterns,
                                int n, const std::uint64_t* state, const std::uint64_t* undecided,
                                int only_pattern) {
  PatternMatch best;
  for (int p = 0; p < patterns; ++p) {
    if (only_pattern >= 0 && p != only_pattern) continue;
    int same = 0, inverse = 0;
    for (int j = 0; j < n; ++j) {
      if (test_bit(undecided, j)) continue;
      const bool target = (pattern_words[static_cast<std::size_t>(j)] >> p) & 1u;
      if (test_bit(state, j) == target) {
        ++same;
      } else {
        ++inverse;
      }
    }
    if (best.pattern < 0 || same > best.matching_bits) best = PatternMatch{same, p, false};
    if (inverse > best.matching_bits) best = PatternMatch{inverse, p, true};
  }
  return best;
}

IdealNetwork Task::ideal_network(const TrialCircuit& c, const PointSpec& spec, std::uint64_t) const {
  IdealNetwork ideal;
  ideal.n = spec.task.n;
  ideal.w = c.w;
  ideal.input = c.input;
  return ideal;
}

TrialCircuit rebuild_circuit(const PointSpec& spec, std::uint64_t local, bool with_devices) {
  const int n = spec.task.n;
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  const TrialKey key = spec.key_of(local);
  std::vector<std::uint64_t> words(static_cast<std::size_t>(n));
  std::vector<std::uint32_t> keys(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    const NeuronSeed seed = neuron_seed(spec, key, j);
    words[static_cast<std::size_t>(j)] = seed.word;
    keys[static_cast<std::size_t>(j)] = seed.key;
  }
  TrialCircuit c;
  c.input.resize(static_cast<std::size_t>(n));
  c.v_in.resize(static_cast<std::size_t>(n));
  c.v_dw.resize(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    const NeuronSources src = neuron_sources(spec, key, local, j, keys.data());
    c.input[static_cast<std::size_t>(j)] = src.input ? 1 : 0;
    c.v_in[static_cast<std::size_t>(j)] = src.v_in;
    c.v_dw[static_cast<std::size_t>(j)] = src.v_dw;
  }
  c.w.resize(nn);
  if (with_devices) c.devices.resize(nn);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const std::size_t d = static_cast<std::size_t>(i) * n + j;
      if (with_devices) {
        const DeviceSetup ds = device_setup(spec, key, local, i, j, words.data());
        c.w[d] = ds.w;
        c.devices[d] = ds.phys;
      } else {
        c.w[d] = device_w(spec, key, local, i, j, words[static_cast<std::size_t>(i)],
                          words[static_cast<std::size_t>(j)]);  // the part of device_setup() needed
      }
    }
  }
  return c;
}

}  // namespace spinhop
