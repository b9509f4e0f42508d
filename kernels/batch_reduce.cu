// Batch summaries reduced on the device with Thrust, so a GPU run's progress figures need no
// pass over the outcomes on the host.
#include <cuda_runtime.h>
#include <thrust/execution_policy.h>
#include <thrust/transform_reduce.h>

#include "cuda_check.hpp"
#include "network_kernel.cuh"

namespace spinhop::cuda {

namespace {

struct Sums {
  double converged, t_solution, energy, steps;
};

struct ToSums {
  __host__ __device__ Sums operator()(const NetworkOutcome& o) const {
    const double c = o.converged ? 1.0 : 0.0;
    return Sums{c, c * o.t_solution, c * o.energy, static_cast<double>(o.steps)};
  }
};

struct AddSums {
  __host__ __device__ Sums operator()(const Sums& a, const Sums& b) const {
    return Sums{a.converged + b.converged, a.t_solution + b.t_solution, a.energy + b.energy,
                a.steps + b.steps};
  }
};

}  // namespace

BatchSums reduce_outcomes(const NetworkOutcome* outcomes, std::uint64_t count, void* stream) {
  const Sums s = thrust::transform_reduce(thrust::cuda::par.on(static_cast<cudaStream_t>(stream)),
                                          outcomes, outcomes + count, ToSums{},
                                          Sums{0, 0, 0, 0}, AddSums{});
  BatchSums b;
  b.converged = static_cast<std::uint64_t>(s.converged);
  b.t_solution = s.t_solution;
  b.energy = s.energy;
  b.steps = s.steps;
  return b;
}

}  // namespace spinhop::cuda
