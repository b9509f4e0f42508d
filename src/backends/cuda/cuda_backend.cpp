// The CUDA backend's host side: device selection, task data upload, batches streamed through two
// CUDA streams with pinned host buffers, so the GPU integrates batch k+1 while the host scores
// and writes batch k.
#include <cuda_runtime.h>

#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/network_kernel.cuh"
#include "spinhop/backend.hpp"
#include "spinhop/errors.hpp"

namespace spinhop {

namespace {

using cuda::KernelLayout;

// A device allocation that grows on demand.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { cudaFree(p_); }
  void* ensure(std::size_t bytes) {
    if (bytes > size_) {
      cudaFree(p_);
      p_ = nullptr;
      SPINHOP_CUDA_CHECK(cudaMalloc(&p_, bytes));
      size_ = bytes;
    }
    return p_;
  }
  void* get() const { return p_; }

 private:
  void* p_ = nullptr;
  std::size_t size_ = 0;
};

// A page-locked host allocation that grows on demand (asynchronous copies need pinned memory).
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  ~PinnedBuffer() { cudaFreeHost(p_); }
  void* ensure(std::size_t bytes) {
    if (bytes > size_) {
      cudaFreeHost(p_);
      p_ = nullptr;
      SPINHOP_CUDA_CHECK(cudaMallocHost(&p_, bytes));
      size_ = bytes;
    }
    return p_;
  }

 private:
  void* p_ = nullptr;
  std::size_t size_ = 0;
};

// Host task data mirrored on the device; re-uploaded only when its contents change.
class Mirror {
 public:
  template <class T>
  bool changed(const T* host, std::size_t count) const {
    if (host == nullptr || count == 0) return false;
    const std::size_t bytes = sizeof(T) * count;
    return shadow_.size() != bytes || std::memcmp(shadow_.data(), host, bytes) != 0;
  }
  template <class T>
  const T* sync(const T* host, std::size_t count) {
    if (host == nullptr || count == 0) return nullptr;
    const std::size_t bytes = sizeof(T) * count;
    if (shadow_.size() != bytes || std::memcmp(shadow_.data(), host, bytes) != 0) {
      shadow_.assign(reinterpret_cast<const unsigned char*>(host),
                     reinterpret_cast<const unsigned char*>(host) + bytes);
      SPINHOP_CUDA_CHECK(cudaMemcpy(buf_.ensure(bytes), host, bytes, cudaMemcpyHostToDevice));
    }
    return static_cast<const T*>(buf_.get());
  }

