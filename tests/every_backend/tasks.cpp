// Images, max-cut, variation and thermal noise run through each backend.
#include <gtest/gtest.h>

#include <cmath>

#include "../backends.hpp"
#include "../helpers.hpp"
#include "spinhop/experiment.hpp"

using namespace spinhop;
using namespace spinhop::test;

class Images : public OnBackend {};
class MaxCutRun : public OnBackend {};
class VariationRun : public OnBackend {};
class Noise : public OnBackend {};
SPINHOP_ON_EVERY_BACKEND(Images);
SPINHOP_ON_EVERY_BACKEND(MaxCutRun);
SPINHOP_ON_EVERY_BACKEND(VariationRun);
SPINHOP_ON_EVERY_BACKEND(Noise);

TEST_P(Images, UndistortedLettersAreRecalledExactly) {
  ModelParams m;
  ImagesTask task(paper_letters(), 0.0);
  ASSERT_EQ(task.neurons(), 100);
  const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 1, 0);
  const RunResult r = run_trials(task, m, spec, 6, 2, 0, Precision::Float, &backend());
  for (const TrialRecord& rec : r.records) {
    EXPECT_EQ(rec.score.success, 1) << "letter " << rec.score.target;
    EXPECT_EQ(rec.score.bit_accuracy, 1.0);
    EXPECT_EQ(rec.score.target, static_cast<int>(rec.trial % 3));
  }
}

TEST_P(MaxCutRun, SmallGraphsScoredAgainstTheirExactOptimum) {
  ModelParams m;
  std::vector<Graph> graphs;
  for (int g = 0; g < 4; ++g) graphs.push_back(random_graph(10, 0.5, 7, g));
  MaxCutTask task(graphs, 1.05);
  const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 2, 0);
  const RunResult r = run_trials(task, m, spec, 8, 2, 0, Precision::Float, &backend());
  for (const TrialRecord& rec : r.records) {
    const int g = rec.score.target;
    EXPECT_EQ(task.reference_kind(g), "exact");
    EXPECT_LE(rec.score.cut, task.reference(g));
    EXPECT_GT(rec.score.cut, 0.5 * half_approximation(graphs[g]));
    EXPECT_NEAR(rec.score.gap, 1.0 - rec.score.cut / task.reference(g), 1e-12);
    // the nominal network is deterministic from the all-OFF start: repeats are identical
    if (rec.trial >= 4) {
      EXPECT_EQ(rec.score.cut, r.records[rec.trial - 4].score.cut);
    }
  }
}

// The Ising mapping at any density and sign: the nominal network ends converged, every bit
// decided, the bias neuron ON, in a partition no single move improves (the fixed point of the
// ideal network the mapping encodes), from all OFF and from the spectral start (the default,
// loaded as one input row per graph).
static void expect_local_optima(Backend& backend, StartState start) {
  ModelParams m;
  std::vector<Graph> graphs;
  int id = 0;
  for (EdgeWeights w : {EdgeWeights::Unit, EdgeWeights::PlusMinus, EdgeWeights::Int10}) {
    for (double p : {0.1, 0.3, 0.7}) graphs.push_back(random_graph(14, p, 5, id++, w));
  }
  MaxCutTask task(graphs, 1.05, {}, kExactMaxCutNodes, Mapping::Ising, start);
  ASSERT_EQ(task.neurons(), 14 + kDefaultBiasNeurons);
  const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 4, 0);
  const RunResult r = run_trials(task, m, spec, graphs.size(), 2, 0, Precision::Float, &backend);
  for (std::size_t t = 0; t < r.records.size(); ++t) {
    const Graph& g = graphs[t];
    SCOPED_TRACE(g.name);
    EXPECT_EQ(r.records[t].outcome.converged, 1);
    for (int b = 14; b < task.neurons(); ++b) EXPECT_TRUE(r.all.bit(t, b)) << "bias neuron " << b;
    std::vector<std::uint8_t> side(14);
    for (int j = 0; j < 14; ++j) {
      EXPECT_FALSE((r.all.undecided[t * r.all.words] >> j) & 1u) << "node " << j;
      side[j] = r.all.bit(t, j) ? 1 : 0;
    }
    const double cut = cut_value(g, side);
    EXPECT_EQ(r.records[t].score.cut, cut);
    for (int j = 0; j < 14; ++j) {
      std::vector<std::uint8_t> moved = side;
      moved[j] ^= 1;
      EXPECT_LE(cut_value(g, moved), cut) << "moving node " << j << " improves the cut";
    }
  }
}

