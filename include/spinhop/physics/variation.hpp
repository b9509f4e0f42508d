// Process variation (model.md section 6, docs/variation.md): every device of every trial draws
// its own physical parameters, and every source its own voltage error, from the counter-based RNG.
// Each parameter k has a relative sigma s_k and a standard-normal coordinate
//   y = sqrt(g_k) y_die + sqrt(1 - g_k) y_dev,
// y_die one draw per trial (die-to-die, shared by every device), y_dev one per device; with a
// correlation matrix the device parameters' coordinates are L z (L its Cholesky factor, z
// independent normals), in the order of DeviceParamId. The value is nominal (1 + s y) (normal)
// or nominal exp(s' y - s'^2 / 2), s'^2 = ln(1 + s^2) (lognormal: mean nominal, relative sd s),
// truncated to physical values by redrawing. On top: defects (stuck ON / OFF, open MTJ), a
// depinning current varied per device and per cycle (trial), a fixed set of dies, and an
// importance-sampling proposal for the die-to-die draws.
#pragma once

#include "spinhop/physics/detmath.hpp"
#include "spinhop/physics/device.hpp"
#include "spinhop/physics/rng.hpp"

namespace spinhop {

// What is wrong with a device (drawn per device and die; docs/variation.md "Defects").
enum DeviceDefect : int {
  kDefectNone = 0,
  kDefectStuckOff = 1,  // the wall never leaves x = 0: MTJ antiparallel (OFF) for good
  kDefectStuckOn = 2,   // the wall never leaves x = Len: MTJ parallel (ON) for good
  kDefectOpen = 3,      // the MTJ conducts nothing (a broken junction)
};

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
  double depin = 1.0;   // depinning current / its nominal value [-]
  int defect = kDefectNone;
};

// The varied parameters, in counter order. 0-8 belong to a device (and may be correlated),
// 9-11 to sources.
enum DeviceParamId : std::uint32_t {
  kParamRp = 0, kParamRap, kParamRm, kParamArea, kParamLength, kParamMtjWidth, kParamMtjPosition,
  kParamLeak, kParamDepin, kParamW, kParamVdw, kParamVc
};
constexpr int kDeviceVarParams = 9;  // the correlated block
constexpr int kVarParams = 12;
enum SourceKind : std::uint32_t { kSourceW = 0, kSourceVdw = 1, kSourceVc = 2 };

// Relative standard deviations (0.05 = 5%); 0 = nominal. The plain fields are what the command
// line sets; the rest is the structure a variation file (docs/variation.md) adds.
struct VariationSigmas {
  double r_p = 0, r_ap = 0, r_m = 0, area = 0, length = 0, mtj_width = 0, mtj_position = 0,
         leak = 0;      // per device
  double w = 0;         // per synapse source W_ij
  double v_dw = 0;      // per V_DW source (one per neuron)
  double v_c = 0;       // per input source (one per neuron)
  double global_fraction = 0;  // share of every sigma^2 that is die-to-die (one draw per trial)
  double depin = 0;        // depinning current, per device (fixed with the die)
  double depin_cycle = 0;  // depinning current, cycle to cycle: redrawn every trial
  double stuck_on = 0, stuck_off = 0, open = 0;  // defect fractions of all devices [-]
  std::uint64_t dies = 0;  // > 0: trial t runs on die t mod dies; 0: every trial its own die
  std::uint32_t own_fraction = 0;  // bit k: parameter k has its own global fraction below
  double fraction[kVarParams] = {};
  std::uint32_t lognormal = 0;     // bit k: parameter k is lognormal
  int correlated = 0;              // 1: chol holds the device parameters' Cholesky factor
  double chol[kDeviceVarParams * kDeviceVarParams] = {};  // lower triangle, row-major
  // Importance sampling (docs/variation.md "Rare failures"): the die-to-die normal of parameter k
  // is drawn as is_shift[k] + is_scale[k] z, without redraws, and each trial carries the
  // likelihood ratio of its die (die_log_weight).
  int importance = 0;
  double is_shift[kVarParams] = {};
  double is_scale[kVarParams] = {};

