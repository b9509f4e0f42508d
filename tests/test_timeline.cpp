// The time-line rules (physics/timeline.hpp) and the one driver (physics/driver.hpp) on their
// own: the driver runs here on a toy network policy whose answer is known in closed form, so the
// energy bookkeeping, the cut-back of the last step, switch-off and time-out are checked without
// any device physics.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "spinhop/physics/driver.hpp"

using namespace spinhop;

namespace {

IntegratorConsts consts(double t_load, double t_max, bool stationary = false) {
  IntegratorConsts c{};
  c.scheme = static_cast<int>(SchemeId::Euler);
  c.rtol = 1e-4;
  c.atol = 1e-5;
  c.dx_max = 2e-9;
  c.dt_max = 1e-9;
  c.v_tol = 1e-3;
  c.t_load = t_load;
  c.t_max = t_max;
  c.stationary_load = stationary ? 1 : 0;
  return c;
}

// One wall moving at `speed` from 0 until it reaches `len` (then it stops); two neurons whose
// sources deliver `p_load` each while loading and `p_relax` each afterwards. The wall's velocity
// does not depend on any node voltage, so every scheme integrates it exactly.
struct ToyNetwork {
  using RealType = double;
  double speed, len, p_load, p_relax;
  double x = 0.0, x_start = 0.0, dt_last = 0.0;
  std::vector<NeuronState<double>> rows = std::vector<NeuronState<double>>(2);
  int observed = 0, stages = 0;

  void refresh() {}
  void solve_nodes(bool loading, int s) {
    for (NeuronState<double>& r : rows) r.power[s] = loading ? p_load : p_relax;
  }
  Scan scan() {
    Scan out;
    out.vmax = x < len ? speed : 0.0;
    return out;
  }
  void stage(int, double, const Scheme&, const StepNoise&) { ++stages; }
  void accept(double h, const Scheme& sc, const StepNoise&) {
    x_start = x;
    dt_last = h;
    x = std::fmin(len, x + speed * h);
    for (NeuronState<double>& r : rows) r.power[0] = r.power[sc.stages - 1];
  }
  double departure(double, const Scheme&, const IntegratorConsts&) { return 1.0 / 0.0; }
  double last_motion() {
    const double arrival = (len - x_start) / speed;
    return arrival < dt_last ? arrival : dt_last;
  }
  template <class F>
  void each_row(F f) {
    for (int j = 0; j < 2; ++j) f(j, rows[static_cast<std::size_t>(j)]);
  }
  template <class T, class F>
  T max_rows(F f) {
    T m = T(0);
    for (int j = 0; j < 2; ++j) m = std::max(m, static_cast<T>(f(j, rows[static_cast<std::size_t>(j)])));
    return m;
  }
  double total_energy() { return rows[0].energy + rows[1].energy; }
  void observe(const TimeLine&) { ++observed; }
};

}  // namespace

TEST(TimeLine, DecideStep) {
  const IntegratorConsts c = consts(16e-9, 3e-6);
  TimeLine tl;
  EXPECT_EQ(decide_step(c, tl, 1.0), StepDecision::Advance);
  EXPECT_EQ(decide_step(c, tl, 0.0), StepDecision::Advance);  // fixed loading goes on while still
  tl.phase = kRelaxing;
  EXPECT_EQ(decide_step(c, tl, 0.0), StepDecision::Converged);
  tl.t = 3e-6;
  EXPECT_EQ(decide_step(c, tl, 1.0), StepDecision::TimedOut);
  const IntegratorConsts s = consts(3e-6, 3e-6, true);
  TimeLine load;
  EXPECT_EQ(decide_step(s, load, 0.0), StepDecision::SwitchOff);  // stationary loading ends
}

TEST(TimeLine, StepLengthBoundsAndPhaseBoundary) {
  IntegratorConsts c = consts(16e-9, 3e-6);
  TimeLine tl;
  auto scan = [](double vmax, double t_event = 1.0 / 0.0) {
    Scan s;
    s.vmax = vmax;
    s.t_event = t_event;
    return s;
  };
  EXPECT_EQ(step_length(c, tl, scan(0.0), 0.0), 1e-9);         // nothing moves: dt_max
  EXPECT_EQ(step_length(c, tl, scan(10.0), 0.0), 2e-9 / 10.0);  // dx_max / v_max
  EXPECT_EQ(step_length(c, tl, scan(10.0), 0.05e-9), 0.05e-9);  // the controller's proposal
  // just past a kink ahead; one practically reached is stepped over
  EXPECT_EQ(step_length(c, tl, scan(10.0, 0.1e-9), 0.0), 0.1e-9 * (1 + 1e-3));
  EXPECT_EQ(step_length(c, tl, scan(10.0, 1e-15), 0.0), 2e-9 / 10.0);
  tl.t = 15.5e-9;
  EXPECT_EQ(step_length(c, tl, scan(0.0), 0.0), 16e-9 - 15.5e-9);  // lands on the switch-off time
  c.diffusion = 2e-6;
  TimeLine t0;
  EXPECT_EQ(step_length(c, t0, scan(0.0), 0.0), 2e-9 * 2e-9 / (2 * 2e-6));  // rms kick <= dx_max
}

