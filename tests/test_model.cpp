// Check figures of model.md sections 2 and 5.
#include <gtest/gtest.h>

#include "spinhop/energy_model.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/options.hpp"
#include <string>
#include <vector>
#include "spinhop/physics/network.hpp"

using namespace spinhop;

namespace {

// Net velocity of an axon under an ON (P) or OFF (AP) soma in a nominal n-neuron network.
double axon_velocity(const ModelParams& m, int n, bool soma_on) {
  const double g_soma = soma_on ? 1.0 / m.r_p : 1.0 / m.r_ap;
  const double v_bus = axon_bus_voltage(g_soma, m.v_dw_for(n), (n - 1) / m.r_m);
  return wall_velocity(m.axon_device<double>(), v_bus);
}

}  // namespace

TEST(Model, VdwAuthorsRuleCheckFigures) {
  ModelParams m;
  EXPECT_NEAR(m.v_dw_for(60), 0.3561, 0.00005);
  EXPECT_NEAR(axon_velocity(m, 60, true), 7.02, 0.005);
  EXPECT_NEAR(axon_velocity(m, 60, false), -1.84, 0.005);
  EXPECT_NEAR(m.v_dw_for(10), 0.0623, 0.00005);
  EXPECT_NEAR(axon_velocity(m, 10, true), 5.19, 0.005);
  EXPECT_NEAR(axon_velocity(m, 10, false), -1.69, 0.005);
}

TEST(Model, VdwEq4LeavesSmallNetworksAxonsUnfired) {
  ModelParams m;
  m.vdw_rule = VdwRule::Eq4;
  // eq. 4: -(L_SYN R_P / k)(N-1)(1 + T/2)
  const double T = (m.r_ap - m.r_p) / m.r_p;
  EXPECT_NEAR(m.v_dw_for(60), 5.0 * m.r_p / m.k() * 59 * (1 + T / 2), 1e-12);
  // model.md: at N=3 eq. 4 leaves an ON soma's axons drifting OFF at -0.83 m/s; the default +2.5
  EXPECT_NEAR(axon_velocity(m, 3, true), -0.83, 0.01);
  m.vdw_rule = VdwRule::Authors;
  EXPECT_NEAR(axon_velocity(m, 3, true), 2.5, 0.05);
  m.v_dw = 0.5;  // explicit value overrides both rules
  EXPECT_EQ(m.v_dw_for(3), 0.5);
}

TEST(Model, ChargeUpTimeTable) {
  EXPECT_EQ(charge_up_time_table(0.25), 15e-9);
  EXPECT_EQ(charge_up_time_table(0.15), 15e-9);
  EXPECT_EQ(charge_up_time_table(0.1), 16e-9);
  EXPECT_EQ(charge_up_time_table(0.07), 16e-9);
  EXPECT_EQ(charge_up_time_table(0.06), 17e-9);
  EXPECT_EQ(charge_up_time_table(0.04), 18e-9);
  EXPECT_EQ(charge_up_time_table(0.02), 20e-9);
}

TEST(PaperEnergyModel, ReproducesThePapersFigures) {
  ModelParams m;
  // recall, N=60, 81.2 ns: 44.3 mW, 3.60 nJ
  const PaperEnergyModel r60 = paper_energy_model(m, 60, m.v_dw_for(60));
  EXPECT_NEAR(r60.energy(81.2e-9), 3.60e-9, 0.005e-9);
  EXPECT_NEAR(r60.energy(81.2e-9) / 81.2e-9, 44.3e-3, 0.05e-3);
  // images, N=100, 78.14 ns: 11.04 nJ
  const PaperEnergyModel r100 = paper_energy_model(m, 100, m.v_dw_for(100));
  EXPECT_NEAR(r100.energy(78.14e-9), 11.04e-9, 0.01e-9);
  // max-cut, N=60, 344 ns: 50.6 mW, 17.4 nJ
  EXPECT_NEAR(r60.energy(344e-9), 17.4e-9, 0.05e-9);
  EXPECT_NEAR(r60.energy(344e-9) / 344e-9, 50.6e-3, 0.05e-3);
}

