// The CPU backend: trials of a batch spread over worker threads, one network per thread at a time.
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "backends/cpu/cpu_network.hpp"
#include "spinhop/cancel.hpp"
#include "spinhop/backend.hpp"
#include "spinhop/errors.hpp"
#include "run/worker_pool.hpp"

namespace spinhop {

namespace {

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown CPU";
}

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(int threads) : pool_(threads), float_nets_(threads), double_nets_(threads) {}

  std::string name() const override { return "cpu"; }
  std::string device_name() const override {
    std::ostringstream os;
    os << cpu_model_name() << " (" << pool_.size() << " thread" << (pool_.size() > 1 ? "s" : "")
       << ")";
    return os.str();
  }
  void set_collapse(bool on) override {
    for (auto& net : float_nets_) net.set_collapse(on);
    for (auto& net : double_nets_) net.set_collapse(on);
  }
  std::uint64_t preferred_batch(int n) const override {
    // enough trials per batch to balance the threads; small networks finish fast
    const std::uint64_t per_thread = n <= 32 ? 64 : (n <= 128 ? 16 : 4);
    return per_thread * static_cast<std::uint64_t>(pool_.size());
  }

  void run(const PointSpec& spec, Precision precision, std::uint64_t first, std::uint64_t count,
           BatchOutcome& out, std::uint64_t stride) override {
    out.resize(spec.task.n, count);
    if (precision == Precision::Float) {
      run_with(float_nets_, spec, first, count, stride, out);
    } else {
      run_with(double_nets_, spec, first, count, stride, out);
    }
  }

 private:
  template <class Real>
  void run_with(std::vector<CpuNetwork<Real>>& nets, const PointSpec& spec, std::uint64_t first,
                std::uint64_t count, std::uint64_t stride, BatchOutcome& out) {
    pool_.parallel_for(count, [&](int worker, std::uint64_t k) {
      if (cancel_requested()) return;  // the batch is dropped: its remaining trials are skipped
      CpuNetwork<Real>& net = nets[static_cast<std::size_t>(worker)];
      net.build(spec, first + k * stride);
      const std::size_t off = static_cast<std::size_t>(k) * out.words;
      out.trials[k] = net.integrate(spec, &out.state[off], &out.undecided[off]);
    });
  }

  WorkerPool pool_;
  std::vector<CpuNetwork<float>> float_nets_;
  std::vector<CpuNetwork<double>> double_nets_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int threads) {
  return std::make_unique<CpuBackend>(worker_threads(threads));
}

std::unique_ptr<Backend> make_backend(const BackendOptions& opt) {
  if (opt.devices.size() > 1) {
    if (opt.kind == "cpu") throw ParameterError("--devices chooses GPUs; it needs --backend cuda or auto");
    std::vector<std::unique_ptr<Backend>> parts;
    for (int d : opt.devices) parts.push_back(make_cuda_backend(d));
    return make_multi_backend(std::move(parts));
  }
  if (opt.devices.size() == 1) {
    BackendOptions one = opt;
    one.device = opt.devices.front();
    one.devices.clear();
    if (one.kind == "auto") one.kind = "cuda";
    return make_backend(one);
  }
  if (opt.kind == "cpu") return make_cpu_backend(opt.threads);
  if (opt.kind == "cpu-rows") return make_rows_backend(opt.threads);
  if (opt.kind == "cuda") return make_cuda_backend(opt.device);
  if (opt.kind == "auto") {
    if (cuda_available()) return make_cuda_backend(opt.device);
    return make_cpu_backend(opt.threads);
  }
  throw ParameterError("invalid --backend '" + opt.kind + "': must be auto, cpu, cuda or cpu-rows");
}

void Backend::submit(const PointSpec& spec, Precision precision, std::uint64_t first,
                     std::uint64_t count, std::uint64_t stride) {
  pending_.push_back(Pending{spec, precision, first, count, stride});
}

void Backend::collect(BatchOutcome& out) {
  if (pending_.empty()) throw BackendError("collect() without a submitted batch");
  const Pending p = pending_.front();
  pending_.pop_front();
  run(p.spec, p.precision, p.first, p.count, out, p.stride);
}

const char* to_string(Precision p) { return p == Precision::Float ? "float" : "double"; }

Precision parse_precision(const std::string& s) {
  if (s == "float") return Precision::Float;
  if (s == "double") return Precision::Double;
  throw ParameterError("invalid --precision '" + s + "': must be float or double");
}

}  // namespace spinhop
