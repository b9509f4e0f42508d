// The time line of one trial (model.md section 3) as small rules on plain data: what to do given
// the fastest moving wall, how long the next step is, how the clock advances through the phases,
// where the time to solution lies inside the last step, and the thermal kicks of a step. The
// driver (driver.hpp) applies them; every backend runs that one driver.
#pragma once

#include "spinhop/physics/device.hpp"
#include "spinhop/physics/rng.hpp"

namespace spinhop {

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

}  // namespace spinhop