TEST(Model, ValidationNamesTheParameter) {
  auto message = [](auto mutate) {
    ModelParams m;
    mutate(m);
    try {
      m.validate();
    } catch (const ParameterError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message([](ModelParams&) {}), "accepted");
  EXPECT_NE(message([](ModelParams& m) { m.r_ap = 400; }).find("--r-ap"), std::string::npos);
  EXPECT_NE(message([](ModelParams& m) { m.r_m = -1; }).find("--r-m"), std::string::npos);
  EXPECT_NE(message([](ModelParams& m) { m.mtj_width = 200e-9; }).find("--mtj-width"), std::string::npos);
  EXPECT_NE(message([](ModelParams& m) { m.mtj_position = 0.95; }).find("--mtj-position"), std::string::npos);
  EXPECT_NE(message([](ModelParams& m) { m.leak_axon = 1; }).find("--leak-axon"), std::string::npos);
  EXPECT_NE(message([](ModelParams& m) { m.v_c = 0; }).find("--vc"), std::string::npos);
  // beyond the largest automatic t_max, or beyond a given one (below it: resolve_time_limits)
  EXPECT_NE(message([](ModelParams& m) { m.t_load = 2e-3; }).find("--t-load"), std::string::npos);
  EXPECT_NE(message([](ModelParams& m) { m.t_load = 50e-6; m.t_max = 30e-6; }).find("--t-load"), std::string::npos);
  EXPECT_NE(message([](ModelParams& m) { m.dx_max = 0; }).find("--dx-max"), std::string::npos);
  EXPECT_NE(message([](ModelParams& m) { m.t_max = 10e-9; }).find("charge-up time"), std::string::npos);
  EXPECT_EQ(message([](ModelParams& m) { m.t_max = 10e-9; m.load_mode = LoadMode::Stationary; }), "accepted");
  EXPECT_NE(message([](ModelParams& m) { m.read_hi = 0.4; }).find("--read-hi"), std::string::npos);
  EXPECT_NE(message([](ModelParams& m) { m.w = std::nan(""); }).find("--w"), std::string::npos);
}

// A swept range is written in decimal: its grid points are start + k step rounded to 15
// significant digits, so 0:0.3:0.1 ends at 0.3 (not 0.30000000000000004) and every point of
// 0:1:0.05 equals the decimal literal.
// The automatic time limits: 4 crossings of the track at the weakest decision's speed within
// [30 us, 1 ms], half that speed as v_tol within [atol, 1 mm/s]; no known speed, the defaults.
TEST(Model, AutomaticTimeLimits) {
  ModelParams m;
  EXPECT_DOUBLE_EQ(m.give_up_time(), kDefaultTMax);
  EXPECT_DOUBLE_EQ(m.stop_speed(), kDefaultVTol);
  ModelParams none = m;
  none.resolve_time_limits(0.0);
  EXPECT_DOUBLE_EQ(none.t_max, kDefaultTMax);
  EXPECT_DOUBLE_EQ(none.v_tol, kDefaultVTol);
  ModelParams slow = m;
  slow.resolve_time_limits(1e-3);  // 100 nm at 1 mm/s: 100 us a crossing
  EXPECT_NEAR(slow.t_max, 400e-6, 1e-12);
  EXPECT_DOUBLE_EQ(slow.v_tol, 0.5e-3);
  ModelParams fast = m;
  fast.resolve_time_limits(1.0);
  EXPECT_DOUBLE_EQ(fast.t_max, kDefaultTMax);
  EXPECT_DOUBLE_EQ(fast.v_tol, kDefaultVTol);
  ModelParams crawl = m;
  crawl.resolve_time_limits(1e-9);
  EXPECT_DOUBLE_EQ(crawl.t_max, kAutoTMaxCap);
  EXPECT_DOUBLE_EQ(crawl.v_tol, crawl.atol);
  ModelParams noisy = m;  // thermal noise: the walls never stop by the drive alone
  noisy.thermal_noise = true;
  noisy.resolve_time_limits(1e-3);
  EXPECT_DOUBLE_EQ(noisy.t_max, kDefaultTMax);
  EXPECT_DOUBLE_EQ(noisy.v_tol, kDefaultVTol);
  ModelParams loose = m;  // an atol above 1 mm/s: v_tol stays within [atol, 1 mm/s] as far as it can
  loose.atol = 2e-3;
  loose.resolve_time_limits(1e-3);
  EXPECT_DOUBLE_EQ(loose.v_tol, 1e-3);
  ModelParams loaded = m;  // a --t-load beyond 30 us is fine below the automatic t_max, refused above
  loaded.t_load = 50e-6;
  loaded.validate();
  loaded.resolve_time_limits(1e-3);
  EXPECT_NEAR(loaded.t_max, 400e-6, 1e-12);
  ModelParams late = m;
  late.t_load = 50e-6;
  EXPECT_THROW(late.resolve_time_limits(1.0), ParameterError);
  ModelParams set = m;
  set.t_max = 5e-6;
  set.v_tol = 0.0;
  set.resolve_time_limits(1e-3);
  EXPECT_DOUBLE_EQ(set.t_max, 5e-6);
  EXPECT_DOUBLE_EQ(set.v_tol, 0.0);
}

TEST(Model, SweepGridsAreTheDecimalValues) {
  const std::vector<spinhop::SweepAxis> a = spinhop::parse_sweeps({"sigma=0:0.3:0.1"}, "recall");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(a[0].values.size(), 4u);
  EXPECT_EQ(a[0].values[3], 0.3);
  EXPECT_EQ(a[0].values[1], 0.1);
  const std::vector<spinhop::SweepAxis> b = spinhop::parse_sweeps({"W=0:1:0.05"}, "recall");
  ASSERT_EQ(b[0].values.size(), 21u);
  for (int k = 0; k <= 20; ++k) EXPECT_EQ(b[0].values[k], std::stod(std::to_string(k * 5) + "e-2")) << k;
}
