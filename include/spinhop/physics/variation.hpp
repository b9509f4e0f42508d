// Process variation (model.md section 6): every device of every trial draws its own physical
// parameters, and every source its own voltage error, once per trial, from the counter-based RNG.
// value = nominal * (1 + sigma * z), z ~ N(0, 1), truncated to physical values by redrawing.
// With a global fraction g of the variance, z = sqrt(1 - g) z_device + sqrt(g) z_trial: the
// second draw is one per trial and parameter, shared by every device (die-to-die variation).
#pragma once

#include "spinhop/physics/device.hpp"
#include "spinhop/physics/rng.hpp"

namespace spinhop {

// The physical parameters of one DW-MTJ (SI units).
struct PhysicalDevice {
  double r_p;           // [ohm]
  double r_ap;          // [ohm]
  double r_m;           // [ohm]
  double area;          // [m^2]
  double length;        // [m]
  double mtj_width;     // [m]
  double mtj_position;  // MTJ centre / length [-]
  double leak;          // [m/s]
};

// Relative standard deviations (0.05 = 5%); 0 = nominal.
struct VariationSigmas {
  double r_p = 0, r_ap = 0, r_m = 0, area = 0, length = 0, mtj_width = 0, mtj_position = 0,
         leak = 0;      // per device
  double w = 0;         // per synapse source W_ij
  double v_dw = 0;      // per V_DW source (one per neuron)
  double v_c = 0;       // per input source (one per neuron)
  double global_fraction = 0;  // share of every sigma^2 that is die-to-die (one draw per trial)

  SPINHOP_HD bool devices_varied() const {
    return r_p > 0 || r_ap > 0 || r_m > 0 || area > 0 || length > 0 || mtj_width > 0 ||
           mtj_position > 0 || leak > 0;
  }
  SPINHOP_HD bool any() const { return devices_varied() || w > 0 || v_dw > 0 || v_c > 0; }
};

enum DeviceParamId : std::uint32_t {
  kParamRp = 0, kParamRap, kParamRm, kParamArea, kParamLength, kParamMtjWidth, kParamMtjPosition,
  kParamLeak
};
enum SourceKind : std::uint32_t { kSourceW = 0, kSourceVdw = 1, kSourceVc = 2 };

constexpr int kMaxRedraws = 64;
// The device / source index of the per-trial (global) draws: above any real index (< 2^24).
constexpr std::uint32_t kGlobalDraw = 0xffffffffu;

// A factor 1 + sigma z whose product with nominal lies strictly inside (lo, hi); redrawn with the
// next counter when it does not. After kMaxRedraws misses (probability < 1e-300 for sigma <= 0.2
// and the bounds used here) the nominal value, or the middle of (lo, hi) if the nominal is
// outside, is used.
SPINHOP_HD double truncated_factor(const TrialKey& key, Stream stream, std::uint32_t a,
                                   std::uint32_t which, double sigma, double nominal, double lo,
                                   double hi, double global_fraction = 0.0) {
  if (!(sigma > 0.0)) return 1.0;
  // the trial's shared part, truncated on its own counters (the same for every device whose
  // bounds it fits), then the device's own part, redrawn until the sum fits
  double shared = 0.0, own = sigma;
  if (global_fraction > 0.0) {
    const double sg = sigma * hd::sqrt_(global_fraction);
    for (int r = 0; r < kMaxRedraws; ++r) {
      const double f = sg * normal(key, stream, kGlobalDraw, which * 64u + static_cast<std::uint32_t>(r));
      const double v = nominal * (1.0 + f);
      if (v > lo && v < hi) {
        shared = f;
        break;
      }
    }
    own = sigma * hd::sqrt_(1.0 - global_fraction);
    if (!(own > 0.0)) return 1.0 + shared;
  }
  for (int r = 0; r < kMaxRedraws; ++r) {
    const double z = normal(key, stream, a, which * 64u + static_cast<std::uint32_t>(r));
    const double f = global_fraction > 0.0 ? 1.0 + shared + own * z : 1.0 + sigma * z;
    const double v = nominal * f;
    if (v > lo && v < hi) return f;
  }
  const double v = (nominal > lo && nominal < hi) ? nominal : 0.5 * (lo + hi);
  return v / nominal;
}

// The varied parameters of device d of a trial.
SPINHOP_HD PhysicalDevice vary_device(const PhysicalDevice& nom, const VariationSigmas& s,
                                      const TrialKey& key, std::uint32_t d) {
  const Stream st = Stream::DeviceVariation;
  const double inf = 1e300;
  PhysicalDevice p = nom;
  p.r_p = nom.r_p * truncated_factor(key, st, d, kParamRp, s.r_p, nom.r_p, 0.0, inf, s.global_fraction);
  p.r_ap = nom.r_ap * truncated_factor(key, st, d, kParamRap, s.r_ap, nom.r_ap, 0.0, inf, s.global_fraction);
  p.r_m = nom.r_m * truncated_factor(key, st, d, kParamRm, s.r_m, nom.r_m, 0.0, inf, s.global_fraction);
  p.area = nom.area * truncated_factor(key, st, d, kParamArea, s.area, nom.area, 0.0, inf, s.global_fraction);
  p.length =
      nom.length * truncated_factor(key, st, d, kParamLength, s.length, nom.length, 0.0, inf, s.global_fraction);
  // the MTJ must fit on the track: 0 < MTJW < Len, then MTJW/2 <= MTJP Len <= Len - MTJW/2
  p.mtj_width = nom.mtj_width * truncated_factor(key, st, d, kParamMtjWidth, s.mtj_width,
                                                 nom.mtj_width, 0.0, p.length, s.global_fraction);
  const double half = 0.5 * p.mtj_width / p.length;
  p.mtj_position = nom.mtj_position * truncated_factor(key, st, d, kParamMtjPosition,
                                                       s.mtj_position, nom.mtj_position, half,
                                                       1.0 - half, s.global_fraction);
  // a leak keeps its direction: the factor stays positive
  const double mag = nom.leak < 0 ? -nom.leak : nom.leak;
  p.leak = nom.leak * truncated_factor(key, st, d, kParamLeak, s.leak, mag, 0.0, inf, s.global_fraction);
  return p;
}

// The factor on one source's voltage (W_ij, V_DW_i or V_C_i); keeps the source's sign.
SPINHOP_HD double source_factor(const TrialKey& key, SourceKind kind, std::uint32_t index,
                                double sigma, double global_fraction = 0.0) {
  return truncated_factor(key, Stream::SourceVariation, index, kind, sigma, 1.0, 0.0, 1e300,
                          global_fraction);
}

// Device parameters in integrator form. k_prefactor = g muB P / (2 e M_SAT) [m^3/(s A)];
// i_depin = depinning current [A] (0: none).
template <class Real>
SPINHOP_HD DeviceParams<Real> integrator_params(const PhysicalDevice& p, double k_prefactor,
                                                double i_depin = 0.0) {
  DeviceParams<Real> q;
  q.g_ap = static_cast<Real>(1.0 / p.r_ap);
  q.dg = static_cast<Real>(1.0 / p.r_p - 1.0 / p.r_ap);
  q.x_lo = static_cast<Real>(p.mtj_position * p.length - 0.5 * p.mtj_width);
  q.inv_w = static_cast<Real>(1.0 / p.mtj_width);
  q.len = static_cast<Real>(p.length);
  q.kg = static_cast<Real>(k_prefactor / p.area / p.r_m);
  q.leak = static_cast<Real>(p.leak);
  q.v_pin = static_cast<Real>(i_depin * p.r_m);
  return q;
}

}  // namespace spinhop
