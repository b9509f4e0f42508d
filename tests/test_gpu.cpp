// The CUDA backend against the CPU reference (label gpu). Skipped without a usable GPU, failed
// instead when SPINHOP_REQUIRE_GPU=1.
//
// Tolerance: both backends evaluate the same shared functions in the same order with the same
// IEEE operations (no FMA contraction on either side, explicit fma() where the physics has one,
// row sums in column order, maxima order-free, energy summed in row order), so identical results
// are expected and BitwiseIdentical checks that. The equivalence tests themselves allow 1e-9
// relative in time and energy and require identical read-outs, which holds even if a compiler
// were to round one operation differently, except for trials whose timing is set by round-off
// (model.md section 8), which are counted and limited to 1%.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "helpers.hpp"
#include "backends/cuda/network_kernel.cuh"
#include "spinhop/experiment.hpp"

using namespace spinhop;
using namespace spinhop::test;

namespace {

bool gpu_required() {
  const char* v = std::getenv("SPINHOP_REQUIRE_GPU");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

#define REQUIRE_GPU_OR_SKIP()                                                            \
  do {                                                                                   \
    std::string why;                                                                     \
    if (!cuda_available(&why)) {                                                         \
      if (gpu_required()) FAIL() << "SPINHOP_REQUIRE_GPU=1 but no GPU: " << why;         \
      GTEST_SKIP() << "no usable GPU (" << why << ")";                                   \
    }                                                                                    \
  } while (0)

struct Comparison {
  int trials = 0, identical = 0, bits_differ = 0, loose = 0;
  double max_rel_t = 0, max_rel_e = 0;
};

Comparison compare(const RunResult& cpu, const RunResult& gpu) {
  Comparison c;
  c.trials = static_cast<int>(cpu.all.trials.size());
  for (int t = 0; t < c.trials; ++t) {
    const NetworkOutcome &a = cpu.all.trials[t], &b = gpu.all.trials[t];
    if (same_bits(a, b) && cpu.all.state[t] == gpu.all.state[t]) ++c.identical;
    bool bits_same = a.converged == b.converged && a.undecided == b.undecided;
    for (int w = 0; w < cpu.all.words; ++w) {
      bits_same = bits_same && cpu.all.state[t * cpu.all.words + w] == gpu.all.state[t * gpu.all.words + w];
    }
    if (!bits_same) ++c.bits_differ;
    const double rt = std::fabs(a.t_solution - b.t_solution) / a.t_solution;
    const double re = std::fabs(a.energy - b.energy) / std::fabs(a.energy);
    c.max_rel_t = std::max(c.max_rel_t, rt);
    c.max_rel_e = std::max(c.max_rel_e, re);
    if (rt > 1e-9 || re > 1e-9) ++c.loose;
  }
  return c;
}

Comparison cpu_vs_gpu(const Task& task, const ModelParams& m, const PointSpec& spec, int trials,
                      Precision precision = Precision::Float, std::uint64_t gpu_batch = 0,
                      Backend* gpu = nullptr) {
  std::unique_ptr<Backend> own;
  if (gpu == nullptr) {
    own = make_cuda_backend(0);
    gpu = own.get();
  }
  const RunResult a = run_trials(task, m, spec, trials, 2, 0, precision);
  const RunResult b = run_trials(task, m, spec, trials, 2, gpu_batch, precision, gpu);
  const Comparison c = compare(a, b);
  std::printf("  N=%d %s: %d trials, %d bitwise identical, read-outs differ in %d, max rel diff "
              "t %.2e E %.2e\n", spec.task.n, to_string(precision), c.trials, c.identical,
              c.bits_differ, c.max_rel_t, c.max_rel_e);
  if (!gpu->layout_description().empty()) std::printf("    layout: %s\n", gpu->layout_description().c_str());
  return c;
}

void expect_equivalent(const Comparison& c) {
  EXPECT_EQ(c.bits_differ, 0);
  EXPECT_LE(c.loose, c.trials / 100);
}

}  // namespace

TEST(Gpu, PhiloxKnownAnswersOnDevice) {
  REQUIRE_GPU_OR_SKIP();
  const std::uint32_t in[3][6] = {
      {0, 0, 0, 0, 0, 0},
      {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
      {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0}};
  const std::uint32_t expect[3][4] = {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                                      {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                                      {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}};
  std::uint32_t out[3][4];
  cuda::philox_on_device(&in[0][0], &out[0][0], 3);
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out[k][i], expect[k][i]);
}

// The kernels' own trial build (patterns, inputs, synapse voltages, every variation draw) against
// the CPU's, bit for bit, in both precisions.
TEST(Gpu, TrialSetupIdenticalToCpu) {
  REQUIRE_GPU_OR_SKIP();
  ModelParams m;
  VariationSigmas sig;
  sig.r_p = sig.r_ap = sig.r_m = sig.area = sig.length = sig.mtj_width = sig.mtj_position =
      sig.leak = 0.1;
  sig.w = sig.v_dw = sig.v_c = 0.05;
  for (bool dbl : {false, true}) {
    for (int n : {3, 10, 60}) {
      RecallTask task(n, 2);
      const PointSpec spec = make_point_spec(m, sig, task.spec(m), 77, 1000);
      const std::size_t nn = static_cast<std::size_t>(n) * n;
      std::vector<double> w(nn), v_in(n), v_dw(n), params(kDeviceFields * nn);
      for (std::uint64_t local : {0ull, 5ull, 123456ull}) {
        cuda::setup_on_device(spec, dbl, local, w.data(), v_in.data(), v_dw.data(), params.data());
        const TrialCircuit c = rebuild_circuit(spec, local, true);
        auto real = [&](double v) { return dbl ? v : static_cast<double>(static_cast<float>(v)); };
        for (int j = 0; j < n; ++j) {
          EXPECT_EQ(v_in[j], real(c.v_in[j]));
          EXPECT_EQ(v_dw[j], real(c.v_dw[j]));
          for (int i = 0; i < n; ++i) {
            const int d = i * n + j;
            EXPECT_EQ(w[d], real(c.w[d]));
            const DeviceParams<double> q =
                integrator_params<double>(c.devices[d], spec.k_prefactor, spec.integ.i_depin);
            const DeviceParams<float> qf =
                integrator_params<float>(c.devices[d], spec.k_prefactor, spec.integ.i_depin);
            int f = 0;
#define SPINHOP_CHECK_FIELD(name, unit, meaning)                                          \
  ASSERT_EQ(params[(f++) * nn + d], dbl ? q.name : static_cast<double>(qf.name))          \
      << #name << " n=" << n << " d=" << d;
            SPINHOP_DEVICE_FIELDS(SPINHOP_CHECK_FIELD)
#undef SPINHOP_CHECK_FIELD
          }
        }
      }
    }
  }
}

TEST(Gpu, RecallEquivalentToCpuAcrossSizes) {
  REQUIRE_GPU_OR_SKIP();
  ModelParams m;
  for (int n : {2, 3, 10, 60, 100}) {
    RecallTask task(n, n >= 10 ? 2 : 1);
    const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 42, 0);
    expect_equivalent(cpu_vs_gpu(task, m, spec, n == 100 ? 48 : 200));
  }
}

TEST(Gpu, VariationAndDoublePrecisionEquivalentToCpu) {
  REQUIRE_GPU_OR_SKIP();
  ModelParams m;
  VariationSigmas sig;
  sig.r_p = sig.r_ap = sig.r_m = sig.area = sig.length = sig.mtj_width = sig.mtj_position =
      sig.leak = 0.05;
  sig.w = sig.v_dw = sig.v_c = 0.05;
  for (int n : {10, 60}) {
    RecallTask task(n, 1);
    const PointSpec spec = make_point_spec(m, sig, task.spec(m), 43, 0);
    expect_equivalent(cpu_vs_gpu(task, m, spec, n == 60 ? 64 : 200));
  }
  RecallTask task(29, 3);
  const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 44, 0);
  expect_equivalent(cpu_vs_gpu(task, m, spec, 100, Precision::Double));
}

