// Building one trial's network (model.md sections 4 and 6): synapse voltages, inputs, sources and,
// with variation, every device's own parameters. Per-neuron and per-device functions, so the CPU
// loops over them and the CUDA kernel gives them to threads; both produce the same bits.
#pragma once

#include "spinhop/physics/network.hpp"
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
  return s.v_dw * source_factor(key, kSourceVdw, static_cast<std::uint32_t>(j), s.sigma.v_dw);
}

// Neuron j's input source while loading, +V_C for bit 1 and -V_C for bit 0 [V].
SPINHOP_HD double neuron_v_in(const PointSpec& s, const TrialKey& key, int j, bool bit) {
  const double mag =
      s.v_c * source_factor(key, kSourceVc, static_cast<std::uint32_t>(j), s.sigma.v_c);
  return bit ? mag : -mag;
}

// Synapse source onto dendrite j from neuron i, with its voltage error [V].
SPINHOP_HD double device_w(const PointSpec& s, const TrialKey& key, std::uint64_t local, int i,
                           int j, std::uint64_t word_i, std::uint64_t word_j) {
  const double w0 = nominal_weight(s.task, local, i, j, word_i, word_j);
  if (w0 == 0.0) return 0.0;
  const std::uint32_t d = static_cast<std::uint32_t>(i * s.task.n + j);
  return w0 * source_factor(key, kSourceW, d, s.sigma.w);
}

// Physical parameters of device (i, j) (the soma when i == j).
SPINHOP_HD PhysicalDevice device_physical(const PointSpec& s, const TrialKey& key, int i, int j) {
  const PhysicalDevice& nom = (i == j) ? s.soma : s.axon;
  if (!s.sigma.devices_varied()) return nom;
  return vary_device(nom, s.sigma, key, static_cast<std::uint32_t>(i * s.task.n + j));
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