TEST(TimeLine, FinishStepLandsExactlyOnTheSwitchOff) {
  IntegratorConsts c = consts(16e-9, 3e-6);
  c.dt_max = 20e-9;  // one step reaches the switch-off from far below it
  TimeLine tl;
  // a time from which t + (t_load - t) rounds past t_load: the clock must land on t_load itself
  tl.t = 1.0732459326825493e-09;
  ASSERT_NE(tl.t + (16e-9 - tl.t), 16e-9);
  finish_step(c, tl, step_length(c, tl, Scan{}, 0.0));
  EXPECT_EQ(tl.t, 16e-9);
  EXPECT_EQ(tl.phase, kRelaxing);
  EXPECT_EQ(tl.t_switch, 16e-9);
  EXPECT_EQ(tl.prev_step_relaxing, 0);
  EXPECT_EQ(tl.steps, 1);
  finish_step(c, tl, 1e-9);
  EXPECT_EQ(tl.prev_step_relaxing, 1);
  EXPECT_EQ(solution_time(tl, 0.25e-9), 16e-9 + 0.25e-9);
}

// The wall reaches the end after len/speed: the time to solution is exactly that, and the energy
// is every neuron's loading power over the charge-up plus its relaxing power up to t_solution (the
// last step cut back to the arrival), whatever the scheme.
TEST(Driver, EnergyIsCutBackToTheEndOfMotion) {
  for (SchemeId id : {SchemeId::Euler, SchemeId::Bs3}) {
    IntegratorConsts c = consts(16e-9, 3e-6);
    c.scheme = static_cast<int>(id);
    ToyNetwork net{7.3, 400e-9, 2e-3, 0.5e-3};
    const NetworkOutcome out = integrate_trial(net, c);
    const double t_sol = 400e-9 / 7.3;
    EXPECT_EQ(out.converged, 1);
    EXPECT_NEAR(out.t_solution, t_sol, 1e-21);
    EXPECT_EQ(out.t_switch, 16e-9);
    const double e = 2 * (2e-3 * 16e-9 + 0.5e-3 * (t_sol - 16e-9));
    EXPECT_NEAR(out.energy, e, 1e-12 * e);
    EXPECT_EQ(out.steps, net.observed - 1);  // observed at the start and after every step
    EXPECT_EQ(net.stages, out.steps * (scheme_of(id).stages - 1));
  }
}

// The step-size controller: bounded growth and shrinkage, the classic exponent.
TEST(Driver, StepControllerFollowsTheErrorOrder) {
  const Scheme s = scheme_of(SchemeId::Bs3);
  EXPECT_EQ(next_step(s, 1e-9, 0.0), 5e-9);
  EXPECT_DOUBLE_EQ(next_step(s, 1e-9, 1e9), 0.2e-9);
  // err^(-1/2): the error per unit step of Bogacki-Shampine's estimate goes as h^2
  EXPECT_NEAR(next_step(s, 1e-9, 4.0), 1e-9 * 0.9 / 2.0, 1e-22);
  EXPECT_NEAR(next_step(s, 1e-9, 1.0), 0.9e-9, 1e-24);
  // the weights: consistent stages, 3rd-order weights summing to one, error weights to zero
  for (int st = 1; st < s.stages; ++st) {
    double sum = 0;
    for (int k = 0; k < st; ++k) sum += s.a[st][k];
    EXPECT_NEAR(sum, s.c[st], 1e-15);
  }
  double b = 0, e = 0;
  for (int k = 0; k < s.stages; ++k) {
    b += s.b_energy[k];
    e += s.e[k];
  }
  EXPECT_NEAR(b, 1.0, 1e-15);
  EXPECT_NEAR(e, 0.0, 1e-15);
}

// Converging during loading: the time to solution is the switch-off, no energy after it.
TEST(Driver, StillAtSwitchOffConvergesThere) {
  const IntegratorConsts c = consts(16e-9, 3e-6);
  ToyNetwork net{50.0, 100e-9, 1e-3, 7e-3};  // arrives at 2 ns, well before the switch-off
  const NetworkOutcome out = integrate_trial(net, c);
  EXPECT_EQ(out.converged, 1);
  EXPECT_EQ(out.t_solution, 16e-9);
  EXPECT_NEAR(out.energy, 2 * 1e-3 * 16e-9, 1e-24);
}

// Stationary loading ends once nothing moves; a wall that never stops times out at t_max.
TEST(Driver, StationaryLoadingAndTimeOut) {
  ToyNetwork quick{50.0, 100e-9, 1e-3, 7e-3};
  const NetworkOutcome a = integrate_trial(quick, consts(3e-6, 3e-6, true));
  EXPECT_EQ(a.converged, 1);
  EXPECT_NEAR(a.t_solution, 2e-9, 1e-21);
  EXPECT_NEAR(a.t_switch, 2e-9, 1e-21);
  ToyNetwork slow{0.01, 100e-9, 1e-3, 1e-3};  // needs 10 us
  const NetworkOutcome b = integrate_trial(slow, consts(16e-9, 3e-6));
  EXPECT_EQ(b.converged, 0);
  EXPECT_EQ(b.t_solution, 3e-6);
  EXPECT_NEAR(b.energy, 2 * 1e-3 * 3e-6, 1e-9 * 2 * 1e-3 * 3e-6);
}