  SPINHOP_HD bool defects() const { return stuck_on > 0 || stuck_off > 0 || open > 0; }
  SPINHOP_HD bool devices_varied() const {
    return r_p > 0 || r_ap > 0 || r_m > 0 || area > 0 || length > 0 || mtj_width > 0 ||
           mtj_position > 0 || leak > 0 || depin > 0 || depin_cycle > 0 || defects();
  }
  SPINHOP_HD bool any() const { return devices_varied() || w > 0 || v_dw > 0 || v_c > 0; }
  SPINHOP_HD double sigma_of(int k) const {
    const double s[kVarParams] = {r_p, r_ap, r_m, area, length, mtj_width, mtj_position, leak, depin, w, v_dw, v_c};
    return s[k];
  }
  SPINHOP_HD double fraction_of(int k) const {
    return ((own_fraction >> k) & 1u) != 0 ? fraction[k] : global_fraction;
  }
  // the correlation factor's entry (row, col) of the device block (identity when uncorrelated)
  SPINHOP_HD double l_of(int row, int col) const {
    return correlated ? chol[row * kDeviceVarParams + col] : (row == col ? 1.0 : 0.0);
  }
};

// The law of one parameter in one trial.
struct ParamLaw {
  double sigma;      // relative sd [-]
  double g;          // die-to-die share of the variance [-]
  double log_sigma;  // lognormal: sqrt(ln(1 + sigma^2)); 0 for a normal parameter
  double shift, scale;  // the die-to-die normal is shift + scale z (importance sampling; 0, 1 else)
  bool importance;
};
SPINHOP_HD ParamLaw law_of(const VariationSigmas& s, int k) {
  ParamLaw l;
  l.sigma = s.sigma_of(k);
  l.g = s.fraction_of(k);
  l.log_sigma = ((s.lognormal >> k) & 1u) != 0 ? hd::sqrt_(detmath::log(1.0 + l.sigma * l.sigma)) : 0.0;
  l.importance = s.importance != 0;
  l.shift = l.importance ? s.is_shift[k] : 0.0;
  l.scale = l.importance ? s.is_scale[k] : 1.0;
  return l;
}

constexpr int kMaxRedraws = 64;
// The device / source index of the per-trial (global) draws: above any real index (< 2^24).
constexpr std::uint32_t kGlobalDraw = 0xffffffffu;

// The die-to-die part alone, as a factor.
SPINHOP_HD double die_part(const ParamLaw& l, double yg) {
  if (l.log_sigma > 0.0) {
    const double s = l.log_sigma * hd::sqrt_(l.g);
    return detmath::exp(s * yg - 0.5 * s * s);
  }
  return 1.0 + l.sigma * hd::sqrt_(l.g) * yg;
}
// The factor of die coordinate yg and device coordinate yl.
SPINHOP_HD double law_factor(const ParamLaw& l, bool global, double yg, double yl) {
  if (l.log_sigma > 0.0) {
    const double y = global ? hd::sqrt_(l.g) * yg + hd::sqrt_(1.0 - l.g) * yl : yl;
    return detmath::exp(l.log_sigma * y - 0.5 * l.log_sigma * l.log_sigma);
  }
  return global ? 1.0 + l.sigma * hd::sqrt_(l.g) * yg + l.sigma * hd::sqrt_(1.0 - l.g) * yl
                : 1.0 + l.sigma * yl;
}

// The independent die-to-die normal of parameter `which` before correlation (importance
// sampling: one draw, shift + scale z, no redraw).
SPINHOP_HD double die_normal(const TrialKey& key, Stream stream, std::uint32_t which, const ParamLaw& l, int redraw) {
  const double z = normal(key, stream, kGlobalDraw, which * 64u + static_cast<std::uint32_t>(redraw));
  return l.importance ? l.shift + l.scale * z : z;
}

// A factor whose product with nominal lies strictly inside (lo, hi). The coordinates are
// y_die = gpre + lkk z_die and y_dev = lpre + lkk z_dev: gpre and lpre carry the correlation
// with the earlier parameters (0, and lkk = 1, when uncorrelated). z_die is truncated on its own
// counters (the same for every device whose bounds it fits; under importance sampling not at all),
// then z_dev redrawn until the value fits. After kMaxRedraws misses (probability < 1e-300 for
// sigma <= 0.2 and the bounds used here) the nominal value, or the middle of (lo, hi) if the
// nominal is outside, is used. *zg, *zl: the accepted independent normals (for the next rows of
// the correlation).
SPINHOP_HD double draw_factor(const TrialKey& key, Stream stream, std::uint32_t a, std::uint32_t which,
                              const ParamLaw& l, double nominal, double lo, double hi, double lkk,
                              double gpre, double lpre, double* zg, double* zl) {
  *zg = 0.0;
  *zl = 0.0;
  if (!(l.sigma > 0.0)) return 1.0;
  const bool global = l.g > 0.0;
  double yg = 0.0;
  if (global) {
    for (int r = 0; r < (l.importance ? 1 : kMaxRedraws); ++r) {
      const double z = die_normal(key, stream, which, l, r);
      const double y = gpre + lkk * z;
      const double v = nominal * die_part(l, y);
      if ((v > lo && v < hi) || l.importance) {
        yg = y;
        *zg = z;
        break;
      }
    }
    if (!(l.g < 1.0)) {
      const double v = nominal * die_part(l, yg);
      if (v > lo && v < hi) return die_part(l, yg);
      return ((nominal > lo && nominal < hi) ? nominal : 0.5 * (lo + hi)) / nominal;
    }
  }
  for (int r = 0; r < kMaxRedraws; ++r) {
    const double z = normal(key, stream, a, which * 64u + static_cast<std::uint32_t>(r));
    const double f = law_factor(l, global, yg, lpre + lkk * z);
    const double v = nominal * f;
    if (v > lo && v < hi) {
      *zl = z;
      return f;
    }
  }
  const double v = (nominal > lo && nominal < hi) ? nominal : 0.5 * (lo + hi);
  return v / nominal;
}

