// Deterministic transcendental functions for random-number transforms.
//
// glibc's log/cos and CUDA's differ in the last bits, which would make a Gaussian variation draw
// differ between backends. These versions use only + - * / on doubles in a fixed order, so the
// CPU and the GPU produce the same bits. Accuracy is ~1e-16 relative, far beyond what a
// Monte-Carlo draw needs. They run once per drawn parameter, except with thermal noise: then a
// log and a sincos per free wall and step (the log alone a quarter of a noisy run's CPU time,
// docs/performance.md).
#pragma once

#include "spinhop/physics/hd.hpp"

namespace spinhop::detmath {

// Natural log for finite x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), then
// log m = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172, by its odd series to s^25.
SPINHOP_HD double log(double x) {
  std::uint64_t u = hd::double_bits(x);
  int e = static_cast<int>((u >> 52) & 0x7ff) - 1023;
  u = (u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;  // m in [1, 2)
  double m = hd::bits_double(u);
  if (m > 1.4142135623730951) {
    m = m * 0.5;
    e += 1;
  }
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  // Horner form of sum_{k=0..12} s2^k / (2k+1)
  double p = 1.0 / 25.0;
  p = p * s2 + 1.0 / 23.0;
  p = p * s2 + 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  p = p * s2 + 1.0;
  const double ln2 = 0.6931471805599453;
  return static_cast<double>(e) * ln2 + 2.0 * s * p;
}

// exp(x) for |x| < 700: x = n ln2 + r with |r| <= ln2 / 2, exp(r) by its Taylor series to r^16,
// then the exponent n added to the bits. Used by the step-size controller, which must pick the
// same step on every backend.
SPINHOP_HD double exp(double x) {
  const double ln2 = 0.6931471805599453;
  const double t = x / ln2;
  const double nf = t < 0.0 ? -static_cast<double>(static_cast<long long>(0.5 - t))
                            : static_cast<double>(static_cast<long long>(t + 0.5));
  const double r = x - nf * ln2;
  const double inv[] = {1.0 / 16, 1.0 / 15, 1.0 / 14, 1.0 / 13, 1.0 / 12, 1.0 / 11, 1.0 / 10, 1.0 / 9,
                        1.0 / 8,  1.0 / 7,  1.0 / 6,  1.0 / 5,  1.0 / 4,  1.0 / 3,  1.0 / 2,  1.0};
  // Horner: 1 + r (1 + r/2 (1 + r/3 (...)))
  double p = 1.0;
  for (int k = 0; k < 16; ++k) p = 1.0 + r * inv[k] * p;
  const long long n = static_cast<long long>(nf);
  const std::uint64_t bits = static_cast<std::uint64_t>(n + 1023) << 52;  // 2^n, |n| < 1023
  return p * hd::bits_double(bits);
}

// sin and cos of 2*pi*u for u in [0, 1): reduce by octant using exact multiples of 1/8, then
// Taylor series on [0, pi/4].
SPINHOP_HD void sincos_2pi(double u, double* s_out, double* c_out) {
  const double t = u * 8.0;
  int oct = static_cast<int>(t);
  if (oct > 7) oct = 7;
  if (oct < 0) oct = 0;
  double r = t - static_cast<double>(oct);  // in [0, 1): position inside the octant
  // odd octants run backwards so the argument stays in [0, pi/4]
  const bool odd = (oct & 1) != 0;
  if (odd) r = 1.0 - r;
  const double a = r * 0.7853981633974483;  // pi/4
  const double a2 = a * a;
  // sin a = a (1 - a^2/3! + a^4/5! - ... + a^16/17!), Horner in a^2
  double sp = 1.0 / 355687428096000.0;       // 1/17!
  sp = sp * a2 - 1.0 / 1307674368000.0;      // 1/15!
  sp = sp * a2 + 1.0 / 6227020800.0;         // 1/13!
  sp = sp * a2 - 1.0 / 39916800.0;           // 1/11!
  sp = sp * a2 + 1.0 / 362880.0;             // 1/9!
  sp = sp * a2 - 1.0 / 5040.0;
  sp = sp * a2 + 1.0 / 120.0;
  sp = sp * a2 - 1.0 / 6.0;
  sp = sp * a2 + 1.0;
  const double sa = a * sp;
  // cos a = 1 - a^2/2! + ... + a^16/16!
  double cp = 1.0 / 20922789888000.0;        // 1/16!
  cp = cp * a2 - 1.0 / 87178291200.0;        // 1/14!
  cp = cp * a2 + 1.0 / 479001600.0;          // 1/12!
  cp = cp * a2 - 1.0 / 3628800.0;
  cp = cp * a2 + 1.0 / 40320.0;
  cp = cp * a2 - 1.0 / 720.0;
  cp = cp * a2 + 1.0 / 24.0;
  cp = cp * a2 - 0.5;
  cp = cp * a2 + 1.0;
  double ca = cp;
  // octant k covers angles [k pi/4, (k+1) pi/4]; map (sin a, cos a) of the reduced angle back
  double s, c;
  switch (oct) {
    case 0: s = sa; c = ca; break;           // theta = a
    case 1: s = ca; c = sa; break;           // theta = pi/2 - a
    case 2: s = ca; c = -sa; break;          // theta = pi/2 + a
    case 3: s = sa; c = -ca; break;          // theta = pi - a
    case 4: s = -sa; c = -ca; break;         // theta = pi + a
    case 5: s = -ca; c = -sa; break;         // theta = 3pi/2 - a
    case 6: s = -ca; c = sa; break;          // theta = 3pi/2 + a
    default: s = -sa; c = ca; break;         // theta = 2pi - a
  }
  *s_out = s;
  *c_out = c;
}

}  // namespace spinhop::detmath
