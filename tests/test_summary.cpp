// Summaries: the streaming and on-disk (scanned) statistics against the exact in-memory ones.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "spinhop/summary.hpp"

namespace spinhop {
namespace {

// A scan over values held in a vector, as trials whose t_solution carries the value.
TrialScan scan_of(const std::vector<double>& values, int* passes) {
  return [&values, passes](const TrialVisitor& visit) {
    ++*passes;
    TrialRecord r;
    for (double v : values) {
      r.outcome.t_solution = v;
      visit(r);
    }
  };
}

Stats scanned(const std::vector<double>& values, int* passes) {
  const std::vector<TrialField> f = {[](const TrialRecord& r) { return r.outcome.t_solution; }};
  return describe_scanned(f, scan_of(values, passes)).at(0);
}

void expect_same(const Stats& want, const Stats& got) {
  EXPECT_EQ(want.count, got.count);
  EXPECT_EQ(want.min, got.min);
  EXPECT_EQ(want.max, got.max);
  // order statistics are found exactly, so the interpolated quantiles agree to the bit
  EXPECT_EQ(want.q05, got.q05);
  EXPECT_EQ(want.q25, got.q25);
  EXPECT_EQ(want.median, got.median);
  EXPECT_EQ(want.q75, got.q75);
  EXPECT_EQ(want.q95, got.q95);
  // sums in another order: equal to rounding
  EXPECT_NEAR(want.mean, got.mean, 1e-12 * std::abs(want.mean) + 1e-300);
  EXPECT_NEAR(want.stddev, got.stddev, 1e-9 * want.stddev + 1e-300);
}

TEST(Summary, ScannedQuantilesAreExact) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> lognormal(-18.0, 0.4);  // times ~ 10 ns
  std::vector<double> v(300000);
  for (double& x : v) x = lognormal(rng);
  int passes = 0;
  expect_same(describe(v), scanned(v, &passes));
  EXPECT_LE(passes, 5) << "histogram narrowing should need few passes";
}

TEST(Summary, ScannedHandlesTiesOutliersNaNAndTinySamples) {
  std::vector<double> steps(100000, 229.0);  // heavy ties: integer step counts
  for (std::size_t k = 0; k < steps.size(); k += 7) steps[k] = 230.0;
  steps[5] = 1e12;                                          // one wild outlier
  steps[9] = std::nan("");                                  // outside the sample
  for (std::size_t k = 100; k < 30000; k += 3) steps[k] = 228.0 + 1e-9 * k;  // a dense cluster
  int passes = 0;
  expect_same(describe(steps), scanned(steps, &passes));
  for (const std::vector<double>& small : {std::vector<double>{}, std::vector<double>{3.5},
                                           std::vector<double>{2, 1}, std::vector<double>(50, -4.0)}) {
    const Stats want = describe(small), got = scanned(small, &passes);
    EXPECT_EQ(want.count, got.count);
    if (want.count == 0) {
      EXPECT_TRUE(std::isnan(got.median));
    } else {
      expect_same(want, got);
    }
  }
}

// Infinities are legal doubles: the scanned search must place them below and above the finite
// values exactly as sorting does, and the streaming moments must not turn NaN.
TEST(Summary, InfinitiesAreOrderedLikeSorting) {
  auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
  std::vector<double> v(20000);
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = 1e-9 * static_cast<double>((k * 7919) % 1000);
  for (std::size_t k = 0; k < 1500; ++k) v[k * 13] = INFINITY;   // 7.5%: above q95
  for (std::size_t k = 0; k < 300; ++k) v[k * 17 + 1] = -INFINITY;  // 1.5%
  int passes = 0;
  const Stats want = describe(v), got = scanned(v, &passes);
  EXPECT_EQ(want.count, got.count);
  EXPECT_EQ(got.min, -INFINITY);
  EXPECT_EQ(got.max, INFINITY);
  for (double Stats::*q : {&Stats::q05, &Stats::q25, &Stats::median, &Stats::q75, &Stats::q95}) {
    EXPECT_TRUE(same(want.*q, got.*q)) << want.*q << " vs " << got.*q;
  }
  EXPECT_TRUE(std::isnan(got.q95));  // between two +inf: inf + t (inf - inf), as with sorting
  EXPECT_TRUE(std::isfinite(got.median));
  StatsAccumulator streamed(2);  // beyond its bound: the streaming moments
  for (double x : {1.0, static_cast<double>(INFINITY), 2.0, 3.0}) streamed.add(x);
  EXPECT_EQ(streamed.stats().mean, INFINITY);  // as describe() gives it, not NaN
  EXPECT_EQ(streamed.stats().min, 1.0);
}

TEST(Summary, AccumulatorExactUpToItsBoundThenSampled) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(80e-9, 10e-9);
  std::vector<double> v(200000);
  for (double& x : v) x = normal(rng);
  StatsAccumulator exact, bounded(4096);
  for (double x : v) {
    exact.add(x);
    bounded.add(x);
  }
  EXPECT_TRUE(exact.exact());
  EXPECT_FALSE(bounded.exact());
  const Stats want = describe(v), a = exact.stats(), b = bounded.stats();
  EXPECT_EQ(want.median, a.median);
  EXPECT_EQ(want.count, b.count);
  EXPECT_EQ(want.min, b.min);
  EXPECT_EQ(want.max, b.max);
  EXPECT_NEAR(want.mean, b.mean, 1e-12 * want.mean);
  EXPECT_NEAR(want.stddev, b.stddev, 1e-9 * want.stddev);
  // a 4096-value uniform sample: the median within ~4 standard errors (sigma / sqrt(n) * 1.25)
  EXPECT_NEAR(want.median, b.median, 4 * 1.25 * 10e-9 / 64);
  EXPECT_NE(want.median, b.median);  // it really is a sample
}

