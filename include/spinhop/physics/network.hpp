// One network as the integrator sees it: its storage (NetworkView), the parameters of a device and
// the per-neuron node solve. The time line that drives it is in timeline.hpp and driver.hpp.
#pragma once

#include "spinhop/physics/circuit.hpp"
#include "spinhop/physics/device.hpp"

namespace spinhop {

// Pointers into one network's storage (host memory on the CPU, device memory on the GPU).
template <class Real>
struct NetworkView {
  int n = 0;               // neurons; the network has n*n devices
  const Real* w = nullptr;     // [n*n] synapse source W_ij onto dendrite j from neuron i; 0 at (j,j) [V]
  const Real* v_dw = nullptr;  // [n] soma-to-axon source of neuron i [V]
  const Real* v_in = nullptr;  // [n] input source on dendrite j while loading, +-V_C [V]
  const Real* g_bus = nullptr; // [n] sum over neuron i's axon tracks of 1/R_M [S]
  const Real* g_soma_track = nullptr;  // [n] 1/R_M of soma j's track [S]
  // Per-device parameters, [n*n] each; empty for a nominal network (no variation).
  DeviceArrays<const Real> params{};
  // The nominal parameter sets of a soma and of an axon (used when `params` is empty).
  DeviceParams<Real> soma_nominal{};
  DeviceParams<Real> axon_nominal{};

  SPINHOP_HD bool varied() const { return !params.empty(); }
};

// Parameters of device d (= i*n + j); is_soma when i == j.
template <class Real>
SPINHOP_HD DeviceParams<Real> device_at(const NetworkView<Real>& net, int d, bool is_soma) {
  if (!net.params.empty()) return net.params.load(d);
  return is_soma ? net.soma_nominal : net.axon_nominal;
}

// Velocity as the step sees it: plain, or with the depinning threshold (Extras).
template <class Real, bool Extras>
SPINHOP_HD Real step_velocity(const DeviceParams<Real>& p, Real v_track) {
  if constexpr (Extras) return wall_velocity_pinned(p, v_track);
  return wall_velocity(p, v_track);
}

// Parameters of device d, the nominal/varied choice made at compile time.
template <bool Varied, class Real>
SPINHOP_HD DeviceParams<Real> params_at(const NetworkView<Real>& v, int d, bool is_soma) {
  if constexpr (Varied) return v.params.load(d);
  return is_soma ? v.soma_nominal : v.axon_nominal;
}

// Solve neuron j's two nodes from its dendrite row sums and its soma conductance; returns the
// power of its sources. v_soma_drive is the voltage across the soma track (= the dendrite).
template <class Real>
SPINHOP_HD double neuron_nodes(const NetworkView<Real>& net, int j, const DendriteSums<Real>& s,
                               Real g_soma_mtj, bool loading, Real* v_bus_out,
                               Real* v_dendrite_out) {
  const Real v_bus = axon_bus_voltage(g_soma_mtj, net.v_dw[j], net.g_bus[j]);
  const Real v_dend = loading ? net.v_in[j] : dendrite_voltage(s, net.g_soma_track[j]);
  *v_bus_out = v_bus;
  *v_dendrite_out = v_dend;
  return neuron_source_power(s, v_dend, loading, net.g_soma_track[j], g_soma_mtj, net.v_dw[j],
                             v_bus);
}

}  // namespace spinhop
