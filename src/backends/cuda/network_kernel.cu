// One network per thread group: the N^2 coupled DW-MTJ ODEs of a whole network integrated by N
// threads, thread j owning row j (the synapses onto dendrite j and soma j). The sequence of
// shared physics functions is the CPU reference's (src/cpu_network.cpp), operation for operation:
// row sums accumulate in column order, maxima are order-free, energy sums run in row order.
#include <cuda_runtime.h>

#include <algorithm>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/network_kernel.cuh"
#include "spinhop/physics/network.hpp"
#include "spinhop/physics/trial_setup.hpp"

namespace spinhop::cuda {

namespace {

constexpr int kMaxNeurons = 1024;  // one thread per row, at most one block per network

// The threads that integrate one network: a power-of-two slice of a warp, or a whole block.
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

// Maximum over the group, returned to every thread. scratch: 32 words of shared memory per group.
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

template <class Real>
struct Shared {  // one group's shared arrays
  Real* v_bus;
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
  Real* x;          // n*n when the positions live in shared memory
};

// extra: Reals after the neuron arrays (the positions, n*n, or the collapsed kernel's 2n
// conductances)
template <class Real>
__host__ __device__ std::size_t shared_bytes_per_group(int n, std::size_t extra) {
  const std::size_t words = static_cast<std::size_t>((n + 63) / 64);
  std::size_t b = 5 * sizeof(Real) * n + 8 * n + 4 * n + 8 * n + 8 * 32 + 16 * words;
  b = (b + 15) & ~std::size_t{15};
  b += sizeof(Real) * extra;
  return (b + 15) & ~std::size_t{15};  // the next group's arrays start 16-byte aligned
}

template <class Real>
__host__ __device__ std::size_t full_kernel_extra(int n, bool x_shared) {
  return x_shared ? static_cast<std::size_t>(n) * n : 0;
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
  s.v_bus = reinterpret_cast<Real*>(take(sizeof(Real) * n));
  s.v_dw = reinterpret_cast<Real*>(take(sizeof(Real) * n));
  s.v_in = reinterpret_cast<Real*>(take(sizeof(Real) * n));
  s.g_bus = reinterpret_cast<Real*>(take(sizeof(Real) * n));
  s.g_soma_track = reinterpret_cast<Real*>(take(sizeof(Real) * n));
  s.keys = reinterpret_cast<std::uint32_t*>(take(4 * n));
  s.x = nullptr;
  if (x_shared) {
    const std::size_t used = static_cast<std::size_t>(p - base);
    p = base + ((used + 15) & ~std::size_t{15});
    s.x = reinterpret_cast<Real*>(p);
  }
  return s;
}

// Global workspace of one resident network: synapse voltages, positions (unless shared), 1/R_M
// per device and the varied parameters.
template <class Real>
struct Workspace {
  Real* w;
  Real* x;
  double* g_m;
  Real* params[8];
};

template <class Real>
__host__ __device__ std::size_t workspace_bytes_per_group(int n, bool varied, bool x_shared) {
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  std::size_t b = nn * sizeof(Real);        // w
  if (!x_shared) b += nn * sizeof(Real);    // x
  if (varied) b += nn * sizeof(double) + 8 * nn * sizeof(Real);
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
  ws.w = reinterpret_cast<Real*>(p);
  p += nn * sizeof(Real);
  if (!x_shared) {
    ws.x = reinterpret_cast<Real*>(p);
    p += nn * sizeof(Real);
  }
  if (varied) {
    for (int k = 0; k < 8; ++k) {
      ws.params[k] = reinterpret_cast<Real*>(p);
      p += nn * sizeof(Real);
    }
  }
  return ws;
}

// Build trial `local` into the group's storage: the device half of CpuNetwork::build().
template <class Real>
__device__ void build_network(const PointSpec& spec, std::uint64_t local, const Group& g,
                              const Shared<Real>& sh, const Workspace<Real>& ws, Real* x,
                              bool varied) {
  const int n = spec.task.n;
  const int j = g.rank;
  const bool active = j < n;
  const TrialKey key = spec.key_of(local);
  if (active) {
    sh.words[j] = pattern_word(spec.task, key, j);
    if (spec.task.kind == TaskKind::Images) sh.keys[j] = distortion_key(key, j);
  }
  g.sync();
  if (active) {
    const bool flipped = spec.task.kind == TaskKind::Images &&
                         pixel_flipped(sh.keys, n, spec.task.flips, j);
    sh.v_in[j] = static_cast<Real>(
        neuron_v_in(spec, key, j, input_bit(spec.task, key, local, j, flipped)));
    sh.v_dw[j] = static_cast<Real>(neuron_v_dw(spec, key, j));
    for (int i = 0; i < n; ++i) {
      const int d = i * n + j;
      ws.w[d] = static_cast<Real>(device_w(spec, key, local, i, j, sh.words[i], sh.words[j]));
      if (x != nullptr) x[d] = Real(0);
      if (varied) {
        const PhysicalDevice phys = device_physical(spec, key, i, j);
        ws.g_m[d] = 1.0 / phys.r_m;
        const DeviceParams<Real> p =
            integrator_params<Real>(phys, spec.k_prefactor, spec.integ.i_depin);
        const Real fields[8] = {p.g_ap, p.dg, p.x_lo, p.inv_w, p.len, p.kg, p.leak, p.v_pin};
        for (int q = 0; q < 8; ++q) ws.params[q][d] = fields[q];
      }
    }
  }
  g.sync();
  if (active) {
    if (varied) {
      sh.g_bus[j] = static_cast<Real>(axon_bus_conductance(n, j, [&](int d) { return ws.g_m[d]; }));
      sh.g_soma_track[j] = static_cast<Real>(ws.g_m[j * n + j]);
    } else {
      // nominal: every device has the nominal R_M (CpuNetwork stores 1/R_M per device and sums)
      const double gm_axon = 1.0 / spec.axon.r_m;
      sh.g_bus[j] = static_cast<Real>(axon_bus_conductance(n, j, [&](int) { return gm_axon; }));
      sh.g_soma_track[j] = static_cast<Real>(1.0 / spec.soma.r_m);
    }
  }
  g.sync();
}

// The group of threads integrating one network: the whole block (N > 32) or a power-of-two
// slice of a warp. *in_block: which group of the block this thread belongs to.
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

// The network as the shared physics sees it: per-neuron arrays, weights, nominal parameters
// (a varied network's per-device parameters are added by the caller).
template <class Real>
__device__ __forceinline__ NetworkView<Real> nominal_view(const PointSpec& spec, const Shared<Real>& sh,
                                          const Workspace<Real>& ws) {
  NetworkView<Real> net{};
  net.n = spec.task.n;
  net.w = ws.w;
  net.v_dw = sh.v_dw;
  net.v_in = sh.v_in;
  net.g_bus = sh.g_bus;
  net.g_soma_track = sh.g_soma_track;
  net.soma_nominal = integrator_params<Real>(spec.soma, spec.k_prefactor, spec.integ.i_depin);
  net.axon_nominal = integrator_params<Real>(spec.axon, spec.k_prefactor, spec.integ.i_depin);
  return net;
}

// What the time line makes of the fastest wall speed vmax (the rules of the CPU loop).
enum class StepVerdict { Stop, SwitchOff, Step };

// Stop: converged or timed out, `out` holds the time to solution (the last step's energy cut back
// to it). SwitchOff: the inputs are off now; solve the nodes again. Step: `*dt` is the step and
// its energy (the power at the step's start x dt) is accumulated.
__device__ __forceinline__ StepVerdict judge_step(const Group& g, const IntegratorConsts& c, TimeLine& tl,
                                  double vmax, double last_prev, double* scratch, double power,
                                  double& power_prev, double& energy, NetworkOutcome& out,
                                  double* dt) {
  const StepDecision decision = decide_step(c, tl, vmax);
  if (decision == StepDecision::Converged) {
    const double last = tl.prev_step_relaxing ? group_max(g, last_prev, scratch) : 0.0;
    out.t_solution = solution_time(tl, last);
    if (tl.prev_step_relaxing) energy = energy - power_prev * (tl.dt_prev - last);
    out.converged = 1;
    return StepVerdict::Stop;
  }
  if (decision == StepDecision::SwitchOff) {
    switch_off_inputs(tl);
    return StepVerdict::SwitchOff;
  }
  if (decision == StepDecision::TimedOut) {
    out.t_solution = tl.t;
    out.converged = 0;
    return StepVerdict::Stop;
  }
  *dt = step_length(c, tl, vmax);
  energy = energy + power * *dt;
  power_prev = power;
  return StepVerdict::Step;
}

// The end of trial k: energy summed in row order, soma j's read-out `bit` (1, 0, or -1 for
// undecided) packed into the state words, the outcome and the words written out.
template <class Real>
__device__ __forceinline__ void finish_trial(const Group& g, const Shared<Real>& sh, int n, int j, bool active,
                             double energy, int bit, const TimeLine& tl, NetworkOutcome& out,
                             std::uint64_t k, NetworkOutcome* outcomes, std::uint64_t* state_out,
                             std::uint64_t* undecided_out) {
  const int words = (n + 63) / 64;
  out.t_switch = tl.t_switch;
  out.steps = tl.steps;
  if (active) sh.energy[j] = energy;
  if (j < words) {
    sh.state[j] = 0;
    sh.undecided[j] = 0;
  }
  g.sync();
  if (active && bit == 1) {
    atomicOr(reinterpret_cast<unsigned long long*>(&sh.state[j >> 6]), 1ull << (j & 63));
  }
  if (active && bit < 0) {
    atomicOr(reinterpret_cast<unsigned long long*>(&sh.undecided[j >> 6]), 1ull << (j & 63));
  }
  g.sync();
  if (j == 0) {
    double e = 0.0;
    for (int r = 0; r < n; ++r) e = e + sh.energy[r];
    out.energy = e;
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

// Velocity as the step sees it: plain (fast path) or with the depinning threshold.
template <class Real, bool Extras>
__device__ __forceinline__ Real velocity(const DeviceParams<Real>& p, Real v_track) {
  if constexpr (Extras) {
    return wall_velocity_pinned(p, v_track);
  } else {
    return wall_velocity(p, v_track);
  }
}

template <class Real, bool Varied, bool Extras>
__global__ void integrate_kernel(PointSpec spec, std::uint64_t first, std::uint64_t count,
                                 std::uint64_t trial_stride,
                                 int group_size, int groups_per_block, bool x_shared,
                                 unsigned char* workspace, std::size_t ws_bytes,
                                 NetworkOutcome* outcomes, std::uint64_t* state_out,
                                 std::uint64_t* undecided_out) {
  extern __shared__ __align__(16) unsigned char smem[];
  const int n = spec.task.n;
  int gib = 0;  // this thread's group in the block
  const Group g = this_group(group_size, &gib);
  const std::size_t per_group_smem =
      shared_bytes_per_group<Real>(n, full_kernel_extra<Real>(n, x_shared));
  const Shared<Real> sh = carve_shared<Real>(smem + gib * per_group_smem, n, x_shared);
  const std::uint64_t slot = static_cast<std::uint64_t>(blockIdx.x) * groups_per_block + gib;
  const Workspace<Real> ws = carve_workspace<Real>(workspace + slot * ws_bytes, n, Varied, x_shared);
  Real* x = x_shared ? sh.x : ws.x;
  const int j = g.rank;
  const bool active = j < n;
  const IntegratorConsts c = spec.integ;
  const Real v_tol = static_cast<Real>(c.v_tol);

  NetworkView<Real> net = nominal_view<Real>(spec, sh, ws);
  if (Varied) {
    net.g_ap = ws.params[0];
    net.dg = ws.params[1];
    net.x_lo = ws.params[2];
    net.inv_w = ws.params[3];
    net.len = ws.params[4];
    net.kg = ws.params[5];
    net.leak = ws.params[6];
    net.v_pin = ws.params[7];
  }

  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * groups_per_block;
  for (std::uint64_t k = slot; k < count; k += stride) {
    const std::uint64_t local = first + k * trial_stride;
    build_network<Real>(spec, local, g, sh, ws, x, Varied);

    // refresh: conductances and row sums at the initial positions, then the node solve
    DendriteSums<Real> sums{Real(0), Real(0), Real(0)};
    Real g_soma = Real(0), v_dend = Real(0), v_bus = Real(0);
    double power = 0.0, power_prev = 0.0, energy = 0.0, last_prev = 0.0;
    if (active) {
      for (int i = 0; i < n; ++i) {
        const int d = i * n + j;
        const DeviceParams<Real> p = device_at(net, d, i == j);
        const Real gd = mtj_conductance(p, x[d]);
        dendrite_accumulate(sums, gd, net.w[d], i == j);
        if (i == j) g_soma = gd;
      }
      power = neuron_nodes(net, j, sums, g_soma, true, &v_bus, &v_dend);
      sh.v_bus[j] = v_bus;
    }
    g.sync();

    TimeLine tl;
    NetworkOutcome out;
    for (;;) {
      // pass A: the fastest moving wall
      Real speed = Real(0);
      if (active) {
        for (int i = 0; i < n; ++i) {
          const int d = i * n + j;
          const bool soma = i == j;
          const DeviceParams<Real> p = device_at(net, d, soma);
          const Real v = velocity<Real, Extras>(p, soma ? v_dend : sh.v_bus[i]);
          speed = hd::max_(speed, wall_motion_speed(p, x[d], v, v_tol));
        }
      }
      const double vmax =
          static_cast<double>(group_max(g, speed, reinterpret_cast<Real*>(sh.scratch)));
      double dt = 0.0;
      const StepVerdict verdict = judge_step(g, c, tl, vmax, last_prev, sh.scratch, power,
                                             power_prev, energy, out, &dt);
      if (verdict == StepVerdict::Stop) break;
      if (verdict == StepVerdict::SwitchOff) {
        g.sync();
        if (active) {
          power = neuron_nodes(net, j, sums, g_soma, false, &v_bus, &v_dend);
          sh.v_bus[j] = v_bus;
        }
        g.sync();
        continue;
      }
      const double kick_scale = Extras ? thermal_kick_scale(c, dt) : 0.0;
      const TrialKey key = spec.key_of(local);
      // pass B: move, recompute conductances and the row sums
      sums = DendriteSums<Real>{Real(0), Real(0), Real(0)};
      double last = 0.0;
      const Real dt_r = static_cast<Real>(dt);
      if (active) {
        for (int i = 0; i < n; ++i) {
          const int d = i * n + j;
          const bool soma = i == j;
          const DeviceParams<Real> p = device_at(net, d, soma);
          const Real xd = x[d];
          const Real v_track = soma ? v_dend : sh.v_bus[i];
          const Real v = velocity<Real, Extras>(p, v_track);
          last = hd::max_(last, wall_motion_time(p, xd, v, v_tol, dt));
          Real xn;
          if constexpr (Extras) {
            const Real kick = thermal_kick(p, xd, v_track, v, key, d, tl.steps, kick_scale);
            xn = wall_advance_kicked(p, xd, v, dt_r, kick);
          } else {
            xn = wall_advance(p, xd, v, dt_r);
          }
          x[d] = xn;
          const Real gd = mtj_conductance(p, xn);
          dendrite_accumulate(sums, gd, net.w[d], soma);
          if (soma) g_soma = gd;
        }
      }
      last_prev = last;
      finish_step(c, tl, dt);
      g.sync();
      if (active) {
        power = neuron_nodes(net, j, sums, g_soma, tl.phase == kLoading, &v_bus, &v_dend);
        sh.v_bus[j] = v_bus;
      }
      g.sync();
    }
    int bit = 0;
    if (active) {
      const int d = j * n + j;
      bit = wall_readout(x[d], device_at(net, d, true).len, static_cast<Real>(spec.read_hi),
                         static_cast<Real>(spec.read_lo));
    }
    finish_trial<Real>(g, sh, n, j, active, energy, bit, tl, out, k, outcomes, state_out,
                       undecided_out);
  }
}

// Nominal networks without noise: every axon of neuron j is the same device on the same bus from
// the same start, so the axons of a column move in lockstep to the bit and one position per
// column stands for all (as in the CPU's collapsed path). Thread j keeps column j's axon and
// soma j in registers; only the dendrite row sums still run over all N^2 synapses.
template <class Real>
__global__ void integrate_collapsed_kernel(PointSpec spec, std::uint64_t first,
                                           std::uint64_t count, std::uint64_t trial_stride,
                                           int group_size, int groups_per_block, bool,
                                           unsigned char* workspace, std::size_t ws_bytes,
                                           NetworkOutcome* outcomes, std::uint64_t* state_out,
                                           std::uint64_t* undecided_out) {
  extern __shared__ __align__(16) unsigned char smem[];
  const int n = spec.task.n;
  int gib = 0;
  const Group g = this_group(group_size, &gib);
  // per group: the usual neuron arrays plus the column and soma conductances (2 n Real), carved
  // where the positions would otherwise go
  const std::size_t per_group_smem = shared_bytes_per_group<Real>(n, 2 * static_cast<std::size_t>(n));
  const Shared<Real> sh = carve_shared<Real>(smem + gib * per_group_smem, n, true);
  Real* g_axon = sh.x;
  Real* g_somas = sh.x + n;
  const std::uint64_t slot = static_cast<std::uint64_t>(blockIdx.x) * groups_per_block + gib;
  const Workspace<Real> ws = carve_workspace<Real>(workspace + slot * ws_bytes, n, false, true);
  const int j = g.rank;
  const bool active = j < n;
  const IntegratorConsts c = spec.integ;
  const Real v_tol = static_cast<Real>(c.v_tol);

  NetworkView<Real> net = nominal_view<Real>(spec, sh, ws);
  const DeviceParams<Real> pa = net.axon_nominal, ps = net.soma_nominal;

  // the row sums of dendrite j from the column and soma conductances in shared memory
  auto row_sums = [&]() {
    DendriteSums<Real> s{Real(0), Real(0), Real(0)};
    for (int i = 0; i < n; ++i) {
      const bool soma = i == j;
      dendrite_accumulate(s, soma ? g_somas[i] : g_axon[i], net.w[i * n + j], soma);
    }
    return s;
  };

  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * groups_per_block;
  for (std::uint64_t k = slot; k < count; k += stride) {
    const std::uint64_t local = first + k * trial_stride;
    build_network<Real>(spec, local, g, sh, ws, static_cast<Real*>(nullptr), false);

    Real xa = Real(0), xs = Real(0);  // column j's axons, soma j
    DendriteSums<Real> sums{Real(0), Real(0), Real(0)};
    Real g_soma = Real(0), v_dend = Real(0), v_bus = Real(0);
    double power = 0.0, power_prev = 0.0, energy = 0.0, last_prev = 0.0;
    if (active) {
      g_axon[j] = mtj_conductance(pa, xa);
      g_somas[j] = g_soma = mtj_conductance(ps, xs);
    }
    g.sync();
    if (active) {
      sums = row_sums();
      power = neuron_nodes(net, j, sums, g_soma, true, &v_bus, &v_dend);
      sh.v_bus[j] = v_bus;
    }
    g.sync();

    TimeLine tl;
    NetworkOutcome out;
    for (;;) {
      Real speed = Real(0);
      if (active) {
        speed = hd::max_(wall_motion_speed(pa, xa, wall_velocity(pa, v_bus), v_tol),
                         wall_motion_speed(ps, xs, wall_velocity(ps, v_dend), v_tol));
      }
      const double vmax =
          static_cast<double>(group_max(g, speed, reinterpret_cast<Real*>(sh.scratch)));
      double dt = 0.0;
      const StepVerdict verdict = judge_step(g, c, tl, vmax, last_prev, sh.scratch, power,
                                             power_prev, energy, out, &dt);
      if (verdict == StepVerdict::Stop) break;
      if (verdict == StepVerdict::SwitchOff) {
        g.sync();
        if (active) {
          power = neuron_nodes(net, j, sums, g_soma, false, &v_bus, &v_dend);
          sh.v_bus[j] = v_bus;
        }
        g.sync();
        continue;
      }
      const Real dt_r = static_cast<Real>(dt);
      if (active) {
        const Real va = wall_velocity(pa, v_bus), vs = wall_velocity(ps, v_dend);
        last_prev = hd::max_(wall_motion_time(pa, xa, va, v_tol, dt),
                             wall_motion_time(ps, xs, vs, v_tol, dt));
        xa = wall_advance(pa, xa, va, dt_r);
        xs = wall_advance(ps, xs, vs, dt_r);
      }
      finish_step(c, tl, dt);
      g.sync();  // every thread is done with the old conductances and bus voltages
      if (active) {
        g_axon[j] = mtj_conductance(pa, xa);
        g_somas[j] = g_soma = mtj_conductance(ps, xs);
      }
      g.sync();
      if (active) {
        sums = row_sums();
        power = neuron_nodes(net, j, sums, g_soma, tl.phase == kLoading, &v_bus, &v_dend);
      }
      g.sync();
      if (active) sh.v_bus[j] = v_bus;
      g.sync();
    }
    const int bit = active ? wall_readout(xs, ps.len, static_cast<Real>(spec.read_hi),
                                          static_cast<Real>(spec.read_lo))
                           : 0;
    finish_trial<Real>(g, sh, n, j, active, energy, bit, tl, out, k, outcomes, state_out,
                       undecided_out);
  }
}

int round_up(int v, int m) { return (v + m - 1) / m * m; }

// Calls f with the kernel instantiation for the precision, variation and extras flags, or the
// collapsed kernel.
template <class F>
void dispatch(bool double_precision, bool varied, bool extras, bool collapsed, F&& f) {
  if (collapsed) {
    if (double_precision) f(integrate_collapsed_kernel<double>); else f(integrate_collapsed_kernel<float>);
    return;
  }
  if (double_precision) {
    if (varied) {
      if (extras) f(integrate_kernel<double, true, true>); else f(integrate_kernel<double, true, false>);
    } else {
      if (extras) f(integrate_kernel<double, false, true>); else f(integrate_kernel<double, false, false>);
    }
  } else {
    if (varied) {
      if (extras) f(integrate_kernel<float, true, true>); else f(integrate_kernel<float, true, false>);
    } else {
      if (extras) f(integrate_kernel<float, false, true>); else f(integrate_kernel<float, false, false>);
    }
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
  const std::size_t real = double_precision ? sizeof(double) : sizeof(float);
  const bool collapsed = allow_collapse && !varied && !extras;
  auto smem = [&](bool xs) {
    const std::size_t extra = collapsed ? 2 * static_cast<std::size_t>(n)
                                        : (xs ? static_cast<std::size_t>(n) * n : 0);
    return (double_precision ? shared_bytes_per_group<double>(n, extra)
                             : shared_bytes_per_group<float>(n, extra)) *
           L.groups_per_block;
  };
  // positions in shared memory when they fit with room for two blocks per multiprocessor; by
  // default only above 32 neurons: measured on an H200 (docs/performance.md), shared positions
  // gain 10% at N=60 and 40% at N=100 but lose 16% at N=10 and 5% at N=29, where several
  // networks share a block and their arrays collide in the shared-memory banks
  const bool fits = smem(true) <= dev.shared_per_block && 2 * smem(true) <= dev.shared_per_sm;
  L.x_in_shared = collapsed ? false : (x_shared < 0 ? (fits && n > 32) : (x_shared == 1 && fits));
  L.collapsed = collapsed;
  (void)real;
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
