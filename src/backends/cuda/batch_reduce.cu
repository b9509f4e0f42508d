// Batch summaries reduced on the device with Thrust, asynchronously: a transform-inclusive-scan
// under the par_nosync policy (which, unlike thrust::reduce, does not return a value and so never
// waits for the stream); its last element is the total, copied to pinned host memory.
#include <cuda_runtime.h>
#include <thrust/execution_policy.h>
#include <thrust/transform_scan.h>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/network_kernel.cuh"

namespace spinhop::cuda {

namespace {

struct ToSums {
  __host__ __device__ BatchSums operator()(const NetworkOutcome& o) const {
    const double c = o.converged ? 1.0 : 0.0;
    BatchSums s;
    s.converged = c;
    s.t_solution = o.converged ? o.t_solution : 0.0;
    s.energy = o.converged ? o.energy : 0.0;
    s.steps = static_cast<double>(o.steps);
    return s;
  }
};

struct AddSums {
  __host__ __device__ BatchSums operator()(const BatchSums& a, const BatchSums& b) const {
    BatchSums s;
    s.converged = a.converged + b.converged;
    s.t_solution = a.t_solution + b.t_solution;
    s.energy = a.energy + b.energy;
    s.steps = a.steps + b.steps;
    return s;
  }
};

}  // namespace

std::size_t reduce_scratch_bytes(std::uint64_t count) { return sizeof(BatchSums) * (count ? count : 1); }

void reduce_outcomes_async(const NetworkOutcome* outcomes, std::uint64_t count, void* scratch,
                           BatchSums* out, void* stream) {
  if (count == 0) return;
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  BatchSums* partial = static_cast<BatchSums*>(scratch);
  thrust::transform_inclusive_scan(thrust::cuda::par_nosync.on(s), outcomes, outcomes + count,
                                   partial, ToSums{}, AddSums{});
  SPINHOP_CUDA_CHECK(cudaGetLastError());
  SPINHOP_CUDA_CHECK(cudaMemcpyAsync(out, partial + (count - 1), sizeof(BatchSums),
                                     cudaMemcpyDeviceToHost, s));
}

}  // namespace spinhop::cuda
