// The backend interface: run a batch of trials of one sweep point. The CPU backend is the
// reference; the CUDA backend runs the same physics functions and the same random streams.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "spinhop/physics/outcome.hpp"
#include "spinhop/physics/trial.hpp"

namespace spinhop {

// The outcomes of a batch of consecutive trials of one sweep point.
struct BatchOutcome {
  int n = 0;                 // neurons
  int words = 0;             // 64-bit words per trial for the final state
  std::vector<NetworkOutcome> trials;
  std::vector<std::uint64_t> state;      // [trial][words]: bit j = soma j read as 1
  std::vector<std::uint64_t> undecided;  // [trial][words]: bit j = soma j undecided

  void resize(int neurons, std::size_t count) {
    n = neurons;
    words = (neurons + 63) / 64;
    trials.assign(count, NetworkOutcome{});
    state.assign(count * static_cast<std::size_t>(words), 0);
    undecided.assign(count * static_cast<std::size_t>(words), 0);
  }
  bool bit(std::size_t t, int j) const {
    return (state[t * words + static_cast<std::size_t>(j >> 6)] >> (j & 63)) & 1u;
  }
  bool is_undecided(std::size_t t, int j) const {
    return (undecided[t * words + static_cast<std::size_t>(j >> 6)] >> (j & 63)) & 1u;
  }
};

enum class Precision { Float, Double };
const char* to_string(Precision p);
Precision parse_precision(const std::string& s);

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;         // "cpu" or "cuda"
  virtual std::string device_name() const = 0;  // the processor or GPU that ran the trials
  // Integrate trials first, first + stride, ..., first + (count-1) stride (indices inside the
  // point; stride > 1 for a shard of a run) and read them out.
  virtual void run(const PointSpec& spec, Precision precision, std::uint64_t first,
                   std::uint64_t count, BatchOutcome& out, std::uint64_t stride = 1) = 0;
  // Trials per batch that keep this backend busy.
  virtual std::uint64_t preferred_batch(int n) const = 0;

  // Pipelined use: submit() queues a batch (at most max_in_flight() outstanding) and collect()
  // returns the oldest one, so an asynchronous backend computes the next batch while the caller
  // scores and writes the last. The default computes synchronously inside collect().
  virtual int max_in_flight() const { return 1; }
  virtual void submit(const PointSpec& spec, Precision precision, std::uint64_t first,
                      std::uint64_t count, std::uint64_t stride = 1);
  virtual void collect(BatchOutcome& out);

  // GPU layout choices, for measurements and tests (no-ops on the CPU): pack several small
  // networks per warp, and keep positions in shared memory (-1 automatic, 0 never, 1 if they fit).
  virtual void set_layout_preferences(bool /*pack_small*/, int /*x_shared*/) {}
  // Nominal networks without noise integrate one axon per neuron, whose axons move in lockstep
  // (on by default; the results are the same bits either way). Off: the per-device path, for
  // measuring it.
  virtual void set_collapse(bool /*on*/) {}
  // The layout of the last collected batch, in words ("" on the CPU).
  virtual std::string layout_description() const { return ""; }
  // Sums over the last collected batch computed by the backend itself (converged trials, and
  // over them the time to solution [s] and energy [J]; steps over all). CPU: from the outcomes.
  struct Sums {
    std::uint64_t converged = 0;
    double t_solution = 0, energy = 0, steps = 0;
  };
  virtual Sums last_batch_sums() const { return Sums{}; }

 private:
  struct Pending {
    PointSpec spec;
    Precision precision;
    std::uint64_t first, count, stride;
  };
  std::deque<Pending> pending_;
};

// The most CPU worker threads a backend starts (more only with --oversubscribe, never past this).
constexpr int kMaxThreads = 1024;

struct BackendOptions {
  std::string kind = "auto";  // auto | cpu | cuda | cpu-rows
  int threads = 0;            // CPU worker threads; 0 = all hardware threads
  int device = 0;             // CUDA device ordinal
  std::vector<int> devices;   // several CUDA devices in one process (overrides device)
};

std::unique_ptr<Backend> make_cpu_backend(int threads);
// The CUDA kernels' thread-per-row algorithm run on the CPU (slow; for verifying that code path
// on machines without a GPU): --backend cpu-rows.
std::unique_ptr<Backend> make_rows_backend(int threads);
// Throws BackendError when spinhop was built without CUDA or no usable GPU is present.
std::unique_ptr<Backend> make_cuda_backend(int device);
// Whether a CUDA backend could run here (compiled in and a device present).
bool cuda_available(std::string* why_not = nullptr);
// Usable CUDA devices (0 without CUDA).
int cuda_device_count();
std::unique_ptr<Backend> make_backend(const BackendOptions& opt);
// One backend over several: every batch is split into equal contiguous parts, one per backend,
// integrated concurrently and joined in order (several GPUs of one node).
std::unique_ptr<Backend> make_multi_backend(std::vector<std::unique_ptr<Backend>> parts);

}  // namespace spinhop
