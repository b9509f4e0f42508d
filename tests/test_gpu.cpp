// What only the CUDA backend has (label gpu; skipped without a usable GPU, failed instead when
// SPINHOP_REQUIRE_GPU=1): Philox and the trial build evaluated on the device, batches larger than
// one grid, the alternative layouts. Everything else the CUDA backend runs through the same tests
// as every backend (tests/every_backend), which this executable instantiates for "cuda".
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