TEST(Summary, ScannedPointSummaryMatchesTheInMemoryOne) {
  std::mt19937_64 rng(11);
  std::vector<TrialRecord> recs(20000);
  for (std::size_t k = 0; k < recs.size(); ++k) {
    TrialRecord& r = recs[k];
    r.trial = k;
    r.outcome.converged = rng() % 10 != 0;
    r.outcome.t_solution = 1e-9 * (50 + rng() % 1000);
    r.outcome.energy = 1e-12 * (1 + rng() % 5000);
    r.energy_paper = 1e-12 * (2 + rng() % 300);
    r.outcome.steps = 200 + static_cast<long long>(rng() % 60);
    r.outcome.undecided = rng() % 50 == 0;
    r.score.success = rng() % 2;
    r.score.bit_accuracy = (rng() % 61) / 60.0;
    r.score.hopfield_agrees = rng() % 2;
    r.score.hopfield_success = 1;
  }
  const PointSummary want = summarize(recs, 60);
  int passes = 0;
  const PointSummary got = summarize_scanned(60, [&](const TrialVisitor& visit) {
    ++passes;
    for (const TrialRecord& r : recs) visit(r);
  });
  EXPECT_EQ(want.trials, got.trials);
  EXPECT_EQ(want.converged, got.converged);
  EXPECT_EQ(want.undecided_trials, got.undecided_trials);
  EXPECT_DOUBLE_EQ(want.success_rate, got.success_rate);
  EXPECT_DOUBLE_EQ(want.device_updates, got.device_updates);
  EXPECT_DOUBLE_EQ(want.hopfield_agreement, got.hopfield_agreement);
  expect_same(want.t_solution, got.t_solution);
  expect_same(want.energy_exact, got.energy_exact);
  expect_same(want.energy_paper, got.energy_paper);
  expect_same(want.edp_exact, got.edp_exact);
  expect_same(want.steps, got.steps);
  expect_same(want.bit_accuracy, got.bit_accuracy);
  EXPECT_EQ(got.cut.count, 0u);
}

}  // namespace
}  // namespace spinhop

namespace spinhop {
namespace {

// Wilson's score interval against the closed form evaluated separately (Python, z = 1.95996):
// 5/10 -> [0.2366, 0.7634], the textbook case.
TEST(Summary, WilsonIntervalKnownValues) {
  const Interval a = wilson_interval(5, 10);
  EXPECT_NEAR(a.lo, 0.236593, 1e-6);
  EXPECT_NEAR(a.hi, 0.763407, 1e-6);
  const Interval b = wilson_interval(0, 10);
  EXPECT_EQ(b.lo, 0.0);
  EXPECT_NEAR(b.hi, 0.277533, 1e-6);
  const Interval c = wilson_interval(10, 10);
  EXPECT_NEAR(c.lo, 0.722467, 1e-6);
  EXPECT_EQ(c.hi, 1.0);
  const Interval d = wilson_interval(94, 500);
  EXPECT_NEAR(d.lo, 0.156180, 1e-6);
  EXPECT_NEAR(d.hi, 0.224578, 1e-6);
  const Interval none = wilson_interval(0, 0);
  EXPECT_EQ(none.lo, 0.0);
  EXPECT_EQ(none.hi, 1.0);
}

// A trial that did not converge is counted in the read-out rate but not as a success, and the
// rates carry their intervals.
TEST(Summary, SuccessNeedsConvergence) {
  std::vector<TrialRecord> recs(4);
  for (int k = 0; k < 4; ++k) {
    recs[k].outcome.converged = k < 2 ? 1 : 0;
    recs[k].score.readout_success = 1;
    recs[k].score.success = recs[k].outcome.converged;  // as the runner scores it
  }
  const PointSummary s = summarize(recs, 10);
  EXPECT_EQ(s.converged, 2u);
  EXPECT_DOUBLE_EQ(s.success_rate, 0.5);
  EXPECT_DOUBLE_EQ(s.readout_success_rate, 1.0);
  const Interval w = wilson_interval(2, 4);
  EXPECT_EQ(s.success_ci.lo, w.lo);
  EXPECT_EQ(s.converged_ci.hi, w.hi);
}

}  // namespace
}  // namespace spinhop
