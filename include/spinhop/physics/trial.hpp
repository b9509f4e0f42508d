// Building one trial's network (model.md sections 4 and 6): synapse voltages, inputs, sources and,
// with variation, every device's own parameters. The build is three per-element phases, called
// by every place that builds a trial (the CPU network, the CUDA kernels, the host-side Hopfield
// baseline, the SPICE export, the GPU setup check), so all produce the same bits:
//   1. per neuron j: neuron_seed()    its pattern word and (distorted inputs) its rank key;
//   2. per neuron j: neuron_sources() its input bit and sources (needs every neuron's key);
//   3. per device (i, j): device_setup() its synapse voltage and physical parameters.
#pragma once

#include "spinhop/physics/network.hpp"
#include "spinhop/physics/timeline.hpp"
#include "spinhop/physics/task.hpp"
#include "spinhop/physics/variation.hpp"

namespace spinhop {

// Everything a backend needs to build and run the trials of one sweep point.
struct PointSpec {
  TaskSpec task;
  PhysicalDevice soma;         // nominal soma
  PhysicalDevice axon;         // nominal axon
  double k_prefactor = 0;      // g muB P / (2 e M_SAT) [m^3/(s A)]
  double v_dw = 0;             // nominal soma-to-axon source [V]
  double v_c = 0;              // nominal input source magnitude [V]
  VariationSigmas sigma;
  IntegratorConsts integ{};
  double read_hi = 0.95;       // read-out thresholds as fractions of the track length
  double read_lo = 0.05;
  std::uint64_t seed = 0;
  std::uint64_t trial_base = 0;  // global index of this point's trial 0
  int per_device = 0;          // 1: per-device parameter arrays (variation on, or forced)

  SPINHOP_HD TrialKey key_of(std::uint64_t local) const {
    return TrialKey{seed, trial_base + local};
  }
};

// Neuron j's soma-to-axon source [V].
SPINHOP_HD double neuron_v_dw(const PointSpec& s, const TrialKey& key, int j) {
  return s.v_dw * source_factor(s.sigma, key, kSourceVdw, static_cast<std::uint32_t>(j));
}

// Neuron j's input source while loading, +V_C for bit 1 and -V_C for bit 0 [V].
SPINHOP_HD double neuron_v_in(const PointSpec& s, const TrialKey& key, int j, bool bit) {
  const double mag =
      s.v_c * source_factor(s.sigma, key, kSourceVc, static_cast<std::uint32_t>(j));
  return bit ? mag : -mag;
}

// Synapse source onto dendrite j from neuron i, with its voltage error [V].
SPINHOP_HD double device_w(const PointSpec& s, const TrialKey& key, std::uint64_t local, int i,
                           int j, std::uint64_t word_i, std::uint64_t word_j) {
  const double w0 = nominal_weight(s.task, local, i, j, word_i, word_j);
  if (w0 == 0.0) return 0.0;
  const std::uint32_t d = static_cast<std::uint32_t>(i * s.task.n + j);
  return w0 * source_factor(s.sigma, key, kSourceW, d);
}

// Physical parameters of device (i, j) (the soma when i == j).
SPINHOP_HD PhysicalDevice device_physical(const PointSpec& s, const TrialKey& key, int i, int j) {
  const PhysicalDevice& nom = (i == j) ? s.soma : s.axon;
  if (!s.sigma.devices_varied()) return nom;
  return vary_device(nom, s.sigma, key, static_cast<std::uint32_t>(i * s.task.n + j));
}


// Whether the trial integrates its nominal network with one axon per neuron (docs/model.md):
// without per-device parameters or thermal noise and pinning, the axons of a neuron are identical
// devices on one bus from one start, so they move in lockstep to the bit.
SPINHOP_HD bool collapsible(const PointSpec& s) { return s.per_device == 0 && !s.integ.extras(); }

// Phase 1, neuron j: its bits of the stored patterns and its distortion rank key (0 unless the
// inputs are distorted).
struct NeuronSeed {
  std::uint64_t word;
  std::uint32_t key;
};
SPINHOP_HD NeuronSeed neuron_seed(const PointSpec& s, const TrialKey& key, int j) {
  return NeuronSeed{pattern_word(s.task, key, j),
                    uses_distortion(s.task) ? distortion_key(key, j) : 0u};
}

// Phase 2, neuron j: the bit it loads and its two sources. keys: every neuron's rank key.
struct NeuronSources {
  bool input;   // 1: +V_C, 0: -V_C
  double v_in;  // input source while loading [V]
  double v_dw;  // soma-to-axon source [V]
};
SPINHOP_HD NeuronSources neuron_sources(const PointSpec& s, const TrialKey& key,
                                        std::uint64_t local, int j, const std::uint32_t* keys) {
  const bool flipped = uses_distortion(s.task) && pixel_flipped(keys, s.task.n, s.task.flips, j);
  const bool bit = input_bit(s.task, key, local, j, flipped);
  return NeuronSources{bit, neuron_v_in(s, key, j, bit), neuron_v_dw(s, key, j)};
}

// Phase 3, device (i, j): the synapse source onto dendrite j from neuron i (0 for the soma) and
// the device's physical parameters. words: every neuron's pattern word.
struct DeviceSetup {
  double w;  // [V]
  PhysicalDevice phys;
};
SPINHOP_HD DeviceSetup device_setup(const PointSpec& s, const TrialKey& key, std::uint64_t local,
                                    int i, int j, const std::uint64_t* words) {
  return DeviceSetup{device_w(s, key, local, i, j, words[i], words[j]), device_physical(s, key, i, j)};
}

// Sum over neuron i's axon tracks of 1/R_M, in the order j = 0..n-1 [S]. g_m(d) gives 1/R_M of
// device d.
template <class GmOf>
SPINHOP_HD double axon_bus_conductance(int n, int i, GmOf g_m) {
  double sum = 0.0;
  for (int j = 0; j < n; ++j) {
    if (j != i) sum = sum + g_m(i * n + j);
  }
  return sum;
}

}  // namespace spinhop
