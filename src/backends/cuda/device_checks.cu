// Small kernels that evaluate the shared host/device functions on the GPU for the tests: Philox
// known answers and one trial's setup, to compare bit for bit with the CPU.
#include <cuda_runtime.h>

#include <vector>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/group.cuh"
#include "backends/cuda/network_kernel.cuh"
#include "spinhop/physics/rng.hpp"
#include "spinhop/physics/rows.hpp"

namespace spinhop::cuda {

namespace {

constexpr int kMaxSetupNeurons = 1024;

__global__ void philox_kernel(const std::uint32_t* in, std::uint32_t* out, int m) {
  const int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= m) return;
  const std::uint32_t* c = in + 6 * t;
  const Philox4 r = philox4x32_10(Philox4{{c[0], c[1], c[2], c[3]}}, c[4], c[5]);
  for (int i = 0; i < 4; ++i) out[4 * t + i] = r.v[i];
}

// One block, thread j per row: the integration kernels' own build (RowsNetwork::build on a
// GroupExec), then its arrays copied out as doubles.
template <class Real>
__global__ void setup_kernel(PointSpec spec, std::uint64_t local, Real* w, double* x, double* g_m,
                             Real* params, Real* per_neuron, std::uint64_t* words,
                             std::uint32_t* keys, double* out_w, double* out_v_in,
                             double* out_v_dw, double* out_params) {
  __shared__ double scratch[32];
  __shared__ double rows[kMaxSetupNeurons];
  const int n = spec.task.n;
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  int gib = 0;
  const Group g = this_group(static_cast<int>(blockDim.x), &gib);
  RowStorage<Real> st;
  st.x = x;
  st.w = w;
  st.g_m = g_m;
  st.params.carve(params, nn);
  Real* p = per_neuron;
  st.v_bus = p;
  p += kMaxStages * n;
  Real** arrays[] = {&st.vc_bus, &st.v_dw, &st.v_in, &st.g_bus, &st.g_soma_track};
  for (Real** a : arrays) {
    *a = p;
    p += n;
  }
  st.words = words;
  st.keys = keys;
  GroupExec<Real> ex{g, n, scratch, rows, RowVars<Real>{}};
  RowsNetwork<Real, GroupExec<Real>, true, false, false> net(ex, spec, st);
  net.build(local);
  const int j = g.rank;
  if (j >= n) return;
  out_v_in[j] = static_cast<double>(st.v_in[j]);
  out_v_dw[j] = static_cast<double>(st.v_dw[j]);
  for (int i = 0; i < n; ++i) {
    const int d = i * n + j;
    out_w[d] = static_cast<double>(w[d]);
    const DeviceParams<Real> q = st.params.load(d);
    int f = 0;
#define SPINHOP_OUT_FIELD(name, unit, meaning) out_params[(f++) * nn + d] = static_cast<double>(q.name);
    SPINHOP_DEVICE_FIELDS(SPINHOP_OUT_FIELD)
#undef SPINHOP_OUT_FIELD
  }
}

template <class T>
struct DeviceArray {
  T* p = nullptr;
  explicit DeviceArray(std::size_t n) { SPINHOP_CUDA_CHECK(cudaMalloc(&p, sizeof(T) * (n ? n : 1))); }
  ~DeviceArray() { cudaFree(p); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
};

}  // namespace

void philox_on_device(const std::uint32_t* ctr_key, std::uint32_t* out, int m) {
  DeviceArray<std::uint32_t> din(6 * m), dout(4 * m);
  SPINHOP_CUDA_CHECK(cudaMemcpy(din.p, ctr_key, 24 * m, cudaMemcpyHostToDevice));
  philox_kernel<<<(m + 127) / 128, 128>>>(din.p, dout.p, m);
  SPINHOP_CUDA_CHECK(cudaGetLastError());
  SPINHOP_CUDA_CHECK(cudaMemcpy(out, dout.p, 16 * m, cudaMemcpyDeviceToHost));
}

namespace {

template <class Real>
void setup_with(const PointSpec& spec, std::uint64_t local, double* w, double* v_in, double* v_dw,
                double* params) {
  const int n = spec.task.n;
  if (n < 2 || n > kMaxSetupNeurons) throw BackendError("setup_on_device: N out of range");
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  DeviceArray<Real> dw(nn), dparams(kDeviceFields * nn), dneurons((kMaxStages + 5) * n);
  DeviceArray<double> dx(nn), dgm(nn), ow(nn), ovin(n), ovdw(n), oparams(kDeviceFields * nn);
  DeviceArray<std::uint64_t> dwords(n);
  DeviceArray<std::uint32_t> dkeys(n);
  const int threads = ((n + 31) / 32) * 32;
  setup_kernel<Real><<<1, threads>>>(spec, local, dw.p, dx.p, dgm.p, dparams.p, dneurons.p,
                                     dwords.p, dkeys.p, ow.p, ovin.p, ovdw.p, oparams.p);
  SPINHOP_CUDA_CHECK(cudaGetLastError());
  SPINHOP_CUDA_CHECK(cudaMemcpy(w, ow.p, 8 * nn, cudaMemcpyDeviceToHost));
  SPINHOP_CUDA_CHECK(cudaMemcpy(v_in, ovin.p, 8 * n, cudaMemcpyDeviceToHost));
  SPINHOP_CUDA_CHECK(cudaMemcpy(v_dw, ovdw.p, 8 * n, cudaMemcpyDeviceToHost));
  SPINHOP_CUDA_CHECK(cudaMemcpy(params, oparams.p, 8 * kDeviceFields * nn, cudaMemcpyDeviceToHost));
}

}  // namespace

void setup_on_device(const PointSpec& spec, bool double_precision, std::uint64_t local, double* w,
                     double* v_in, double* v_dw, double* params) {
  if (double_precision) {
    setup_with<double>(spec, local, w, v_in, v_dw, params);
  } else {
    setup_with<float>(spec, local, w, v_in, v_dw, params);
  }
}

}  // namespace spinhop::cuda
