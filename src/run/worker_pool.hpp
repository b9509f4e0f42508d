// A fixed set of worker threads that run parallel loops over trial indices. Trials are handed out
// one at a time from an atomic counter, so trials of very different lengths balance themselves;
// results never depend on which worker ran which trial.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace spinhop {

// The worker threads a --threads value asks for: 0 = every hardware thread; ParameterError for a
// negative count.
int worker_threads(int requested);

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int size() const { return static_cast<int>(threads_.size()) + 1; }
  // Calls body(worker, index) for index in [0, count); worker in [0, size()). Rethrows the first
  // exception a body threw.
  void parallel_for(std::uint64_t count, const std::function<void(int, std::uint64_t)>& body);

 private:
  void work(int worker);
  void drain(int worker);

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int, std::uint64_t)>* body_ = nullptr;
  std::uint64_t count_ = 0;
  std::atomic<std::uint64_t> next_{0};
  std::uint64_t generation_ = 0;
  int busy_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace spinhop
