// One four-terminal DW-MTJ (model.md section 1): the MTJ conductance as a function of the domain
// wall position, the DW velocity, the track-end clamp and the read-out. Written once for the CPU
// loop and the CUDA kernel.
#pragma once

#include <cstddef>
#include <type_traits>

#include "spinhop/physics/hd.hpp"

namespace spinhop {

// The parameters of one device in the form the integrator uses (derived once per trial, SI
// units). The field list exists once, here: DeviceParams, the per-device arrays of a varied
// network (DeviceArrays) and the backends' storage are generated from it.
//   X(name, unit, meaning)
#define SPINHOP_DEVICE_FIELDS(X)                                                              \
  X(g_ap, "S", "1/R_AP: MTJ conductance with the wall left of the MTJ (antiparallel, OFF)")   \
  X(dg, "S", "1/R_P - 1/R_AP: conductance gained across the MTJ")                            \
  X(x_lo, "m", "left edge of the MTJ, MTJP*Len - MTJW/2")                                    \
  X(inv_w, "1/m", "1/MTJW")                                                                  \
  X(len, "m", "track length")                                                                \
  X(kg, "m/(s V)", "k/R_M: wall velocity per volt across the track")                         \
  X(leak, "m/s", "constant drift")                                                           \
  X(v_pin, "V", "depinning: below this voltage across the track (I_dep R_M) the wall stays")

constexpr int kDeviceFields = 0
#define SPINHOP_COUNT_FIELD(name, unit, meaning) +1
    SPINHOP_DEVICE_FIELDS(SPINHOP_COUNT_FIELD);
#undef SPINHOP_COUNT_FIELD

template <class Real>
struct DeviceParams {
#define SPINHOP_DECLARE_FIELD(name, unit, meaning) Real name;
  SPINHOP_DEVICE_FIELDS(SPINHOP_DECLARE_FIELD)
#undef SPINHOP_DECLARE_FIELD
};

// One array per field, [devices] each (host memory on the CPU, device memory on the GPU).
template <class Real>
struct DeviceArrays {
#define SPINHOP_DECLARE_ARRAY(name, unit, meaning) Real* name = nullptr;
  SPINHOP_DEVICE_FIELDS(SPINHOP_DECLARE_ARRAY)
#undef SPINHOP_DECLARE_ARRAY

  SPINHOP_HD bool empty() const { return g_ap == nullptr; }
  SPINHOP_HD DeviceParams<typename std::remove_const<Real>::type> load(int d) const {
    DeviceParams<typename std::remove_const<Real>::type> p;
#define SPINHOP_LOAD_FIELD(name, unit, meaning) p.name = name[d];
    SPINHOP_DEVICE_FIELDS(SPINHOP_LOAD_FIELD)
#undef SPINHOP_LOAD_FIELD
    return p;
  }
  template <class P>
  SPINHOP_HD void store(int d, const P& p) const {
#define SPINHOP_STORE_FIELD(name, unit, meaning) name[d] = p.name;
    SPINHOP_DEVICE_FIELDS(SPINHOP_STORE_FIELD)
#undef SPINHOP_STORE_FIELD
  }
  // Points every field at consecutive blocks of `count` values starting at `base`.
  SPINHOP_HD void carve(Real* base, std::size_t count) {
    std::size_t k = 0;
#define SPINHOP_CARVE_FIELD(name, unit, meaning) name = base + (k++) * count;
    SPINHOP_DEVICE_FIELDS(SPINHOP_CARVE_FIELD)
#undef SPINHOP_CARVE_FIELD
  }
  // The same arrays, read-only.
  SPINHOP_HD DeviceArrays<const Real> as_const() const {
    DeviceArrays<const Real> c;
#define SPINHOP_COPY_FIELD(name, unit, meaning) c.name = name;
    SPINHOP_DEVICE_FIELDS(SPINHOP_COPY_FIELD)
#undef SPINHOP_COPY_FIELD
    return c;
  }
};

// Whether two parameter sets are identical field by field.
template <class Real>
SPINHOP_HD bool same_params(const DeviceParams<Real>& a, const DeviceParams<Real>& b) {
  bool same = true;
#define SPINHOP_COMPARE_FIELD(name, unit, meaning) same = same && a.name == b.name;
  SPINHOP_DEVICE_FIELDS(SPINHOP_COMPARE_FIELD)
#undef SPINHOP_COMPARE_FIELD
  return same;
}

// MTJ conductance: antiparallel left of the MTJ, parallel right of it, linear in between. [S]
template <class Real>
SPINHOP_HD Real mtj_conductance(const DeviceParams<Real>& p, Real x) {
  const Real f = hd::min_(hd::max_(x - p.x_lo, Real(0)) * p.inv_w, Real(1));
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

// When a wall's motion ends inside a step of length dt, without branches (the CPU's column loops
// vectorise it): a wall that reaches a track end stops at its arrival time; one that moves and
// stays inside the track moves for the whole step (+infinity here: "until the step ends"); a
// pinned or stationary wall does not move (0). [s]
template <class Real>
SPINHOP_HD Real wall_motion_end(const DeviceParams<Real>& p, Real x, Real v, Real v_tol, Real dt) {
  const Real x_next = hd::fma_(v, dt, x);
  const Real dist_up = x_next > p.len ? p.len - x : Real(0);
  const Real dist = x_next < Real(0) ? -x : dist_up;  // to the end it reaches, else 0
  const bool moving = wall_motion_speed(p, x, v, v_tol) != Real(0);
  const Real arrival = dist / (moving ? v : Real(1));
  const Real inf = Real(1) / Real(0);
  return moving ? (dist != Real(0) ? arrival : inf) : Real(0);
}

// The latest wall_motion_end() of a network: the step's end if any wall moved throughout. [s]
template <class Real>
SPINHOP_HD double motion_end_time(Real latest, double dt) {
  const Real inf = Real(1) / Real(0);
  return latest == inf ? dt : static_cast<double>(latest);
}

// Read-out of a soma: +1 (ON, bit 1), 0 (OFF, bit 0), -1 undecided.
template <class Real>
SPINHOP_HD int wall_readout(Real x, Real len, Real frac_hi, Real frac_lo) {
  if (x >= frac_hi * len) return 1;
  if (x <= frac_lo * len) return 0;
  return -1;
}

}  // namespace spinhop
