// One four-terminal DW-MTJ (model.md section 1): the MTJ conductance as a function of the domain
// wall position, the DW velocity, the track-end clamp and the read-out. Written once for the CPU
// loop and the CUDA kernel.
#pragma once

#include "spinhop/physics/hd.hpp"

namespace spinhop {

// The parameters of one device in the form the integrator uses (derived once per trial, SI units).
template <class Real>
struct DeviceParams {
  Real g_ap;   // 1/R_AP: MTJ conductance with the wall left of the MTJ (antiparallel, OFF) [S]
  Real dg;     // 1/R_P - 1/R_AP: conductance gained across the MTJ [S]
  Real x_lo;   // left edge of the MTJ, MTJP*Len - MTJW/2 [m]
  Real inv_w;  // 1/MTJW [1/m]
  Real len;    // track length [m]
  Real kg;     // k/R_M: wall velocity per volt across the track [m/(s V)]
  Real leak;   // constant drift [m/s]
  Real v_pin;  // depinning: below this voltage across the track (I_dep R_M) the wall stays [V]
};

// MTJ conductance: antiparallel left of the MTJ, parallel right of it, linear in between. [S]
template <class Real>
SPINHOP_HD Real mtj_conductance(const DeviceParams<Real>& p, Real x) {
  const Real f = hd::clamp_((x - p.x_lo) * p.inv_w, Real(0), Real(1));
  return hd::fma_(f, p.dg, p.g_ap);
}

// Wall velocity for a voltage v_track across the track (positive: DW_IN above DW_OUT). [m/s]
template <class Real>
SPINHOP_HD Real wall_velocity(const DeviceParams<Real>& p, Real v_track) {
  return hd::fma_(p.kg, v_track, p.leak);
}

// Velocity with a depinning threshold: a wall whose track current is below I_dep does not move.
// With v_pin = 0 this is wall_velocity. [m/s]
template <class Real>
SPINHOP_HD Real wall_velocity_pinned(const DeviceParams<Real>& p, Real v_track) {
  return hd::abs_(v_track) < p.v_pin ? Real(0) : wall_velocity(p, v_track);
}

// Whether the wall sits at a track end with its velocity pointing out of the track.
template <class Real>
SPINHOP_HD bool wall_pinned(const DeviceParams<Real>& p, Real x, Real v) {
  // non-short-circuit & and | keep this branch-free, so loops over devices vectorise
  return ((x <= Real(0)) & (v <= Real(0))) | ((x >= p.len) & (v >= Real(0)));
}

// Speed that counts as motion for the step-size and convergence tests: 0 for a pinned wall or one
// slower than v_tol. [m/s]
template <class Real>
SPINHOP_HD Real wall_motion_speed(const DeviceParams<Real>& p, Real x, Real v, Real v_tol) {
  const Real s = hd::abs_(v);
  return (wall_pinned(p, x, v) | (s < v_tol)) ? Real(0) : s;
}

// One explicit step, clamped to the track (no bounce). [m]
template <class Real>
SPINHOP_HD Real wall_advance(const DeviceParams<Real>& p, Real x, Real v, Real dt) {
  return hd::clamp_(hd::fma_(v, dt, x), Real(0), p.len);
}

// Whether thermal kicks move the wall: not held by a sub-threshold current, and not pressed
// against a track end by its drift (the end is a pinning site the drift keeps it in).
template <class Real>
SPINHOP_HD bool wall_free(const DeviceParams<Real>& p, Real x, Real v_track, Real v) {
  return !(hd::abs_(v_track) < p.v_pin) && !wall_pinned(p, x, v);
}

// One Euler-Maruyama step with a thermal kick (0 for a wall that is not free), clamped. [m]
template <class Real>
SPINHOP_HD Real wall_advance_kicked(const DeviceParams<Real>& p, Real x, Real v, Real dt,
                                    Real kick) {
  return hd::clamp_(hd::fma_(v, dt, x) + kick, Real(0), p.len);
}

// Time into a step of length dt at which the wall stopped moving: dt if it moved throughout, the
// arrival time if it reached a track end during the step, 0 if it did not move. [s]
template <class Real>
SPINHOP_HD double wall_motion_time(const DeviceParams<Real>& p, Real x, Real v, Real v_tol,
                                   double dt) {
  if (wall_motion_speed(p, x, v, v_tol) == Real(0)) return 0.0;
  const Real x_next = hd::fma_(v, static_cast<Real>(dt), x);
  if (x_next > p.len) return static_cast<double>((p.len - x) / v);
  if (x_next < Real(0)) return static_cast<double>(-x / v);
  return dt;
}

// Read-out of a soma: +1 (ON, bit 1), 0 (OFF, bit 0), -1 undecided.
template <class Real>
SPINHOP_HD int wall_readout(Real x, Real len, Real frac_hi, Real frac_lo) {
  if (x >= frac_hi * len) return 1;
  if (x <= frac_lo * len) return 0;
  return -1;
}

}  // namespace spinhop