// A batch larger than one grid: every group strides over several networks.
TEST(Gpu, BatchLargerThanOneGrid) {
  REQUIRE_GPU_OR_SKIP();
  ModelParams m;
  RecallTask task(10, 1);
  const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 45, 0);
  auto gpu = make_cuda_backend(0);
  const std::uint64_t big = 4 * gpu->preferred_batch(10);
  const RunResult b = run_trials(task, m, spec, big, 2, big, Precision::Float, gpu.get());
  ASSERT_FALSE(gpu->layout_description().empty());
  std::printf("  %llu trials in one batch; layout: %s\n", static_cast<unsigned long long>(big),
              gpu->layout_description().c_str());
  // the CPU reference on a sample spread over the whole batch
  for (std::uint64_t t = 0; t < big; t += big / 97) {
    const PointSpec one = spec;
    auto cpu = make_cpu_backend(1);
    BatchOutcome o;
    cpu->run(one, Precision::Float, t, 1, o);
    EXPECT_TRUE(same_bits(o.trials[0], b.all.trials[t])) << "trial " << t;
    EXPECT_EQ(o.state[0], b.all.state[t]) << "trial " << t;
  }
  // device-side batch sums (Thrust) equal the host's
  const Backend::Sums s = gpu->last_batch_sums();
  std::uint64_t conv = 0;
  double tsum = 0;
  for (const NetworkOutcome& o : b.all.trials) {
    conv += o.converged;
    if (o.converged) tsum += o.t_solution;
  }
  EXPECT_EQ(s.converged, conv);
  EXPECT_NEAR(s.t_solution, tsum, 1e-9 * tsum);
}

