// Host/device portability for the physics that both backends share.
//
// Everything marked SPINHOP_HD is compiled by g++ for the CPU backend and by nvcc for the CUDA
// kernels, so both run the same arithmetic. The operations used here are the IEEE-exact ones
// (+ - * /, sqrt, fma, comparisons); the build turns off implicit FMA contraction on both sides
// (-ffp-contract=off, nvcc --fmad=false), so a given expression rounds identically on CPU and GPU.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define SPINHOP_HD __host__ __device__ __forceinline__
#define SPINHOP_HD_NOINLINE __host__ __device__
#else
#define SPINHOP_HD inline
#define SPINHOP_HD_NOINLINE
#endif

namespace spinhop::hd {

// Branch-free min/max with one defined result for every non-NaN input (vectorises to vminps /
// compiles to FMNMX-equivalent selects on the GPU).
template <class T>
SPINHOP_HD T min_(T a, T b) { return b < a ? b : a; }
template <class T>
SPINHOP_HD T max_(T a, T b) { return a < b ? b : a; }
template <class T>
SPINHOP_HD T clamp_(T v, T lo, T hi) { return min_(max_(v, lo), hi); }

SPINHOP_HD float fma_(float a, float b, float c) { return fmaf(a, b, c); }
SPINHOP_HD double fma_(double a, double b, double c) { return fma(a, b, c); }
SPINHOP_HD float abs_(float a) { return fabsf(a); }
SPINHOP_HD double abs_(double a) { return fabs(a); }
SPINHOP_HD float sqrt_(float a) { return sqrtf(a); }
SPINHOP_HD double sqrt_(double a) { return sqrt(a); }

SPINHOP_HD std::uint64_t double_bits(double v) {
#if defined(__CUDA_ARCH__)
  return static_cast<std::uint64_t>(__double_as_longlong(v));
#else
  std::uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  return u;
#endif
}

SPINHOP_HD double bits_double(std::uint64_t u) {
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(static_cast<long long>(u));
#else
  double v;
  std::memcpy(&v, &u, sizeof v);
  return v;
#endif
}

}  // namespace spinhop::hd
