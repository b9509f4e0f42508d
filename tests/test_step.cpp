// The integrator's step: the default step limits give converged answers (halving them changes
// little). CPU reference only: this is about the numerics, the same on every backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "helpers.hpp"

using namespace spinhop;
using namespace spinhop::test;

namespace {

// Relative change of time to solution and energy per trial when the step limits are halved.
struct StepChange {
  double mean_t = 0, mean_e = 0, p95_t = 0, p95_e = 0, max_t = 0;
  int compared = 0;
};

StepChange halving_change(int n, int patterns, double dx, double dt, int trials) {
  ModelParams coarse, fine;
  coarse.dx_max = dx;
  coarse.dt_max = dt;
  fine.dx_max = dx / 2;
  fine.dt_max = dt / 2;
  RecallTask task(n, patterns);
  const PointSpec a = make_point_spec(coarse, VariationSigmas{}, task.spec(coarse), 21, 0);
  const PointSpec b = make_point_spec(fine, VariationSigmas{}, task.spec(fine), 21, 0);
  const RunResult ra = run_trials(task, coarse, a, trials, 2, 0, Precision::Double);
  const RunResult rb = run_trials(task, fine, b, trials, 2, 0, Precision::Double);
  std::vector<double> dts, des;
  double sum_ta = 0, sum_tb = 0, sum_ea = 0, sum_eb = 0;
  StepChange c;
  for (int t = 0; t < trials; ++t) {
    const NetworkOutcome &x = ra.all.trials[t], &y = rb.all.trials[t];
    if (!x.converged || !y.converged || ra.all.state[t] != rb.all.state[t]) continue;
    dts.push_back(std::fabs(x.t_solution / y.t_solution - 1));
    des.push_back(std::fabs(x.energy / y.energy - 1));
    sum_ta += x.t_solution; sum_tb += y.t_solution; sum_ea += x.energy; sum_eb += y.energy;
  }
  c.compared = static_cast<int>(dts.size());
  c.mean_t = std::fabs(sum_ta / sum_tb - 1);
  c.mean_e = std::fabs(sum_ea / sum_eb - 1);
  std::sort(dts.begin(), dts.end());
  std::sort(des.begin(), des.end());
  c.p95_t = dts[dts.size() * 95 / 100];
  c.p95_e = des[des.size() * 95 / 100];
  c.max_t = dts.back();
  return c;
}

}  // namespace

// The default step is converged: halving dx_max and dt_max moves the mean time to solution and
// energy by < 1%, and 95% of trials individually by < 1%. (A trial whose soma creeps near the
// balance of drive and leak can move more: its timing is set by round-off, model.md section 8.)
TEST(Recall, DefaultStepIsConverged) {
  const ModelParams m;
  for (auto [n, p] : {std::pair{10, 1}, std::pair{29, 3}, std::pair{60, 1}}) {
    const StepChange c = halving_change(n, p, m.dx_max, m.dt_max, n == 60 ? 60 : 150);
    std::printf("  N=%d P=%d: %d trials, mean change t %.2e E %.2e; 95%% of trials within t %.2e "
                "E %.2e; worst t %.2e\n", n, p, c.compared, c.mean_t, c.mean_e, c.p95_t, c.p95_e, c.max_t);
    EXPECT_GT(c.compared, 0);
    EXPECT_LT(c.mean_t, 0.01);
    EXPECT_LT(c.mean_e, 0.01);
    EXPECT_LT(c.p95_t, 0.01);
    EXPECT_LT(c.p95_e, 0.01);
  }
}