// The same without correlation (sources, tests): one parameter, its own coordinates.
SPINHOP_HD double truncated_factor(const TrialKey& key, Stream stream, std::uint32_t a,
                                   std::uint32_t which, const ParamLaw& l, double nominal,
                                   double lo, double hi) {
  double zg, zl;
  return draw_factor(key, stream, a, which, l, nominal, lo, hi, 1.0, 0.0, 0.0, &zg, &zl);
}

// The key of the die a trial runs on: its own (dies = 0) or die t mod dies.
SPINHOP_HD TrialKey die_key(const VariationSigmas& s, const TrialKey& key) {
  return s.dies > 0 ? TrialKey{key.seed, key.trial % s.dies} : key;
}

// Device d's defect: one uniform per device and die (Stream::Defect), split open | stuck ON |
// stuck OFF | healthy by the three fractions.
SPINHOP_HD int draw_defect(const VariationSigmas& s, const TrialKey& die, std::uint32_t d) {
  if (!s.defects()) return kDefectNone;
  const Philox4 r = draw_block(die, Stream::Defect, d, 0);
  const double u = uniform_open(r.v[0], r.v[1]);
  if (u < s.open) return kDefectOpen;
  if (u < s.open + s.stuck_on) return kDefectStuckOn;
  if (u < s.open + s.stuck_on + s.stuck_off) return kDefectStuckOff;
  return kDefectNone;
}

// The varied parameters of device d of a trial. key: the trial's own key (the cycle-to-cycle
// depinning draw); everything else comes from its die.
SPINHOP_HD PhysicalDevice vary_device(const PhysicalDevice& nom, const VariationSigmas& s,
                                      const TrialKey& key, std::uint32_t d) {
  const Stream st = Stream::DeviceVariation;
  const TrialKey die = die_key(s, key);
  const double inf = 1e300;
  double zg[kDeviceVarParams], zl[kDeviceVarParams];
  // parameter k: nominal value and bounds given the earlier ones, the factor through the
  // correlation's row k
  auto draw = [&](int k, double nominal, double lo, double hi) {
    double gpre = 0.0, lpre = 0.0;
    if (s.correlated) {
      for (int m = 0; m < k; ++m) {
        gpre = gpre + s.l_of(k, m) * zg[m];
        lpre = lpre + s.l_of(k, m) * zl[m];
      }
    }
    return draw_factor(die, st, d, static_cast<std::uint32_t>(k), law_of(s, k), nominal, lo, hi,
                       s.l_of(k, k), gpre, lpre, &zg[k], &zl[k]);
  };
  PhysicalDevice p = nom;
  p.r_p = nom.r_p * draw(kParamRp, nom.r_p, 0.0, inf);
  p.r_ap = nom.r_ap * draw(kParamRap, nom.r_ap, 0.0, inf);
  p.r_m = nom.r_m * draw(kParamRm, nom.r_m, 0.0, inf);
  p.area = nom.area * draw(kParamArea, nom.area, 0.0, inf);
  p.length = nom.length * draw(kParamLength, nom.length, 0.0, inf);
  // the MTJ must fit on the track: 0 < MTJW < Len, then MTJW/2 <= MTJP Len <= Len - MTJW/2
  p.mtj_width = nom.mtj_width * draw(kParamMtjWidth, nom.mtj_width, 0.0, p.length);
  const double half = 0.5 * p.mtj_width / p.length;
  p.mtj_position = nom.mtj_position * draw(kParamMtjPosition, nom.mtj_position, half, 1.0 - half);
  // a leak keeps its direction: the factor stays positive
  const double mag = nom.leak < 0 ? -nom.leak : nom.leak;
  p.leak = nom.leak * draw(kParamLeak, mag, 0.0, inf);
  p.depin = nom.depin * draw(kParamDepin, nom.depin, 0.0, inf);
  if (s.depin_cycle > 0.0) {
    // cycle to cycle: the trial's own key, whatever die it runs on
    ParamLaw c{s.depin_cycle, 0.0, 0.0, 0.0, 1.0, false};
    p.depin = p.depin * truncated_factor(key, Stream::DepinCycle, d, 0, c, 1.0, 0.0, inf);
  }
  p.defect = draw_defect(s, die, d);
  return p;
}