TEST_P(MaxCutRun, IsingMappingEndsInALocalOptimumAtAnyDensityAndSign) {
  expect_local_optima(backend(), StartState::Off);
}

TEST_P(MaxCutRun, FromTheSpectralStartToo) { expect_local_optima(backend(), StartState::Spectral); }

// Variation changes the trials, reproducibly; the variation run through the whole pipeline.
TEST_P(VariationRun, TrialsDifferFromNominalAndRepeat) {
  ModelParams m;
  RecallTask task(20, 1);
  VariationSigmas s;
  s.r_p = s.r_ap = s.r_m = s.area = s.length = s.mtj_width = s.mtj_position = s.leak = 0.1;
  s.w = s.v_dw = s.v_c = 0.05;
  const PointSpec nominal = make_point_spec(m, VariationSigmas{}, task.spec(m), 8, 0);
  const PointSpec varied = make_point_spec(m, s, task.spec(m), 8, 0);
  const RunResult a = run_trials(task, m, nominal, 30, 2, 0, Precision::Float, &backend());
  const RunResult b = run_trials(task, m, varied, 30, 2, 0, Precision::Float, &backend());
  const RunResult c = run_trials(task, m, varied, 30, 1, 7, Precision::Float, &backend(1));
  int same = 0;
  for (int t = 0; t < 30; ++t) {
    same += same_bits(a.all.trials[t], b.all.trials[t]);
    EXPECT_TRUE(same_bits(b.all.trials[t], c.all.trials[t])) << t;
  }
  EXPECT_EQ(same, 0);
}

// Thermal noise: reproducible from the seed, different from the noiseless run, and the
// depinning threshold freezes walls whose current is below it.
TEST_P(Noise, ReproducibleAndDifferentFromNoiseless) {
  ModelParams m;
  m.thermal_noise = true;
  m.i_depin = 0.8e-6;
  RecallTask task(8, 1);
  const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 4, 0);
  EXPECT_GT(spec.integ.diffusion, 1e-7);  // ~2e-6 m^2/s with the defaults: nm per ps
  const RunResult a = run_trials(task, m, spec, 6, 2, 0, Precision::Double, &backend(2));
  const RunResult b = run_trials(task, m, spec, 6, 1, 1, Precision::Double, &backend(1));
  ModelParams quiet;
  const PointSpec plain = make_point_spec(quiet, VariationSigmas{}, task.spec(quiet), 4, 0);
  const RunResult c = run_trials(task, quiet, plain, 6, 2, 0, Precision::Double, &backend());
  for (int t = 0; t < 6; ++t) {
    EXPECT_TRUE(same_bits(a.all.trials[t], b.all.trials[t])) << t;
    EXPECT_FALSE(same_bits(a.all.trials[t], c.all.trials[t])) << t;
    EXPECT_GT(a.all.trials[t].steps, 10 * c.all.trials[t].steps) << "noise bounds the step too";
  }
  // the diffusion constant of model.md: gamma Delta kB T / (2 alpha M_SAT A)
  EXPECT_NEAR(m.diffusion(), 1.760859e11 * 5e-9 * 1.380649e-23 * 300 / (2 * 0.02 * 8e5 * 50e-18), 1e-12);
  const DeviceParams<double> p = m.axon_device<double>();
  EXPECT_EQ(wall_velocity_pinned(p, 0.7e-6 * 2000), 0.0);
  EXPECT_NE(wall_velocity_pinned(p, 0.9e-6 * 2000), 0.0);
}
