// Human-readable summaries on stdout.
#pragma once

#include <string>

#include "spinhop/runner.hpp"

namespace spinhop::cli {

// "81.2 ns", "3.60 nJ", "44.3 mW": a value with an SI prefix and unit.
std::string si(double value, const char* unit, int digits = 3);

struct ThroughputFigures {
  double seconds = 0;
  double trials_per_second = 0;
  double device_updates_per_second = 0;
};

void print_point_summary(const PointSummary& s, const ThroughputFigures& tp, bool throughput = true);

}  // namespace spinhop::cli
