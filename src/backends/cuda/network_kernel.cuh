// Launchers for the network integration kernel: plain arguments only, so the host code that calls
// them never needs nvcc and nvcc never sees CLI11, HDF5 or GoogleTest headers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "spinhop/physics/outcome.hpp"
#include "spinhop/physics/trial.hpp"

namespace spinhop::cuda {

// How the kernel lays out one batch on the GPU.
struct KernelLayout {
  int group = 0;            // threads per network: power of two <= 32 (several networks per warp)
                            // or a multiple of 32 (one network per block)
  int groups_per_block = 0; // networks integrated side by side in one block
  int blocks = 0;           // grid size (grid-stride over the batch's networks)
  int blocks_per_sm = 0;    // resident blocks per multiprocessor (occupancy)
  bool x_in_shared = false; // DW positions in shared memory (else global workspace)
  bool collapsed = false;   // nominal, no noise: one axon position per neuron (lockstep)
  std::size_t shared_bytes = 0;      // dynamic shared memory per block
  std::size_t workspace_bytes = 0;   // global workspace per resident network
};

// What the layout depends on, read off the device.
struct DeviceLimits {
  std::size_t shared_per_block = 48 * 1024;  // opt-in maximum of dynamic shared memory [bytes]
  std::size_t shared_per_sm = 100 * 1024;
  int sm_count = 1;
  int max_threads_per_sm = 2048;
  int max_blocks_per_sm = 32;
};

// Chooses a layout for n neurons (throws BackendError past the kernel's limit of 1024).
// prefer_packing = false puts one network per warp at n <= 32 (for measurements).
// x_shared: -1 automatic, 0 never, 1 when it fits.
KernelLayout choose_layout(int n, bool varied, bool extras, bool double_precision,
                           const DeviceLimits& dev, std::size_t batch, bool prefer_packing = true,
                           int x_shared = -1, bool allow_collapse = true);

// Integrates trials first + k stride (k < count) of a point on the current device, asynchronously on
// `stream`. spec's task pointers must be device pointers. Outputs are device arrays of `count`
// outcomes and count*words state/undecided words; workspace holds layout.workspace_bytes for
// each of layout.blocks*layout.groups_per_block resident networks.
void launch_networks(const PointSpec& spec, bool double_precision, std::uint64_t first,
                     std::uint64_t count, std::uint64_t stride, const KernelLayout& layout,
                     void* workspace,
                     NetworkOutcome* outcomes, std::uint64_t* state, std::uint64_t* undecided,
                     void* stream);

// Device-side sums over a batch's outcomes, reduced with Thrust without blocking the host:
// converged trials, and over converged trials the time to solution [s] and energy [J]; steps
// over all trials.
struct BatchSums {
  double converged = 0;
  double t_solution = 0;
  double energy = 0;
  double steps = 0;
};
// Scratch the reduction needs for `count` outcomes [bytes].
std::size_t reduce_scratch_bytes(std::uint64_t count);
// Enqueues the reduction on `stream`; the result lands in *out (pinned host memory) once the
// stream reaches this point.
void reduce_outcomes_async(const NetworkOutcome* outcomes, std::uint64_t count, void* scratch,
                           BatchSums* out, void* stream);

// Philox known-answer check on the device: writes 4 words per (counter, key) given.
void philox_on_device(const std::uint32_t* ctr_key /* [m][6] */, std::uint32_t* out /* [m][4] */,
                      int m);

// The integration kernels' own trial build (RowsNetwork::build, per-device parameters) run on the
// device for inspection in tests: synapse voltages (n*n), input and V_DW sources (n) and every
// device's integrator parameters (kDeviceFields*n*n, field-major in SPINHOP_DEVICE_FIELDS order),
// in the working precision converted to double.
void setup_on_device(const PointSpec& spec, bool double_precision, std::uint64_t local,
                     double* w, double* v_in, double* v_dw, double* params);

}  // namespace spinhop::cuda