 private:
  std::vector<unsigned char> shadow_;
  DeviceBuffer buf_;
};

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(int device) : device_(device) {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count == 0) {
      throw BackendError("--backend cuda: no CUDA device is usable here (" +
                         std::string(e == cudaSuccess ? "no GPU found" : cudaGetErrorString(e)) +
                         ")");
    }
    if (device < 0 || device >= count) {
      throw BackendError("--device " + std::to_string(device) + ": there are " +
                         std::to_string(count) + " CUDA devices (0.." + std::to_string(count - 1) +
                         ")");
    }
    SPINHOP_CUDA_CHECK(cudaSetDevice(device));
    SPINHOP_CUDA_CHECK(cudaGetDeviceProperties(&prop_, device));
    limits_.shared_per_block = prop_.sharedMemPerBlockOptin;
    limits_.shared_per_sm = prop_.sharedMemPerMultiprocessor;
    limits_.sm_count = prop_.multiProcessorCount;
    limits_.max_threads_per_sm = prop_.maxThreadsPerMultiProcessor;
    limits_.max_blocks_per_sm = prop_.maxBlocksPerMultiProcessor;
    for (Slot& s : slots_) {
      SPINHOP_CUDA_CHECK(cudaStreamCreateWithFlags(&s.stream, cudaStreamNonBlocking));
      SPINHOP_CUDA_CHECK(cudaEventCreateWithFlags(&s.done, cudaEventDisableTiming));
    }
  }
  ~CudaBackend() override {
    for (Slot& s : slots_) {
      cudaStreamSynchronize(s.stream);
      cudaEventDestroy(s.done);
      cudaStreamDestroy(s.stream);
    }
  }

  std::string name() const override { return "cuda"; }
  std::string device_name() const override {
    return std::string(prop_.name) + " (device " + std::to_string(device_) + ", " +
           std::to_string(prop_.multiProcessorCount) + " SMs)";
  }
  std::uint64_t preferred_batch(int n) const override {
    const KernelLayout L = cuda::choose_layout(n, false, false, false, limits_, 1u << 30, true,
                                               -1, collapse_);
    // four grids' worth of networks per batch keeps the device busy between launches
    return 4ull * static_cast<std::uint64_t>(L.blocks) * L.groups_per_block;
  }
  int max_in_flight() const override { return 2; }

  void run(const PointSpec& spec, Precision precision, std::uint64_t first, std::uint64_t count,
           BatchOutcome& out, std::uint64_t stride) override {
    submit(spec, precision, first, count, stride);
    collect(out);
  }

  void submit(const PointSpec& host_spec, Precision precision, std::uint64_t first,
              std::uint64_t count, std::uint64_t stride) override {
    if (queue_.size() >= 2) throw BackendError("more than two CUDA batches in flight");
    SPINHOP_CUDA_CHECK(cudaSetDevice(device_));
    Slot& s = slots_[next_slot_];
    next_slot_ = 1 - next_slot_;
    const int n = host_spec.task.n;
    const int words = (n + 63) / 64;
    PointSpec spec = host_spec;
    // task data to the device; a change waits for the batches still reading the old data
    const TaskSpec& t = host_spec.task;
    const std::size_t pattern_count = t.weights == WeightSource::HebbianStored ? static_cast<std::size_t>(n) : 0;
    const std::size_t matrix_count =
        t.weights == WeightSource::Matrix ? static_cast<std::size_t>(t.groups) * n * n : 0;
    const std::size_t input_count =
        t.inputs == InputSource::Rows ? static_cast<std::size_t>(t.input_count) * words : 0;
    const bool upload = patterns_.changed(t.pattern_words, pattern_count) ||
                        matrices_.changed(t.matrices, matrix_count) ||
                        inputs_.changed(t.input_words, input_count);
    if (upload && !queue_.empty()) SPINHOP_CUDA_CHECK(cudaDeviceSynchronize());
    spec.task.pattern_words = patterns_.sync(t.pattern_words, pattern_count);
    spec.task.matrices = matrices_.sync(t.matrices, matrix_count);
    spec.task.input_words = inputs_.sync(t.input_words, input_count);
    const bool dbl = precision == Precision::Double;
    const KernelLayout L =
        cuda::choose_layout(n, spec.per_device != 0, spec.integ.extras(), dbl, limits_, count,
                            layout_packing_, layout_x_shared_, collapse_);
    const std::size_t resident = static_cast<std::size_t>(L.blocks) * L.groups_per_block;
    void* ws = s.workspace.ensure(resident * L.workspace_bytes);
    auto* d_out = static_cast<NetworkOutcome*>(s.outcomes.ensure(count * sizeof(NetworkOutcome)));
    auto* d_state = static_cast<std::uint64_t*>(s.state.ensure(count * words * 8));
    auto* d_undec = static_cast<std::uint64_t*>(s.undecided.ensure(count * words * 8));
    cuda::launch_networks(spec, dbl, first, count, stride, L, ws, d_out, d_state, d_undec,
                          s.stream);
    auto* h_sums = static_cast<cuda::BatchSums*>(s.h_sums.ensure(sizeof(cuda::BatchSums)));
    cuda::reduce_outcomes_async(d_out, count, s.scratch.ensure(cuda::reduce_scratch_bytes(count)),
                                h_sums, s.stream);
    auto* h_out = s.h_outcomes.ensure(count * sizeof(NetworkOutcome));
    auto* h_state = s.h_state.ensure(count * words * 8);
    auto* h_undec = s.h_undecided.ensure(count * words * 8);
    SPINHOP_CUDA_CHECK(cudaMemcpyAsync(h_out, d_out, count * sizeof(NetworkOutcome),
                                       cudaMemcpyDeviceToHost, s.stream));
    SPINHOP_CUDA_CHECK(cudaMemcpyAsync(h_state, d_state, count * words * 8,
                                       cudaMemcpyDeviceToHost, s.stream));
    SPINHOP_CUDA_CHECK(cudaMemcpyAsync(h_undec, d_undec, count * words * 8,
                                       cudaMemcpyDeviceToHost, s.stream));
    SPINHOP_CUDA_CHECK(cudaEventRecord(s.done, s.stream));
    s.n = n;
    s.count = count;
    s.layout = L;
    queue_.push_back(&s);
  }

  void collect(BatchOutcome& out) override {
    if (queue_.empty()) throw BackendError("collect() without a submitted batch");
    Slot& s = *queue_.front();
    queue_.pop_front();
    SPINHOP_CUDA_CHECK(cudaEventSynchronize(s.done));
    out.resize(s.n, s.count);
    const std::size_t words = static_cast<std::size_t>(out.words);
    std::memcpy(out.trials.data(), s.h_outcomes.ensure(0), s.count * sizeof(NetworkOutcome));
    std::memcpy(out.state.data(), s.h_state.ensure(0), s.count * words * 8);
    std::memcpy(out.undecided.data(), s.h_undecided.ensure(0), s.count * words * 8);
    last_sums_ = *static_cast<const cuda::BatchSums*>(s.h_sums.ensure(0));
    last_layout_ = s.layout;
  }

  void set_collapse(bool on) override { collapse_ = on; }
  void set_layout_preferences(bool packing, int x_shared) override {
    layout_packing_ = packing;
    layout_x_shared_ = x_shared;
  }
  Sums last_batch_sums() const override {
    return Sums{static_cast<std::uint64_t>(last_sums_.converged), last_sums_.t_solution,
                last_sums_.energy, last_sums_.steps};
  }
  std::string layout_description() const override {
    const KernelLayout& L = last_layout_;
    return std::to_string(L.groups_per_block) + " network(s) of " + std::to_string(L.group) +
           " threads per block, " + std::to_string(L.blocks) + " blocks (" +
           std::to_string(L.blocks_per_sm) + "/SM), " +
           (L.collapsed ? std::string("collapsed (one axon per neuron)")
                        : std::string("positions in ") + (L.x_in_shared ? "shared" : "global") + " memory");
  }

 private:
  struct Slot {
    cudaStream_t stream = nullptr;
    cudaEvent_t done = nullptr;
    DeviceBuffer workspace, outcomes, state, undecided, scratch;
    PinnedBuffer h_outcomes, h_state, h_undecided, h_sums;
    KernelLayout layout;
    int n = 0;
    std::uint64_t count = 0;
  };

  int device_;
  cudaDeviceProp prop_{};
  cuda::DeviceLimits limits_;
  Slot slots_[2];
  int next_slot_ = 0;
  std::deque<Slot*> queue_;
  Mirror patterns_, matrices_, inputs_;  // task data on the device
  bool layout_packing_ = true;
  bool collapse_ = true;
  int layout_x_shared_ = -1;
  cuda::BatchSums last_sums_;
  KernelLayout last_layout_;
};

}  // namespace

bool cuda_available(std::string* why_not) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count == 0) {
    if (why_not != nullptr) {
      *why_not = e == cudaSuccess ? "no CUDA device found" : cudaGetErrorString(e);
    }
    cudaGetLastError();  // clear the sticky "no device" error
    return false;
  }
  return true;
}

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return count;
}

std::unique_ptr<Backend> make_cuda_backend(int device) {
  return std::make_unique<CudaBackend>(device);
}

}  // namespace spinhop
