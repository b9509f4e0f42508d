// Small kernels that evaluate the shared host/device functions on the GPU for the tests: Philox
// known answers and one trial's setup, to compare bit for bit with the CPU.
#include <cuda_runtime.h>

#include <vector>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/network_kernel.cuh"
#include "spinhop/physics/rng.hpp"
#include "spinhop/physics/trial_setup.hpp"

namespace spinhop::cuda {

namespace {

__global__ void philox_kernel(const std::uint32_t* in, std::uint32_t* out, int m) {
  const int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= m) return;
  const std::uint32_t* c = in + 6 * t;
  const Philox4 r = philox4x32_10(Philox4{{c[0], c[1], c[2], c[3]}}, c[4], c[5]);
  for (int i = 0; i < 4; ++i) out[4 * t + i] = r.v[i];
}

// One thread per row j, as in the integration kernel.
__global__ void setup_kernel(PointSpec spec, std::uint64_t local, double* w, double* v_in,
                             double* v_dw, double* params, std::uint64_t* words,
                             std::uint32_t* keys) {
  const int n = spec.task.n;
  const int j = threadIdx.x;
  const TrialKey key = spec.key_of(local);
  if (j < n) {
    words[j] = pattern_word(spec.task, key, j);
    if (spec.task.kind == TaskKind::Images) keys[j] = distortion_key(key, j);
  }
  __syncthreads();
  if (j >= n) return;
  const bool flipped =
      spec.task.kind == TaskKind::Images && pixel_flipped(keys, n, spec.task.flips, j);
  v_in[j] = neuron_v_in(spec, key, j, input_bit(spec.task, key, local, j, flipped));
  v_dw[j] = neuron_v_dw(spec, key, j);
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  for (int i = 0; i < n; ++i) {
    const int d = i * n + j;
    w[d] = device_w(spec, key, local, i, j, words[i], words[j]);
    const PhysicalDevice p = device_physical(spec, key, i, j);
    const double vals[7] = {p.r_p, p.r_ap, p.r_m, p.area, p.length, p.mtj_width, p.leak};
    for (int q = 0; q < 7; ++q) params[q * nn + d] = vals[q];
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

void setup_on_device(const PointSpec& spec, bool, std::uint64_t local, double* w, double* v_in,
                     double* v_dw, double* params) {
  const int n = spec.task.n;
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  DeviceArray<double> dw(nn), dvin(n), dvdw(n), dp(7 * nn);
  DeviceArray<std::uint64_t> dwords(n);
  DeviceArray<std::uint32_t> dkeys(n);
  setup_kernel<<<1, ((n + 31) / 32) * 32>>>(spec, local, dw.p, dvin.p, dvdw.p, dp.p, dwords.p,
                                             dkeys.p);
  SPINHOP_CUDA_CHECK(cudaGetLastError());
  SPINHOP_CUDA_CHECK(cudaMemcpy(w, dw.p, 8 * nn, cudaMemcpyDeviceToHost));
  SPINHOP_CUDA_CHECK(cudaMemcpy(v_in, dvin.p, 8 * n, cudaMemcpyDeviceToHost));
  SPINHOP_CUDA_CHECK(cudaMemcpy(v_dw, dvdw.p, 8 * n, cudaMemcpyDeviceToHost));
  SPINHOP_CUDA_CHECK(cudaMemcpy(params, dp.p, 8 * 7 * nn, cudaMemcpyDeviceToHost));
}

}  // namespace spinhop::cuda
