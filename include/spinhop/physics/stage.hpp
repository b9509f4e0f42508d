// The walls at a stage of a step, shared by every network policy: their mean velocity over the
// stage, their position there (with the thermal kick of a noisy step), and the scales of the
// error control.
#pragma once

#include "spinhop/physics/driver.hpp"
#include "spinhop/physics/network.hpp"

namespace spinhop {

// The mean velocity of a wall over stage s of a step (its position there is X + h * this): the
// velocity at the stage's combined node voltage vc, or, with a depinning threshold (not affine
// in the voltage), the combination of the earlier stages' velocities; volt(k) is the wall's node
// voltage at stage k. [m/s]
template <class Real, bool Extras, class Volt>
SPINHOP_HD Real mean_velocity(const DeviceParams<Real>& p, const Scheme& sc, int s, Real vc,
                              Volt volt) {
  if constexpr (Extras) {
    Real v = Real(0);
    for (int k = 0; k < s; ++k) {
      v = hd::fma_(static_cast<Real>(sc.a[s][k]), wall_velocity_pinned(p, volt(k)), v);
    }
    return v;
  } else {
    (void)volt;
    return stage_velocity(p, vc, static_cast<Real>(sc.c[s]));
  }
}

// Where a wall is at stage s of a step of h from x0: the stage's mean velocity, and on the last
// stage of a noisy step its thermal kick (the kick of Euler-Maruyama: noise always runs Euler).
template <class Real, bool Extras, class Volt>
SPINHOP_HD double stage_position(const DeviceParams<Real>& p, const Scheme& sc, int s, double x0,
                                 double h, Real vc, Volt volt, const StepNoise& noise,
                                 const TrialKey& key, int d) {
  const Real v = mean_velocity<Real, Extras>(p, sc, s, vc, volt);
  double kick = 0.0;
  if constexpr (Extras) {
    if (s == sc.stages - 1 && noise.kick_scale > 0.0) {
      kick = thermal_kick(p, x0, volt(0), wall_velocity_pinned(p, volt(0)), key, d, noise.index,
                          noise.kick_scale);
    }
  } else {
    (void)noise;
    (void)key;
    (void)d;
  }
  return wall_position(p, x0, h, v, kick);
}

// The error scales of neuron j: the largest k/R_M of its axons and their nominal leak, its
// soma's k/R_M and leak.
template <class Real, bool Varied>
SPINHOP_HD void error_scales(const NetworkView<Real>& net, int j, int stride, NeuronState<Real>& r) {
  const int n = net.n;
  Real kg = net.axon_nominal.kg;
  if constexpr (Varied) {
    kg = Real(0);
    for (int m = 0; m < n; ++m) {
      if (m != j) kg = hd::max_(kg, hd::abs_(net.params.kg[j * stride + m]));
    }
  }
  r.kg_bus = kg;
  r.leak_bus = net.axon_nominal.leak;
  const Real stall = -net.axon_nominal.leak / net.axon_nominal.kg;
  r.stall_lo = stall;
  r.stall_hi = stall;
  if constexpr (Varied) {
    for (int m = 0; m < n; ++m) {
      if (m == j || net.params.kg[j * stride + m] == Real(0)) continue;  // a stuck axon never turns
      const Real v = -net.params.leak[j * stride + m] / net.params.kg[j * stride + m];
      r.stall_lo = hd::min_(r.stall_lo, v);
      r.stall_hi = hd::max_(r.stall_hi, v);
    }
  }
  // widened past the rounding of -leak/k, so the range test never misses a turn the velocity's
  // sign shows
  const Real pad = Real(1e-4) * hd::max_(hd::abs_(r.stall_lo), hd::abs_(r.stall_hi));
  r.stall_lo = r.stall_lo - pad;
  r.stall_hi = r.stall_hi + pad;
  const DeviceParams<Real> s = params_at<Varied>(net, j * stride + j, true);
  r.kg_soma = s.kg;
  r.leak_soma = s.leak;
}

// Which side of its MTJ a wall is on as its conductance sees it: -1 left (antiparallel), +1
// right (parallel), 0 inside (the conductance changes with the position). A wall that stays on
// one side keeps its conductance exactly.
template <class Real>
SPINHOP_HD int mtj_side(const DeviceParams<Real>& p, double x) {
  const Real dx = static_cast<Real>(x - static_cast<double>(p.x_lo));
  const Real f = hd::min_(hd::max_(dx, Real(0)) * p.inv_w, Real(1));
  return f == Real(0) ? -1 : (f == Real(1) ? 1 : 0);
}

// A wall pinned at a track end at the start of a step of h whose velocity (affine in its node
// voltage) turns into the track inside it, from v0 at the start to v1 at the end, leaves the end
// at the turn, tau = h |v0| / (|v0| + |v1|) (linear estimate). The stages clamp it with their
// mean velocity, which counts the part of the step before the turn too, and the error estimate
// cannot see this (both embedded solutions clamp alike). Its true displacement is that of the
// unclamped path from the path's extreme at the turn: h v_mean - v0 tau / 2. A wall outside its
// MTJ changes no conductance while it moves there, so the end position can be corrected after
// the fact; a correction that moves it to another side of its MTJ cannot (the step is cut).
struct Departure {
  double x;  // the end position (x_end, the stages', when the wall does not leave) [m]
  double t;  // when it leaves inside the step; +infinity if it does not [s]
  bool cut;  // the corrected position is on another side of the MTJ than the stages' end
};
template <class Real>
SPINHOP_HD Departure departure(const DeviceParams<Real>& p, double x0, double h, Real v_mean,
                               Real volt0, Real volt1, double x_end) {
  const Real v0r = wall_velocity(p, volt0);
  const double v0 = static_cast<double>(v0r), v1 = static_cast<double>(wall_velocity(p, volt1));
  Departure d{x_end, 1.0 / 0.0, false};
  if (!(v0 * v1 < 0.0) || !wall_pinned(p, x0, v0r)) return d;
  const double a0 = hd::abs_(v0), a1 = hd::abs_(v1);
  d.t = h * a0 / (a0 + a1);
  d.x = hd::clamp_(x0 + (h * static_cast<double>(v_mean) - 0.5 * v0 * d.t), 0.0, static_cast<double>(p.len));
  d.cut = mtj_side(p, d.x) != mtj_side(p, x_end);
  return d;
}

// Whether a bus voltage going from volt0 to volt1 passes through [lo, hi] (a stall voltage).
template <class Real>
SPINHOP_HD bool passes_through(Real volt0, Real volt1, Real lo, Real hi) {
  return hd::max_(volt0, volt1) >= lo && hd::min_(volt0, volt1) <= hi;
}

}  // namespace spinhop
