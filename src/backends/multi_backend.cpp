// Several backends (GPUs of one node) behind one: a batch is split into equal contiguous parts
// that run concurrently; the joined outcome is the same as one backend's, trial for trial.
#include <deque>
#include <memory>

#include "spinhop/backend.hpp"
#include "spinhop/errors.hpp"

namespace spinhop {

namespace {

class MultiBackend final : public Backend {
 public:
  explicit MultiBackend(std::vector<std::unique_ptr<Backend>> parts) : parts_(std::move(parts)) {
    if (parts_.empty()) throw BackendError("no backend to combine");
  }
  std::string name() const override { return parts_.front()->name(); }
  std::string device_name() const override {
    std::string s;
    for (const auto& p : parts_) s += (s.empty() ? "" : " + ") + p->device_name();
    return s;
  }
  std::uint64_t preferred_batch(int n) const override {
    std::uint64_t b = 0;
    for (const auto& p : parts_) b += p->preferred_batch(n);
    return b;
  }
  int max_in_flight() const override { return 2; }

  void run(const PointSpec& spec, Precision precision, std::uint64_t first, std::uint64_t count,
           BatchOutcome& out, std::uint64_t stride) override {
    submit(spec, precision, first, count, stride);
    collect(out);
  }

  void submit(const PointSpec& spec, Precision precision, std::uint64_t first, std::uint64_t count,
              std::uint64_t stride) override {
    const std::uint64_t k = parts_.size();
    std::vector<std::uint64_t> counts(k);
    std::uint64_t offset = 0;
    for (std::uint64_t d = 0; d < k; ++d) {
      counts[d] = count / k + (d < count % k ? 1 : 0);
      if (counts[d] > 0) parts_[d]->submit(spec, precision, first + offset * stride, counts[d], stride);
      offset += counts[d];
    }
    queue_.push_back(counts);
  }

  void collect(BatchOutcome& out) override {
    if (queue_.empty()) throw BackendError("collect() without a submitted batch");
    const std::vector<std::uint64_t> counts = queue_.front();
    queue_.pop_front();
    std::uint64_t total = 0;
    for (std::uint64_t c : counts) total += c;
    std::size_t at = 0;
    for (std::size_t d = 0; d < parts_.size(); ++d) {
      if (counts[d] == 0) continue;
      parts_[d]->collect(part_);
      if (at == 0) out.resize(part_.n, total);
      const std::size_t w = static_cast<std::size_t>(part_.words);
      std::copy(part_.trials.begin(), part_.trials.end(), out.trials.begin() + static_cast<long>(at));
      std::copy(part_.state.begin(), part_.state.end(), out.state.begin() + static_cast<long>(at * w));
      std::copy(part_.undecided.begin(), part_.undecided.end(),
                out.undecided.begin() + static_cast<long>(at * w));
      at += counts[d];
    }
  }

  void set_layout_preferences(bool pack, int x_shared) override {
    for (auto& p : parts_) p->set_layout_preferences(pack, x_shared);
  }
  void set_collapse(bool on) override {
    for (auto& p : parts_) p->set_collapse(on);
  }
  std::string layout_description() const override { return parts_.front()->layout_description(); }

 private:
  std::vector<std::unique_ptr<Backend>> parts_;
  std::deque<std::vector<std::uint64_t>> queue_;
  BatchOutcome part_;
};

}  // namespace

std::unique_ptr<Backend> make_multi_backend(std::vector<std::unique_ptr<Backend>> parts) {
  return std::make_unique<MultiBackend>(std::move(parts));
}

}  // namespace spinhop
