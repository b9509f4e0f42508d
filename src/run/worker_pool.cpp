#include "run/worker_pool.hpp"

#include <algorithm>
#include <string>

#include "spinhop/backend.hpp"
#include "spinhop/errors.hpp"

namespace spinhop {

int worker_threads(int requested) {
  if (requested < 0) {
    throw ParameterError("invalid --threads = " + std::to_string(requested) + ": must be >= 0 (0 = all)");
  }
  if (requested == 0) return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (requested > kMaxThreads) {
    throw ParameterError("invalid --threads = " + std::to_string(requested) + ": at most " + std::to_string(kMaxThreads));
  }
  return requested;
}

WorkerPool::WorkerPool(int threads) {
  for (int w = 1; w < threads; ++w) threads_.emplace_back([this, w] { work(w); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::drain(int worker) {
  for (;;) {
    const std::uint64_t i = next_.fetch_add(1);
    if (i >= count_) return;
    try {
      (*body_)(worker, i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
      next_.store(count_);  // stop handing out work
    }
  }
}

void WorkerPool::work(int worker) {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    drain(worker);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --busy_;
    }
    done_.notify_all();
  }
}

void WorkerPool::parallel_for(std::uint64_t count,
                              const std::function<void(int, std::uint64_t)>& body) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    body_ = &body;
    count_ = count;
    next_.store(0);
    error_ = nullptr;
    busy_ = static_cast<int>(threads_.size());
    ++generation_;
  }
  wake_.notify_all();
  drain(0);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return busy_ == 0; });
  body_ = nullptr;
  if (error_) std::rethrow_exception(error_);
}

}  // namespace spinhop