// Packing small networks several per warp, or positions in global instead of shared memory,
// changes nothing in the results.
TEST(Gpu, LayoutsGiveIdenticalResults) {
  REQUIRE_GPU_OR_SKIP();
  ModelParams m;
  for (int n : {5, 29, 60}) {
    RecallTask task(n, 1);
    const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 46, 0);
    auto gpu = make_cuda_backend(0);
    gpu->set_layout_preferences(true, -1);
    const RunResult a = run_trials(task, m, spec, 300, 2, 0, Precision::Float, gpu.get());
    gpu->set_layout_preferences(false, 0);
    const RunResult b = run_trials(task, m, spec, 300, 2, 0, Precision::Float, gpu.get());
    gpu->set_collapse(false);  // the per-device kernel on a nominal network
    gpu->set_layout_preferences(true, 1);
    const RunResult c = run_trials(task, m, spec, 300, 2, 0, Precision::Float, gpu.get());
    for (int t = 0; t < 300; ++t) {
      EXPECT_TRUE(same_bits(a.all.trials[t], b.all.trials[t])) << "n=" << n << " trial " << t;
      EXPECT_TRUE(same_bits(a.all.trials[t], c.all.trials[t])) << "n=" << n << " trial " << t;
    }
  }
}

// The claim of the header: not just equivalent, identical.
TEST(Gpu, BitwiseIdentical) {
  REQUIRE_GPU_OR_SKIP();
  ModelParams m;
  RecallTask task(60, 1);
  const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 47, 0);
  const Comparison c = cpu_vs_gpu(task, m, spec, 100);
  EXPECT_EQ(c.identical, c.trials);
}

// The other tasks, thermal noise with pinning, and shard-strided batches on the GPU.
TEST(Gpu, ImagesMaxCutNoiseAndStridesEquivalentToCpu) {
  REQUIRE_GPU_OR_SKIP();
  ModelParams m;
  {
    std::vector<Image> letters;
    for (const char* l : {"u", "t", "d"}) letters.push_back(read_pbm(data_dir() + "/images/" + l + ".pbm"));
    ImagesTask task(letters, 0.25);
    const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 48, 0);
    expect_equivalent(cpu_vs_gpu(task, m, spec, 60));
  }
  {
    std::vector<Graph> graphs;
    for (int g = 0; g < 5; ++g) graphs.push_back(random_graph(20, 0.5, 9, g));
    MaxCutTask task(graphs, 1.05);
    VariationSigmas sig;
    sig.r_p = sig.r_ap = sig.r_m = sig.leak = 0.05;
    const PointSpec spec = make_point_spec(m, sig, task.spec(m), 49, 0);
    expect_equivalent(cpu_vs_gpu(task, m, spec, 40));
  }
  {
    ModelParams noisy;
    noisy.thermal_noise = true;
    noisy.i_depin = 0.8e-6;
    RecallTask task(8, 1);
    const PointSpec spec = make_point_spec(noisy, VariationSigmas{}, task.spec(noisy), 50, 0);
    expect_equivalent(cpu_vs_gpu(task, noisy, spec, 8, Precision::Double));
  }
  {
    RecallTask task(29, 2);
    const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 51, 0);
    auto gpu = make_cuda_backend(0);
    auto cpu = make_cpu_backend(2);
    BatchOutcome a, b;
    cpu->run(spec, Precision::Float, 2, 50, a, 7);
    gpu->run(spec, Precision::Float, 2, 50, b, 7);
    for (int t = 0; t < 50; ++t) EXPECT_TRUE(same_bits(a.trials[t], b.trials[t])) << t;
  }
}
