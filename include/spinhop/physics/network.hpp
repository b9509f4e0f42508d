// One network as the integrator sees it, and the parts of a step that both backends share: the
// per-device update, the per-neuron node solve, the step-size rule and the trial time line
// (model.md section 3). The CPU backend vectorises over the rows j of a column; the CUDA kernel
// gives each row to a thread; both call these functions in the same order.
#pragma once

#include "spinhop/physics/circuit.hpp"
#include "spinhop/physics/device.hpp"
#include "spinhop/physics/rng.hpp"

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
  // Per-device parameters, [n*n] each; all nullptr for a nominal network (no variation).
  const Real* g_ap = nullptr;
  const Real* dg = nullptr;
  const Real* x_lo = nullptr;
  const Real* inv_w = nullptr;
  const Real* len = nullptr;
  const Real* kg = nullptr;
  const Real* leak = nullptr;
  const Real* v_pin = nullptr;
  DeviceParams<Real> soma_nominal{};
  DeviceParams<Real> axon_nominal{};

  SPINHOP_HD bool varied() const { return g_ap != nullptr; }
};

// Parameters of device d (= i*n + j); is_soma when i == j.
template <class Real>
SPINHOP_HD DeviceParams<Real> device_at(const NetworkView<Real>& net, int d, bool is_soma) {
  if (net.g_ap != nullptr) {
    return DeviceParams<Real>{net.g_ap[d], net.dg[d],  net.x_lo[d], net.inv_w[d],
                              net.len[d],  net.kg[d], net.leak[d], net.v_pin[d]};
  }
  return is_soma ? net.soma_nominal : net.axon_nominal;
}

// Constants of the time line and the step-size rule, for one trial.
struct IntegratorConsts {
  double dx_max;   // largest wall displacement per step [m]
  double dt_max;   // largest step [s]
  double v_tol;    // slower walls count as stationary [m/s]
  double t_load;   // input switch-off time (fixed mode) [s]
  double t_max;    // give-up time [s]
  int stationary_load;  // 1: switch the inputs off once no wall moves
  double diffusion;     // thermal diffusion constant of a wall, 0 = no noise [m^2/s]
  double i_depin;       // depinning current, 0 = none [A]

  // Whether the step needs the depinning test or thermal kicks (the fast path has neither).
  SPINHOP_HD bool extras() const { return diffusion > 0.0 || i_depin > 0.0; }
};

enum Phase : int { kLoading = 0, kRelaxing = 1 };

// Where a trial is on its time line.
struct TimeLine {
  double t = 0.0;        // time since loading started [s]
  double dt_prev = 0.0;  // length of the last step [s]
  double t_switch = 0.0; // when the inputs were switched off [s]
  long long steps = 0;
  int phase = kLoading;
  int prev_step_relaxing = 0;  // the last step was taken with the inputs off
};

enum class StepDecision : int { Advance, SwitchOff, Converged, TimedOut };

// What to do given the fastest moving wall (0 when none moves).
SPINHOP_HD StepDecision decide_step(const IntegratorConsts& c, const TimeLine& tl, double vmax) {
  if (vmax == 0.0) {
    if (tl.phase == kRelaxing) return StepDecision::Converged;
    if (c.stationary_load) return StepDecision::SwitchOff;
  }
  if (tl.t >= c.t_max) return StepDecision::TimedOut;
  return StepDecision::Advance;
}

// Step length: bounded by the displacement limit, dt_max, and the next phase boundary.
SPINHOP_HD double step_length(const IntegratorConsts& c, const TimeLine& tl, double vmax) {
  double dt = c.dt_max;
  if (vmax > 0.0) dt = hd::min_(dt, c.dx_max / vmax);
  // with noise, the rms thermal kick sqrt(2 D dt) is bounded by dx_max too
  if (c.diffusion > 0.0) dt = hd::min_(dt, c.dx_max * c.dx_max / (2.0 * c.diffusion));
  const double t_end = (tl.phase == kLoading && !c.stationary_load) ? c.t_load : c.t_max;
  return hd::min_(dt, t_end - tl.t);
}

// Advance the clock by dt; lands exactly on a phase boundary when the step was cut to reach it.
SPINHOP_HD void finish_step(const IntegratorConsts& c, TimeLine& tl, double dt) {
  const bool loading_fixed = tl.phase == kLoading && !c.stationary_load;
  const double t_end = loading_fixed ? c.t_load : c.t_max;
  const bool reaches_end = dt >= t_end - tl.t;
  tl.prev_step_relaxing = tl.phase == kRelaxing ? 1 : 0;
  tl.t = reaches_end ? t_end : tl.t + dt;
  tl.dt_prev = dt;
  tl.steps += 1;
  if (loading_fixed && reaches_end) {
    tl.phase = kRelaxing;
    tl.t_switch = tl.t;
  }
}

SPINHOP_HD void switch_off_inputs(TimeLine& tl) {
  tl.phase = kRelaxing;
  tl.t_switch = tl.t;
}

// Time to solution once nothing moves: the end of the last wall's motion in the last step, or the
// switch-off time if the network was already still when the inputs went off. [s]
SPINHOP_HD double solution_time(const TimeLine& tl, double last_motion_in_step) {
  if (!tl.prev_step_relaxing) return tl.t;
  return (tl.t - tl.dt_prev) + last_motion_in_step;
}

// The rms thermal kick of one step, sqrt(2 D dt) [m].
SPINHOP_HD double thermal_kick_scale(const IntegratorConsts& c, double dt) {
  return hd::sqrt_(2.0 * c.diffusion * dt);
}

// The standard normal of device d's kick in step `step` (two steps share one Philox block).
SPINHOP_HD double thermal_normal(const TrialKey& key, int d, long long step) {
  double z0, z1;
  normal_pair(draw_block(key, Stream::ThermalNoise, static_cast<std::uint32_t>(d),
                         static_cast<std::uint32_t>(step >> 1)),
              &z0, &z1);
  return (step & 1) ? z1 : z0;
}

// Device d's displacement from thermal noise in one step: 0 unless the wall is free. [m]
template <class Real>
SPINHOP_HD Real thermal_kick(const DeviceParams<Real>& p, Real x, Real v_track, Real v,
                             const TrialKey& key, int d, long long step, double scale) {
  if (scale == 0.0 || !wall_free(p, x, v_track, v)) return Real(0);
  return static_cast<Real>(scale * thermal_normal(key, d, step));
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
