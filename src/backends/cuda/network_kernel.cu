// One network per thread group, thread j owning row j (the synapses onto dendrite j and soma j):
// the one driver (spinhop/physics/driver.hpp) run with the thread-per-row network policy
// (spinhop/physics/rows.hpp), whose Exec is the thread group (group.cuh). The same policy runs on
// the CPU as the cpu-rows backend, so the CPU-only test suite checks this kernel's algorithm;
// what is CUDA-specific here is storage (shared memory, the global workspace), the group's
// barriers and reductions, and the launch.
#include <cuda_runtime.h>

#include <algorithm>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/group.cuh"
#include "backends/cuda/network_kernel.cuh"
#include "spinhop/physics/rows.hpp"

namespace spinhop::cuda {

namespace {

constexpr int kMaxNeurons = 1024;  // one thread per row, at most one block per network

template <class Real>
struct Shared {  // one group's shared arrays
  Real* v_bus;      // [kMaxStages][n] bus voltages of every stage
  Real* vc_bus;     // [n] combined bus voltages of a stage
  Real* v_dw;
  Real* v_in;
  Real* g_bus;
  Real* g_soma_track;
  std::uint64_t* words;
  std::uint32_t* keys;
  double* energy;
  double* scratch;  // 32 entries, reductions
  std::uint64_t* state;
  std::uint64_t* undecided;
  unsigned char* extra;  // the positions (n*n doubles) when they live in shared memory, or the
                         // collapsed kernel's 2n conductances
};

// extra_bytes: what follows the neuron arrays (positions or collapsed conductances)
template <class Real>
__host__ __device__ std::size_t shared_bytes_per_group(int n, std::size_t extra_bytes) {
  const std::size_t words = static_cast<std::size_t>((n + 63) / 64);
  std::size_t b = (kMaxStages + 5) * sizeof(Real) * n + 8 * n + 4 * n + 8 * n + 8 * 32 + 16 * words;
  b = (b + 15) & ~std::size_t{15};
  b += extra_bytes;
  return (b + 15) & ~std::size_t{15};  // the next group's arrays start 16-byte aligned
}

template <class Real>
__device__ Shared<Real> carve_shared(unsigned char* base, int n, bool x_shared) {
  Shared<Real> s;
  const std::size_t words = static_cast<std::size_t>((n + 63) / 64);
  unsigned char* p = base;
  auto take = [&](std::size_t bytes) {
    unsigned char* r = p;
    p += bytes;
    return r;
  };
  // 8-byte items first, then the rest, so every array stays aligned
  s.words = reinterpret_cast<std::uint64_t*>(take(8 * n));
  s.energy = reinterpret_cast<double*>(take(8 * n));
  s.scratch = reinterpret_cast<double*>(take(8 * 32));
  s.state = reinterpret_cast<std::uint64_t*>(take(8 * words));
  s.undecided = reinterpret_cast<std::uint64_t*>(take(8 * words));
  s.v_bus = reinterpret_cast<Real*>(take(sizeof(Real) * n * kMaxStages));
  s.vc_bus = reinterpret_cast<Real*>(take(sizeof(Real) * n));
  s.v_dw = reinterpret_cast<Real*>(take(sizeof(Real) * n));
  s.v_in = reinterpret_cast<Real*>(take(sizeof(Real) * n));
  s.g_bus = reinterpret_cast<Real*>(take(sizeof(Real) * n));
  s.g_soma_track = reinterpret_cast<Real*>(take(sizeof(Real) * n));
  s.keys = reinterpret_cast<std::uint32_t*>(take(4 * n));
  s.extra = nullptr;
  if (x_shared) {
    const std::size_t used = static_cast<std::size_t>(p - base);
    s.extra = base + ((used + 15) & ~std::size_t{15});
  }
  return s;
}

// Global workspace of one resident network: synapse voltages, positions (unless shared), 1/R_M
// per device and the varied parameters.
template <class Real>
struct Workspace {
  Real* w;
  double* x;
  double* g_m;
  DeviceArrays<Real> params;
};

template <class Real>
__host__ __device__ std::size_t workspace_bytes_per_group(int n, bool varied, bool x_shared) {
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  std::size_t b = nn * sizeof(Real);         // w
  if (!x_shared) b += nn * sizeof(double);   // x
  if (varied) b += nn * sizeof(double) + kDeviceFields * nn * sizeof(Real);
  return (b + 255) & ~std::size_t{255};
}

template <class Real>
__device__ Workspace<Real> carve_workspace(unsigned char* base, int n, bool varied, bool x_shared) {
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  Workspace<Real> ws{};
  unsigned char* p = base;
  if (varied) {
    ws.g_m = reinterpret_cast<double*>(p);
    p += nn * sizeof(double);
  }
  if (!x_shared) {
    ws.x = reinterpret_cast<double*>(p);
    p += nn * sizeof(double);
  }
  ws.w = reinterpret_cast<Real*>(p);
  p += nn * sizeof(Real);
  if (varied) ws.params.carve(reinterpret_cast<Real*>(p), nn);
  return ws;
}

// The arrays of the group's network for the row policy: per-neuron arrays in shared memory,
// synapse voltages and varied parameters in the workspace, positions in either (none when
// collapsed: the shared position slot then holds the column and soma conductances).
template <class Real>
__device__ RowStorage<Real> row_storage(const Shared<Real>& sh, const Workspace<Real>& ws, int n,
                                        bool x_shared, bool collapsed, bool varied) {
  RowStorage<Real> st;
  st.x = collapsed ? nullptr : (x_shared ? reinterpret_cast<double*>(sh.extra) : ws.x);
  st.w = ws.w;
  if (varied) {
    st.g_m = ws.g_m;
    st.params = ws.params;
  }
  st.v_bus = sh.v_bus;
  st.vc_bus = sh.vc_bus;
  st.v_dw = sh.v_dw;
  st.v_in = sh.v_in;
  st.g_bus = sh.g_bus;
  st.g_soma_track = sh.g_soma_track;
  st.words = sh.words;
  st.keys = sh.keys;
  if (collapsed) {
    st.g_axon = reinterpret_cast<Real*>(sh.extra);
    st.g_somas = st.g_axon + n;
  }
  return st;
}

// Extra shared bytes per group: the positions (n*n doubles) when they live in shared memory, or
// the collapsed kernel's 2n conductances.
template <class Real>
__host__ __device__ std::size_t shared_extra(int n, bool x_shared, bool collapsed) {
  if (collapsed) return 2 * static_cast<std::size_t>(n) * sizeof(Real);
  return x_shared ? static_cast<std::size_t>(n) * n * sizeof(double) : 0;
}

template <class Real, bool Varied, bool Extras, bool Collapsed>
__global__ void integrate_kernel(PointSpec spec, std::uint64_t first, std::uint64_t count,
                                 std::uint64_t trial_stride, int group_size,
                                 int groups_per_block, bool x_shared, unsigned char* workspace,
                                 std::size_t ws_bytes, NetworkOutcome* outcomes,
                                 std::uint64_t* state_out, std::uint64_t* undecided_out) {
  extern __shared__ __align__(16) unsigned char smem[];
  const int n = spec.task.n;
  int gib = 0;  // this thread's group in the block
  const Group g = this_group(group_size, &gib);
  const bool shared_slot = Collapsed || x_shared;
  const std::size_t per_group_smem =
      shared_bytes_per_group<Real>(n, shared_extra<Real>(n, x_shared, Collapsed));
  const Shared<Real> sh = carve_shared<Real>(smem + gib * per_group_smem, n, shared_slot);
  const std::uint64_t slot = static_cast<std::uint64_t>(blockIdx.x) * groups_per_block + gib;
  const Workspace<Real> ws =
      carve_workspace<Real>(workspace + slot * ws_bytes, n, Varied, shared_slot);
  GroupExec<Real> ex{g, n, sh.scratch, sh.energy, RowVars<Real>{}};
  RowsNetwork<Real, GroupExec<Real>, Varied, Extras, Collapsed> net(
      ex, spec, row_storage<Real>(sh, ws, n, x_shared, Collapsed, Varied));
  const int words = words_for(n);
  const int j = g.rank;
  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * groups_per_block;
  for (std::uint64_t k = slot; k < count; k += stride) {
    net.build(first + k * trial_stride);
    NetworkOutcome out = integrate_trial(net, spec.integ);
    // the read-out, bit-packed in shared memory, then written out with the outcome
    if (j < words) {
      sh.state[j] = 0;
      sh.undecided[j] = 0;
    }
    g.sync();
    net.read_out(sh.state, sh.undecided);
    if (j == 0) {
      int undecided = 0;
      for (int w = 0; w < words; ++w) undecided += __popcll(sh.undecided[w]);
      out.undecided = undecided;
      outcomes[k] = out;
    }
    if (j < words) {
      state_out[k * words + j] = sh.state[j];
      undecided_out[k * words + j] = sh.undecided[j];
    }
    g.sync();
  }
}

int round_up(int v, int m) { return (v + m - 1) / m * m; }

// Calls f with the kernel instantiation for the precision, variation and extras flags, or the
// collapsed one.
template <class Real, class F>
void dispatch_real(bool varied, bool extras, bool collapsed, F&& f) {
  if (collapsed) {
    f(integrate_kernel<Real, false, false, true>);
  } else if (varied) {
    if (extras) f(integrate_kernel<Real, true, true, false>); else f(integrate_kernel<Real, true, false, false>);
  } else {
    if (extras) f(integrate_kernel<Real, false, true, false>); else f(integrate_kernel<Real, false, false, false>);
  }
}
template <class F>
void dispatch(bool double_precision, bool varied, bool extras, bool collapsed, F&& f) {
  if (double_precision) {
    dispatch_real<double>(varied, extras, collapsed, f);
  } else {
    dispatch_real<float>(varied, extras, collapsed, f);
  }
}

}  // namespace

KernelLayout choose_layout(int n, bool varied, bool extras, bool double_precision,
                           const DeviceLimits& dev, std::size_t batch, bool prefer_packing,
                           int x_shared, bool allow_collapse) {
  if (n < 2 || n > kMaxNeurons) {
    throw BackendError("the CUDA backend integrates networks of 2 to " +
                       std::to_string(kMaxNeurons) + " neurons (one thread per row); N = " +
                       std::to_string(n) + " needs --backend cpu");
  }
  KernelLayout L;
  if (n <= 32 && prefer_packing) {
    L.group = 2;
    while (L.group < n) L.group *= 2;
    L.groups_per_block = 128 / L.group;
  } else if (n <= 32) {
    L.group = 32;
    L.groups_per_block = 4;
  } else {
    L.group = round_up(n, 32);
    L.groups_per_block = 1;
  }
  // the collapse condition of trial.hpp (collapsible()) in the flags the layout is chosen from
  const bool collapsed = allow_collapse && !varied && !extras;
  auto smem = [&](bool xs) {
    return (double_precision ? shared_bytes_per_group<double>(n, shared_extra<double>(n, xs, collapsed))
                             : shared_bytes_per_group<float>(n, shared_extra<float>(n, xs, collapsed))) *
           L.groups_per_block;
  };
  // positions in shared memory when they fit with room for two blocks per multiprocessor; by
  // default only above 32 neurons: measured on an H200 (docs/performance.md), shared positions
  // gain 10% at N=60 and 40% at N=100 but lose 16% at N=10 and 5% at N=29, where several
  // networks share a block and their arrays collide in the shared-memory banks
  const bool fits = smem(true) <= dev.shared_per_block && 2 * smem(true) <= dev.shared_per_sm;
  L.x_in_shared = collapsed ? false : (x_shared < 0 ? (fits && n > 32) : (x_shared == 1 && fits));
  L.collapsed = collapsed;
  L.shared_bytes = smem(L.x_in_shared);
  // the collapsed kernel keeps no positions: only the synapse voltages in the workspace
  const bool no_x = L.x_in_shared || collapsed;
  L.workspace_bytes = double_precision ? workspace_bytes_per_group<double>(n, varied, no_x)
                                       : workspace_bytes_per_group<float>(n, varied, no_x);
  const int threads = L.group * L.groups_per_block;
  if (L.shared_bytes > dev.shared_per_block) {
    throw BackendError("N = " + std::to_string(n) + " needs " + std::to_string(L.shared_bytes) +
                       " bytes of shared memory per block; this GPU allows " +
                       std::to_string(dev.shared_per_block));
  }
  // resident blocks per multiprocessor as the occupancy calculator gives them (registers,
  // threads, shared memory): the grid is one wave, every block grid-strides over the batch
  int per_sm = 0;
  auto occupancy = [&](auto kernel) {
    if (L.shared_bytes > 48 * 1024) {
      SPINHOP_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                              static_cast<int>(L.shared_bytes)));
    }
    SPINHOP_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, threads,
                                                                     L.shared_bytes));
  };
  dispatch(double_precision, varied, extras, collapsed, occupancy);
  per_sm = std::max(per_sm, 1);
  L.blocks_per_sm = per_sm;
  const std::size_t needed = (batch + L.groups_per_block - 1) / L.groups_per_block;
  L.blocks = static_cast<int>(
      std::min<std::size_t>(needed, static_cast<std::size_t>(dev.sm_count) * per_sm));
  L.blocks = std::max(L.blocks, 1);
  return L;
}

void launch_networks(const PointSpec& spec, bool double_precision, std::uint64_t first,
                     std::uint64_t count, std::uint64_t trial_stride, const KernelLayout& L,
                     void* workspace,
                     NetworkOutcome* outcomes, std::uint64_t* state, std::uint64_t* undecided,
                     void* stream) {
  const bool varied = spec.per_device != 0;
  const dim3 grid(static_cast<unsigned>(L.blocks));
  const dim3 block(static_cast<unsigned>(L.group * L.groups_per_block));
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  auto go = [&](auto kernel) {
    if (L.shared_bytes > 48 * 1024) {
      SPINHOP_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                              static_cast<int>(L.shared_bytes)));
    }
    kernel<<<grid, block, L.shared_bytes, s>>>(spec, first, count, trial_stride, L.group,
                                               L.groups_per_block,
                                               L.x_in_shared,
                                               static_cast<unsigned char*>(workspace),
                                               L.workspace_bytes, outcomes, state, undecided);
    SPINHOP_CUDA_CHECK(cudaGetLastError());
  };
  dispatch(double_precision, varied, spec.integ.extras(), L.collapsed, go);
}

}  // namespace spinhop::cuda
