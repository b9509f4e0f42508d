// Shared helpers for the tests: run trials on the CPU reference backend, build custom tasks.
#pragma once

#include <cstring>
#include <vector>

#include "spinhop/backend.hpp"
#include "spinhop/experiment.hpp"
#include "spinhop/runner.hpp"

namespace spinhop::test {

struct RunResult {
  std::vector<TrialRecord> records;
  BatchOutcome all;  // every trial's outcome and read-out, in trial order
};

inline RunResult run_trials(const Task& task, const ModelParams& m, const PointSpec& spec,
                      std::uint64_t trials, int threads = 2, std::uint64_t batch = 0,
                      Precision precision = Precision::Float, Backend* backend = nullptr) {
  std::unique_ptr<Backend> own;
  if (backend == nullptr) {
    own = make_cpu_backend(threads);
    backend = own.get();
  }
  RunResult r;
  r.all.resize(spec.task.n, trials);
  RunOptions ro;
  ro.trials = trials;
  ro.batch = batch;
  ro.precision = precision;
  run_point(*backend, task, m, spec, 0, ro, [&](const ScoredBatch& b) {
    r.records.insert(r.records.end(), b.records.begin(), b.records.end());
    for (std::size_t k = 0; k < b.records.size(); ++k) {
      r.all.trials[b.first + k] = b.outcome.trials[k];
      for (int w = 0; w < b.outcome.words; ++w) {
        r.all.state[(b.first + k) * r.all.words + w] = b.outcome.state[k * b.outcome.words + w];
        r.all.undecided[(b.first + k) * r.all.words + w] =
            b.outcome.undecided[k * b.outcome.words + w];
      }
    }
  });
  return r;
}

// The paper's three 10x10 letters U, T, D.
inline std::vector<Image> paper_letters() {
  std::vector<Image> v;
  for (const char* l : {"u", "t", "d"}) v.push_back(read_pbm(data_dir() + "/images/" + l + ".pbm"));
  return v;
}

// Bitwise equality of two outcomes (times, energy, steps, read-out).
inline bool same_bits(const NetworkOutcome& a, const NetworkOutcome& b) {
  return std::memcmp(&a.t_solution, &b.t_solution, sizeof(double)) == 0 &&
         std::memcmp(&a.energy, &b.energy, sizeof(double)) == 0 &&
         std::memcmp(&a.t_switch, &b.t_switch, sizeof(double)) == 0 && a.steps == b.steps &&
         a.converged == b.converged && a.undecided == b.undecided;
}

// A pattern-set task with given stored patterns (bit k of word j = neuron j of pattern k) and,
// optionally, explicit inputs (one row of (n+63)/64 words per trial, cycled).
class CustomPatternTask final : public Task {
 public:
  CustomPatternTask(int n, int patterns, std::vector<std::uint64_t> words,
                    std::vector<std::uint64_t> inputs = {})
      : n_(n), p_(patterns), words_(std::move(words)), inputs_(std::move(inputs)) {}
  std::string name() const override { return "custom"; }
  int neurons() const override { return n_; }
  TaskSpec spec(const ModelParams& m) const override {
    TaskSpec t;
    t.n = n_;
    t.w = m.w;
    t.groups = p_;
    t.weights = WeightSource::HebbianStored;
    t.patterns = p_;
    t.pattern_words = words_.data();
    t.inputs = InputSource::StoredDistorted;
    if (!inputs_.empty()) {
      t.inputs = InputSource::Rows;
      t.input_words = inputs_.data();
      t.input_count = static_cast<int>(inputs_.size() / ((n_ + 63) / 64));
    }
    return t;
  }
  TrialScore score(const PointSpec&, std::uint64_t, const std::uint64_t* state,
                   const std::uint64_t* undecided) const override {
    const PatternMatch pm = best_pattern_match(words_, p_, n_, state, undecided);
    TrialScore s;
    s.bit_accuracy = static_cast<double>(pm.matching_bits) / n_;
    s.success = pm.matching_bits == n_;
    s.target = pm.pattern;
    return s;
  }

 private:
  int n_, p_;
  std::vector<std::uint64_t> words_, inputs_;
};

}  // namespace spinhop::test
