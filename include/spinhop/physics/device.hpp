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

// Wall positions are double whatever the working precision: a slow wall (0.1 m/s) moves a few
// float ulps per picosecond, so float positions would round every small step. Everything
// computed from a position (conductance, velocities, node voltages) is in Real.

// MTJ conductance: antiparallel left of the MTJ, parallel right of it, linear in between. [S]
template <class Real>
SPINHOP_HD Real mtj_conductance(const DeviceParams<Real>& p, double x) {
  // max(x - x_lo, 0) / MTJW rather than clamp((x - x_lo) / MTJW): the same bits (MTJW > 0), and
  // GCC if-converts it in fewer instructions
  const Real dx = static_cast<Real>(x - static_cast<double>(p.x_lo));
  const Real f = hd::min_(hd::max_(dx, Real(0)) * p.inv_w, Real(1));
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

// The mean velocity over a step of an integrator stage: the stage combines the node voltages of
// the earlier stages into vc with weights summing to c, and the velocity is affine in the node
// voltage, so it is the velocity at vc plus the leak over c. [m/s]
template <class Real>
SPINHOP_HD Real stage_velocity(const DeviceParams<Real>& p, Real vc, Real c) {
  return hd::fma_(p.kg, vc, p.leak * c);
}

// Whether the wall sits at a track end with its velocity pointing out of the track.
template <class Real>
SPINHOP_HD bool wall_pinned(const DeviceParams<Real>& p, double x, Real v) {
  // non-short-circuit & and | keep this branch-free, so loops over devices vectorise
  return ((x <= 0.0) & (v <= Real(0))) | ((x >= static_cast<double>(p.len)) & (v >= Real(0)));
}

// Speed that counts as motion for the step-size and convergence tests: 0 for a pinned wall or one
// slower than v_tol. [m/s]
template <class Real>
SPINHOP_HD Real wall_motion_speed(const DeviceParams<Real>& p, double x, Real v, Real v_tol) {
  const Real s = hd::abs_(v);
  return (wall_pinned(p, x, v) | (s < v_tol)) ? Real(0) : s;
}

// A wall moved from x0 for a time h at mean velocity v, plus a thermal kick, clamped to the track
// (no bounce). [m]
template <class Real>
SPINHOP_HD double wall_position(const DeviceParams<Real>& p, double x0, double h, Real v,
                                double kick = 0.0) {
  return hd::clamp_(x0 + h * static_cast<double>(v) + kick, 0.0, static_cast<double>(p.len));
}

// Whether thermal kicks move the wall: not held by a sub-threshold current, and not pressed
// against a track end by its drift (the end is a pinning site the drift keeps it in).
template <class Real>
SPINHOP_HD bool wall_free(const DeviceParams<Real>& p, double x, Real v_track, Real v) {
  return !(hd::abs_(v_track) < p.v_pin) && !wall_pinned(p, x, v);
}

// Time until a wall at x moving at v reaches the next place where the right-hand side has a kink:
// an MTJ edge (its conductance starts or stops changing) or a track end (it stops). +infinity
// for a wall that does not move. [s]
template <class Real>
SPINHOP_HD double time_to_kink(const DeviceParams<Real>& p, double x, Real v) {
  const double lo = static_cast<double>(p.x_lo);
  const double hi = lo + 1.0 / static_cast<double>(p.inv_w);
  const double len = static_cast<double>(p.len);
  const double vd = static_cast<double>(v);
  const double up = x < lo ? lo : (x < hi ? hi : len);
  const double down = x > hi ? hi : (x > lo ? lo : 0.0);
  const double dist = vd > 0.0 ? up - x : x - down;
  return (vd == 0.0 || wall_pinned(p, x, v)) ? 1.0 / 0.0 : dist / hd::abs_(vd);
}

// When a wall's motion ends inside a step of length dt at mean velocity v (branch-free): a wall
// that reaches a track end stops at its arrival time; one that moves and stays inside the track
// moves for the whole step (+infinity here: "until the step ends"); a pinned or stationary wall
// does not move (0). [s]
template <class Real>
SPINHOP_HD double wall_motion_end(const DeviceParams<Real>& p, double x, Real v, Real v_tol,
                                  double dt) {
  const double len = static_cast<double>(p.len);
  const double vd = static_cast<double>(v);
  const double x_next = x + dt * vd;
  const double dist_up = x_next > len ? len - x : 0.0;
  const double dist = x_next < 0.0 ? -x : dist_up;  // to the end it reaches, else 0
  const bool moving = wall_motion_speed(p, x, v, v_tol) != Real(0);
  const double arrival = dist / (moving ? vd : 1.0);
  return moving ? (dist != 0.0 ? arrival : 1.0 / 0.0) : 0.0;
}

// The latest wall_motion_end() of a network: the step's end if any wall moved throughout. [s]
SPINHOP_HD double motion_end_time(double latest, double dt) {
  return latest == 1.0 / 0.0 ? dt : latest;
}

// Read-out of a soma: +1 (ON, bit 1), 0 (OFF, bit 0), -1 undecided.
template <class Real>
SPINHOP_HD int wall_readout(double x, Real len, Real frac_hi, Real frac_lo) {
  if (x >= static_cast<double>(frac_hi * len)) return 1;
  if (x <= static_cast<double>(frac_lo * len)) return 0;
  return -1;
}

}  // namespace spinhop
