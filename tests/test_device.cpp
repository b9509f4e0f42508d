// One DW-MTJ under constant drive (model.md section 1).
#include <gtest/gtest.h>

#include <cmath>

#include "spinhop/model.hpp"

using namespace spinhop;

namespace {
const ModelParams kModel;
}

TEST(Device, ConductanceAtMtjEdgesAndCentre) {
  const DeviceParams<double> p = kModel.axon_device<double>();
  EXPECT_NEAR(mtj_conductance(p, 0.0), 1.0 / 2000.0, 1e-15);
  EXPECT_NEAR(mtj_conductance(p, 40e-9), 1.0 / 2000.0, 1e-15);           // x_lo: R_AP
  EXPECT_NEAR(mtj_conductance(p, 50e-9), 1.0 / 800.0, 1e-12);            // 2 R_P R_AP/(R_P+R_AP)
  EXPECT_NEAR(mtj_conductance(p, 60e-9), 1.0 / 500.0, 1e-15);            // x_hi: R_P
  EXPECT_NEAR(mtj_conductance(p, 100e-9), 1.0 / 500.0, 1e-15);
  // linear in between
  EXPECT_NEAR(mtj_conductance(p, 45e-9), 0.75 / 2000.0 + 0.25 / 500.0, 1e-12);
}

TEST(Device, VelocityIsKTimesCurrentPlusLeak) {
  const double k = kModel.k();
  EXPECT_NEAR(k, 1.0636e6, 0.0001e6);  // m/s per A (model.md: 1.0636 m/s per uA)
  for (bool soma : {false, true}) {
    const DeviceParams<double> p = soma ? kModel.soma_device<double>() : kModel.axon_device<double>();
    const double leak = soma ? 0.2 : -5.0;
    for (double current : {-50e-6, -1e-6, 0.0, 3e-6, 40e-6}) {
      const double v_track = current * kModel.r_m;  // the track is R_M, so I = V / R_M
      EXPECT_NEAR(wall_velocity(p, v_track), k * current + leak, 1e-9);
    }
  }
  // one ON axon alone into a soma drives ~40 uA (~42.5 m/s), V_C over R_M ~53.2 m/s (model.md)
  EXPECT_NEAR(k * 0.1 / 2000.0, 53.18, 0.01);
}

TEST(Device, ClampsAtBothTrackEnds) {
  const DeviceParams<double> p = kModel.axon_device<double>();
  EXPECT_EQ(wall_position(p, 99e-9, 1e-9, 50.0), 100e-9);   // would reach 149 nm
  EXPECT_EQ(wall_position(p, 1e-9, 1e-9, -50.0), 0.0);      // would reach -49 nm
  EXPECT_NEAR(wall_position(p, 50e-9, 1e-9, 10.0), 60e-9, 1e-18);
  EXPECT_NEAR(wall_position(p, 50e-9, 1e-9, 10.0, 2e-9), 62e-9, 1e-18);  // with a kick
}

// The time to the next kink of the right-hand side: an MTJ edge (40, 60 nm) or a track end.
TEST(Device, TimeToTheNextKink) {
  const DeviceParams<double> p = kModel.axon_device<double>();
  EXPECT_NEAR(time_to_kink(p, 30e-9, 10.0), 1e-9, 1e-21);    // up to the MTJ's left edge
  EXPECT_NEAR(time_to_kink(p, 40e-9, 10.0), 2e-9, 1e-21);    // on it: up to the right edge
  EXPECT_NEAR(time_to_kink(p, 70e-9, 10.0), 3e-9, 1e-21);    // past the MTJ: the track end
  EXPECT_NEAR(time_to_kink(p, 70e-9, -10.0), 1e-9, 1e-21);   // down to the right edge
  EXPECT_NEAR(time_to_kink(p, 40e-9, -10.0), 4e-9, 1e-21);   // below the MTJ: to 0
  EXPECT_TRUE(std::isinf(time_to_kink(p, 0.0, -10.0)));      // pinned
  EXPECT_TRUE(std::isinf(time_to_kink(p, 50e-9, 0.0)));      // still
}

TEST(Device, PinnedAndSlowWalls) {
  const DeviceParams<double> p = kModel.axon_device<double>();
  // pinned walls do not count as moving; slow walls neither
  EXPECT_TRUE(wall_pinned(p, 0.0, -5.0));
  EXPECT_TRUE(wall_pinned(p, 100e-9, 2.0));
  EXPECT_FALSE(wall_pinned(p, 0.0, 2.0));
  EXPECT_FALSE(wall_pinned(p, 100e-9, -2.0));
  EXPECT_EQ(wall_motion_speed(p, 0.0, -5.0, 1e-3), 0.0);
  EXPECT_EQ(wall_motion_speed(p, 50e-9, 5e-4, 1e-3), 0.0);
  EXPECT_EQ(wall_motion_speed(p, 50e-9, -2.0, 1e-3), 2.0);
}

TEST(Device, MotionTimeInsideAStep) {
  const DeviceParams<double> p = kModel.axon_device<double>();
  auto end_of = [&](double x, double v) {
    return motion_end_time(wall_motion_end(p, x, v, 1e-3, 1e-9), 1e-9);
  };
  EXPECT_EQ(end_of(50e-9, 10.0), 1e-9);             // moves all step
  EXPECT_NEAR(end_of(95e-9, 10.0), 0.5e-9, 1e-21);  // arrives halfway
  EXPECT_NEAR(end_of(2e-9, -8.0), 0.25e-9, 1e-21);
  EXPECT_EQ(end_of(0.0, -8.0), 0.0);                // pinned
  EXPECT_EQ(end_of(100e-9, 8.0), 0.0);              // pinned at the other end
  EXPECT_EQ(end_of(50e-9, 5e-4), 0.0);              // slower than v_tol
  // several walls: the latest end wins; one moving throughout makes it the whole step
  const double a = wall_motion_end(p, 95e-9, 10.0, 1e-3, 1e-9);
  const double b = wall_motion_end(p, 2e-9, -8.0, 1e-3, 1e-9);
  const double c = wall_motion_end(p, 50e-9, 1.0, 1e-3, 1e-9);
  EXPECT_NEAR(motion_end_time(std::max(a, b), 1e-9), 0.5e-9, 1e-21);
  EXPECT_EQ(motion_end_time(std::max(std::max(a, b), c), 1e-9), 1e-9);
}

TEST(Device, ReadOutWithUndecidedBand) {
  EXPECT_EQ(wall_readout(100e-9, 100e-9, 0.95, 0.05), 1);
  EXPECT_EQ(wall_readout(95e-9, 100e-9, 0.95, 0.05), 1);
  EXPECT_EQ(wall_readout(94.9e-9, 100e-9, 0.95, 0.05), -1);
  EXPECT_EQ(wall_readout(50e-9, 100e-9, 0.95, 0.05), -1);
  EXPECT_EQ(wall_readout(5e-9, 100e-9, 0.95, 0.05), 0);
  EXPECT_EQ(wall_readout(0.0, 100e-9, 0.95, 0.05), 0);
}
