// The network's circuit nodes (model.md section 2). Each node touches only sources, ground and its
// own devices, so its voltage has a closed form; no matrix solve.
//
// Device (i, j) of an N-neuron network is stored at i*N + j ("column-major"): for i != j it is the
// axon of neuron i whose MTJ feeds dendrite j; (j, j) is the soma of neuron j. A dendrite j sums
// over its row (all i), an axon bus i drives its column (all j).
#pragma once

#include "spinhop/physics/hd.hpp"

namespace spinhop {

// Row sums over the synapse MTJs feeding one dendrite, accumulated in column order i = 0..N-1.
template <class Real>
struct DendriteSums {
  Real g;    // sum_i G_ij [S]
  Real gw;   // sum_i G_ij W_ij [A]
  Real gww;  // sum_i G_ij W_ij^2 [W]
};

template <class Real>
SPINHOP_HD void dendrite_accumulate(DendriteSums<Real>& s, Real g, Real w, bool is_soma) {
  const Real gw = g * w;
  s.g = s.g + (is_soma ? Real(0) : g);
  s.gw = s.gw + gw;
  s.gww = hd::fma_(gw, w, s.gww);
}

// Free dendrite: the conductance-weighted mean of the synapse voltages, loaded by the soma track.
// [V]
template <class Real>
SPINHOP_HD Real dendrite_voltage(const DendriteSums<Real>& s, Real g_soma_track) {
  return s.gw / (g_soma_track + s.g);
}

// Axon bus of a neuron: the soma MTJ from V_DW against the neuron's axon tracks in parallel. [V]
template <class Real>
SPINHOP_HD Real axon_bus_voltage(Real g_soma_mtj, Real v_dw, Real g_axon_tracks) {
  return g_soma_mtj * v_dw / (g_soma_mtj + g_axon_tracks);
}

// Power delivered by the sources attached to neuron j's two nodes: its V_DW source, the synapse
// sources feeding its dendrite and, while loading, its input source. Equals the I^2 R dissipated
// in the soma MTJ, the axon tracks, the synapse MTJs and the soma track. [W]
template <class Real>
SPINHOP_HD double neuron_source_power(const DendriteSums<Real>& s, Real v_dendrite, bool loading,
                                      Real g_soma_track, Real g_soma_mtj, Real v_dw, Real v_bus) {
  const double vd = static_cast<double>(v_dendrite);
  const double gw = static_cast<double>(s.gw);
  double p = static_cast<double>(v_dw) * static_cast<double>(g_soma_mtj) *
             (static_cast<double>(v_dw) - static_cast<double>(v_bus));
  p = p + (static_cast<double>(s.gww) - vd * gw);
  if (loading) {
    const double g_total = static_cast<double>(g_soma_track) + static_cast<double>(s.g);
    p = p + vd * (vd * g_total - gw);
  }
  return p;
}

}  // namespace spinhop