// The factor on one source's voltage (W_ij, V_DW_i or V_C_i); keeps the source's sign.
SPINHOP_HD double source_factor(const VariationSigmas& s, const TrialKey& key, SourceKind kind,
                                std::uint32_t index) {
  const ParamLaw l = law_of(s, kParamW + static_cast<int>(kind));
  if (!(l.sigma > 0.0)) return 1.0;
  return truncated_factor(die_key(s, key), Stream::SourceVariation, index, kind, l, 1.0, 0.0, 1e300);
}

// Parameter k's first die-to-die draw (the one importance sampling uses, unredrawn): false if
// k has no die-to-die part. *l: its law; *raw: the standard normal before shift and scale.
SPINHOP_HD bool die_raw_normal(const VariationSigmas& s, const TrialKey& die, int k, ParamLaw* l, double* raw) {
  *l = law_of(s, k);
  if (!(l->sigma > 0.0) || !(l->g > 0.0)) return false;
  const bool device = k < kDeviceVarParams;
  const std::uint32_t which = device ? static_cast<std::uint32_t>(k) : static_cast<std::uint32_t>(k - kParamW);
  *raw = normal(die, device ? Stream::DeviceVariation : Stream::SourceVariation, kGlobalDraw, which * 64u);
  return true;
}

// Importance sampling: ln of the likelihood ratio p(z) / q(z) of a trial's die-to-die normals,
// the weight of its outcome in an unbiased estimate under the nominal law. 0 without
// importance sampling.
SPINHOP_HD double die_log_weight(const VariationSigmas& s, const TrialKey& key) {
  if (!s.importance) return 0.0;
  const TrialKey die = die_key(s, key);
  double lw = 0.0;
  for (int k = 0; k < kVarParams; ++k) {
    ParamLaw l;
    double raw;
    if (!die_raw_normal(s, die, k, &l, &raw)) continue;
    const double z = l.shift + l.scale * raw;
    lw += -0.5 * z * z + 0.5 * raw * raw + detmath::log(l.scale);  // ln phi(z) - ln(phi(raw) / scale)
  }
  return lw;
}

// The die-to-die normals of a trial as drawn (shift + scale z under importance sampling; NaN
// for a parameter without a die-to-die part), in DeviceParamId order.
SPINHOP_HD void die_normals(const VariationSigmas& s, const TrialKey& key, double* z) {
  const TrialKey die = die_key(s, key);
  for (int k = 0; k < kVarParams; ++k) {
    ParamLaw l;
    double raw;
    z[k] = die_raw_normal(s, die, k, &l, &raw) ? (l.importance ? l.shift + l.scale * raw : raw) : 0.0 / 0.0;
  }
}

// Device parameters in integrator form. k_prefactor = g muB P / (2 e M_SAT) [m^3/(s A)];
// i_depin = nominal depinning current [A] (0: none). A stuck device does not move (kg = leak =
// 0); stuck ON marks itself with x_lo < 0 (its MTJ reads parallel everywhere, and
// initial_position() starts its wall at Len); an open MTJ conducts nothing.
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
  q.v_pin = static_cast<Real>(i_depin * p.depin * p.r_m);
  if (p.defect == kDefectStuckOff || p.defect == kDefectStuckOn) {
    q.kg = Real(0);
    q.leak = Real(0);
  }
  if (p.defect == kDefectStuckOn) q.x_lo = static_cast<Real>(-p.length);
  if (p.defect == kDefectOpen) {
    q.g_ap = Real(0);
    q.dg = Real(0);
  }
  return q;
}

// Where a device's wall starts a trial: x = 0 (OFF), or Len for a device stuck ON. [m]
template <class Real>
SPINHOP_HD double initial_position(const DeviceParams<Real>& p) {
  return p.x_lo < Real(0) ? static_cast<double>(p.len) : 0.0;
}

}  // namespace spinhop
