// Every backend gives the CPU reference's results to the bit: times, energies, steps and
// read-outs of every trial, across sizes, precisions, variation, noise, the tasks and
// shard-strided batches. Both sides evaluate the same shared functions (spinhop/physics) in the
// same order with the same IEEE operations, so identity, not closeness, is the claim.
#include <gtest/gtest.h>

#include "../backends.hpp"
#include "../helpers.hpp"
#include "spinhop/experiment.hpp"

using namespace spinhop;
using namespace spinhop::test;

namespace {

class Identity : public OnBackend {
 protected:
  // Runs trials [first, first + count*stride) on the backend under test and on the CPU reference
  // and checks every trial; returns how many were compared.
  int expect_identical(const PointSpec& spec, Precision p, std::uint64_t first, std::uint64_t count,
                       std::uint64_t stride = 1) {
    BatchOutcome want, got;
    make_cpu_backend(2)->run(spec, p, first, count, want, stride);
    backend().run(spec, p, first, count, got, stride);
    EXPECT_EQ(got.trials.size(), count);
    for (std::uint64_t t = 0; t < count && t < got.trials.size(); ++t) {
      EXPECT_TRUE(same_bits(want.trials[t], got.trials[t]))
          << GetParam() << " trial " << first + t * stride << " (n=" << spec.task.n << ")";
      for (int w = 0; w < want.words; ++w) {
        EXPECT_EQ(want.state[t * want.words + w], got.state[t * got.words + w]) << "trial " << t;
        EXPECT_EQ(want.undecided[t * want.words + w], got.undecided[t * got.words + w]) << "trial " << t;
      }
    }
    return static_cast<int>(count);
  }
  void SetUp() override {
    OnBackend::SetUp();
    if (is_reference()) GTEST_SKIP() << "the CPU reference itself";
  }
};
SPINHOP_ON_EVERY_BACKEND(Identity);

}  // namespace

TEST_P(Identity, RecallAcrossSizes) {
  ModelParams m;
  for (int n : {2, 3, 10, 33, 60, 100}) {
    RecallTask task(n, n >= 10 ? 2 : 1);
    const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 42, 0);
    expect_identical(spec, Precision::Float, 0, n == 100 ? 24 : 80);
  }
}

TEST_P(Identity, VariationDoublePrecisionAndSourceErrors) {
  ModelParams m;
  VariationSigmas sig;
  sig.r_p = sig.r_ap = sig.r_m = sig.area = sig.length = sig.mtj_width = sig.mtj_position =
      sig.leak = 0.05;
  sig.w = sig.v_dw = sig.v_c = 0.05;
  for (int n : {10, 40}) {
    RecallTask task(n, 1);
    const PointSpec spec = make_point_spec(m, sig, task.spec(m), 43, 0);
    expect_identical(spec, Precision::Float, 0, 40);
    expect_identical(spec, Precision::Double, 0, 20);
  }
  RecallTask task(29, 3);
  VariationSigmas sources;
  sources.w = sources.v_dw = sources.v_c = 0.1;  // nominal devices: the collapsed layout
  expect_identical(make_point_spec(m, sources, task.spec(m), 44, 0), Precision::Double, 0, 40);
  expect_identical(make_point_spec(m, sources, task.spec(m), 44, 0, true), Precision::Float, 0, 40);
}

TEST_P(Identity, ImagesMaxCutNoiseAndStrides) {
  ModelParams m;
  {
    ImagesTask task(paper_letters(), 0.25);
    expect_identical(make_point_spec(m, VariationSigmas{}, task.spec(m), 48, 0), Precision::Float, 0, 12);
  }
  {
    std::vector<Graph> graphs;
    for (int g = 0; g < 5; ++g) graphs.push_back(random_graph(20, 0.5, 9, g));
    MaxCutTask task(graphs, 1.05);
    VariationSigmas sig;
    sig.r_p = sig.r_ap = sig.r_m = sig.leak = 0.05;
    expect_identical(make_point_spec(m, sig, task.spec(m), 49, 0), Precision::Float, 0, 20);
    expect_identical(make_point_spec(m, VariationSigmas{}, task.spec(m), 49, 0), Precision::Double, 0, 10);
  }
  {
    ModelParams noisy;
    noisy.thermal_noise = true;
    noisy.i_depin = 0.8e-6;
    RecallTask task(8, 1);
    expect_identical(make_point_spec(noisy, VariationSigmas{}, task.spec(noisy), 50, 0), Precision::Double, 0, 4);
    ModelParams pinned;
    pinned.i_depin = 0.8e-6;
    expect_identical(make_point_spec(pinned, VariationSigmas{}, task.spec(pinned), 51, 0), Precision::Float, 0, 20);
  }
  {
    RecallTask task(29, 2);
    expect_identical(make_point_spec(m, VariationSigmas{}, task.spec(m), 52, 0), Precision::Float, 2, 50, 7);
  }
}
