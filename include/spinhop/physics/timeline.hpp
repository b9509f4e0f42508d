// The time line of one trial (model.md section 3) as small rules on plain data: what to do given
// the fastest moving wall, how long the next step is, how the clock advances through the phases,
// where the time to solution lies inside the last step, and the thermal kicks of a step. The
// driver (driver.hpp) applies them; every backend runs that one driver.
#pragma once

#include "spinhop/physics/detmath.hpp"
#include "spinhop/physics/device.hpp"
#include "spinhop/physics/rng.hpp"

namespace spinhop {

// The integration schemes: explicit Runge-Kutta methods written as stages over the node
// voltages (a wall's velocity is affine in its node voltage, so a stage's positions need only
// the earlier stages' node voltages, per neuron). Stage 0 is the state at the start of the step
// (first same as last: the previous step's last stage); the last stage is the state at its end.
enum class SchemeId : int {
  Euler = 0,  // forward Euler with the fixed displacement and step limits (the pre-0.2 default)
  Bs3 = 1,    // Bogacki-Shampine 3(2), error-controlled, FSAL: three evaluations per step
};

constexpr int kMaxStages = 4;

struct Scheme {
  int stages = 0;                         // including stage 0
  double a[kMaxStages][kMaxStages] = {};  // a[s][k], k < s: weights of stage k's velocity in stage s
  double c[kMaxStages] = {};              // sum_k a[s][k]
  double b_energy[kMaxStages] = {};       // quadrature weights of the stages' source power
  double e[kMaxStages] = {};              // error weights (3rd- minus 2nd-order solution)
  bool adaptive = false;
  double error_order = 1;                 // the estimate's error per unit step goes as h^order
};

SPINHOP_HD Scheme scheme_of(SchemeId id) {
  Scheme s;
  if (id == SchemeId::Euler) {
    s.stages = 2;
    s.a[1][0] = 1.0;
    s.c[1] = 1.0;
    s.b_energy[0] = 1.0;  // the left sum, first order like the positions
    return s;
  }
  // Bogacki & Shampine, Appl. Math. Lett. 2 (1989) 321
  s.stages = 4;
  s.a[1][0] = 1.0 / 2.0;
  s.a[2][1] = 3.0 / 4.0;
  s.a[3][0] = 2.0 / 9.0;
  s.a[3][1] = 1.0 / 3.0;
  s.a[3][2] = 4.0 / 9.0;
  s.c[1] = 1.0 / 2.0;
  s.c[2] = 3.0 / 4.0;
  s.c[3] = 1.0;
  s.b_energy[0] = 2.0 / 9.0;  // the 3rd-order weights: the energy to the positions' order
  s.b_energy[1] = 1.0 / 3.0;
  s.b_energy[2] = 4.0 / 9.0;
  s.e[0] = 2.0 / 9.0 - 7.0 / 24.0;
  s.e[1] = 1.0 / 3.0 - 1.0 / 4.0;
  s.e[2] = 4.0 / 9.0 - 1.0 / 3.0;
  s.e[3] = -1.0 / 8.0;
  s.adaptive = true;
  s.error_order = 2;
  return s;
}

// Constants of the time line and the step-size rule, for one trial.
struct IntegratorConsts {
  int scheme;      // SchemeId
  double rtol;     // error control per unit step: every wall's velocity error (the position
  double atol;     // error over the step) within rtol |its velocity| + atol [-], [m/s]
  double dx_max;   // largest displacement of the fastest wall per step [m]
  double dt_max;   // largest step [s]
  double v_tol;    // slower walls count as stationary [m/s]
  double t_load;   // input switch-off time (fixed mode) [s]
  double t_max;    // give-up time [s]
  double max_steps = 1e7;  // step budget of the trial: reaching it ends it (the runner reports it)
  int stationary_load;  // 1: switch the inputs off once no wall moves
  double diffusion;     // thermal diffusion constant of a wall, 0 = no noise [m^2/s]
  double i_depin;       // depinning current, 0 = none [A]

  // Whether the step needs the depinning test or thermal kicks (the fast path has neither).
  SPINHOP_HD bool extras() const { return diffusion > 0.0 || i_depin > 0.0; }
  // The scheme a trial runs: thermal noise always takes Euler-Maruyama steps.
  SPINHOP_HD SchemeId scheme_id() const {
    return diffusion > 0.0 ? SchemeId::Euler : static_cast<SchemeId>(scheme);
  }
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
  if (tl.t >= c.t_max || static_cast<double>(tl.steps) >= c.max_steps) return StepDecision::TimedOut;
  return StepDecision::Advance;
}

// What the scan at the start of a step found: the fastest moving wall (0: none moves) and the
// time until the first predicted kink of an event wall (a soma).
struct Scan {
  double vmax = 0.0;                // [m/s]
  double t_event = 1.0 / 0.0;       // [s]
};

// Step length: the controller's proposal h_ctrl (0: none yet), bounded by dt_max, the displacement
// limit, the first kink ahead and the next phase boundary.
SPINHOP_HD double step_length(const IntegratorConsts& c, const TimeLine& tl, const Scan& scan,
                              double h_ctrl) {
  double dt = c.dt_max;
  if (scan.vmax > 0.0) dt = hd::min_(dt, c.dx_max / scan.vmax);
  // with noise, the rms thermal kick sqrt(2 D dt) is bounded by dx_max too
  if (c.diffusion > 0.0) dt = hd::min_(dt, c.dx_max * c.dx_max / (2.0 * c.diffusion));
  if (h_ctrl > 0.0) dt = hd::min_(dt, h_ctrl);
  // a step ends just past the first kink of an event wall, unless that is so near that the wall
  // is practically on it (then the step goes over it: its error is second order in the remainder)
  if (scan.t_event > 1e-2 * dt) dt = hd::min_(dt, scan.t_event * (1.0 + 1e-3));
  const double t_end = (tl.phase == kLoading && !c.stationary_load) ? c.t_load : c.t_max;
  return hd::min_(dt, t_end - tl.t);
}

// The controller's next step from an accepted or rejected one with error ratio err (<= 1
// accepted): h (0.9/err)^(1/order) within [h/5, 5h], order that of an error per unit step.
SPINHOP_HD double next_step(const Scheme& s, double h, double err) {
  if (!(err > 0.0)) return 5.0 * h;
  // deterministic exp and log: every backend picks the same step
  const double f = 0.9 * detmath::exp(-detmath::log(err) / s.error_order);
  return h * hd::clamp_(f, 0.2, 5.0);
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
SPINHOP_HD double thermal_kick(const DeviceParams<Real>& p, double x, Real v_track, Real v,
                               const TrialKey& key, int d, long long step, double scale) {
  if (scale == 0.0 || !wall_free(p, x, v_track, v)) return 0.0;
  return scale * thermal_normal(key, d, step);
}

}  // namespace spinhop
