// The threads that integrate one network on the GPU, and the Exec of the thread-per-row policy
// (spinhop/physics/rows.hpp) over them: thread j runs row j; barriers, maxima and the row-order
// sum go through the group.
#pragma once

#include <cuda_runtime.h>

#include "spinhop/physics/rows.hpp"

namespace spinhop::cuda {

// A power-of-two slice of a warp, or a whole block.
struct Group {
  int size;       // threads
  int rank;       // this thread's index in the group (= its row)
  unsigned mask;  // the group's lanes in its warp (sub-warp groups)
  bool block;     // the group is the whole block

  __device__ void sync() const {
    if (block) {
      __syncthreads();
    } else {
      __syncwarp(mask);
    }
  }
};

// The group of threads integrating one network: the whole block (group_size > 32) or a
// power-of-two slice of a warp. *in_block: which group of the block this thread belongs to.
__device__ __forceinline__ Group this_group(int group_size, int* in_block) {
  Group g;
  g.size = group_size;
  g.block = group_size > 32;
  *in_block = g.block ? 0 : static_cast<int>(threadIdx.x) / group_size;
  g.rank = g.block ? static_cast<int>(threadIdx.x) : static_cast<int>(threadIdx.x) % group_size;
  if (g.block) {
    g.mask = 0xffffffffu;
  } else {
    const int lane_base = (static_cast<int>(threadIdx.x) & 31) / group_size * group_size;
    g.mask = (group_size == 32 ? 0xffffffffu : ((1u << group_size) - 1u)) << lane_base;
  }
  return g;
}

// Maximum over the group, returned to every thread. scratch: 32 values of shared memory.
template <class T>
__device__ T group_max(const Group& g, T v, T* scratch) {
  if (!g.block) {
    for (int off = g.size / 2; off > 0; off >>= 1) {
      v = hd::max_(v, __shfl_xor_sync(g.mask, v, off, g.size));
    }
    return v;
  }
  for (int off = 16; off > 0; off >>= 1) v = hd::max_(v, __shfl_xor_sync(0xffffffffu, v, off));
  const int warp = threadIdx.x >> 5;
  if ((threadIdx.x & 31) == 0) scratch[warp] = v;
  __syncthreads();
  T r = scratch[0];
  for (int w = 1; w < static_cast<int>(blockDim.x >> 5); ++w) r = hd::max_(r, scratch[w]);
  __syncthreads();
  return r;
}

// Minimum over the group, returned to every thread (as the maximum of the negatives: exact).
__device__ __forceinline__ double group_min(const Group& g, double v, double* scratch) {
  return -group_max(g, -v, scratch);
}

// The Exec of rows.hpp on a thread group. Its methods are host-device only so that the shared
// policy compiles for both sides; they run on the device.
template <class Real>
struct GroupExec {
  Group g;
  int n;
  double* scratch;      // shared: 32 values for reductions
  double* row_values;   // shared: [n] for the row-order sum
  RowVars<Real> mine;   // this thread's row (registers)

  template <class F>
  SPINHOP_HD void each(F f) {
    if (g.rank < n) f(g.rank, mine);
  }
  SPINHOP_HD void sync() {
#if defined(__CUDA_ARCH__)
    g.sync();
#endif
  }
  template <class T, class F>
  SPINHOP_HD T max(F f) {
    const T v = g.rank < n ? static_cast<T>(f(g.rank, mine)) : T(0);
#if defined(__CUDA_ARCH__)
    return group_max(g, v, reinterpret_cast<T*>(scratch));
#else
    return v;
#endif
  }
  template <class F>
  SPINHOP_HD double min(F f) {
    const double v = g.rank < n ? static_cast<double>(f(g.rank, mine)) : 1.0 / 0.0;
#if defined(__CUDA_ARCH__)
    return group_min(g, v, scratch);
#else
    return v;
#endif
  }
  template <class F>
  SPINHOP_HD double sum(F f) {
    if (g.rank < n) row_values[g.rank] = f(g.rank, mine);
    sync();
    if (g.rank == 0) {
      double s = 0.0;
      for (int r = 0; r < n; ++r) s = s + row_values[r];
      scratch[0] = s;
    }
    sync();
    const double s = scratch[0];
    sync();
    return s;
  }
  SPINHOP_HD void set_bit(std::uint64_t* words, int j) {
#if defined(__CUDA_ARCH__)
    atomicOr(reinterpret_cast<unsigned long long*>(&words[word_of(j)]),
             static_cast<unsigned long long>(bit_of(j)));
#else
    words[word_of(j)] |= bit_of(j);
#endif
  }
};

}  // namespace spinhop::cuda
