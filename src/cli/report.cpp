#include "report.hpp"

#include <cmath>
#include <cstdio>

namespace spinhop::cli {

std::string si(double value, const char* unit, int digits) {
  if (std::isnan(value)) return "n/a";
  static const struct {
    double scale;
    const char* prefix;
  } prefixes[] = {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""},      {1e-3, "m"},
                  {1e-6, "u"}, {1e-9, "n"}, {1e-12, "p"}, {1e-15, "f"}, {1e-18, "a"}};
  const double mag = std::fabs(value);
  for (const auto& p : prefixes) {
    if (mag >= p.scale * 0.9995 || p.scale == 1e-18) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.*g %s%s", digits, value / p.scale, p.prefix, unit);
      return buf;
    }
  }
  return "0 " + std::string(unit);
}

void print_point_summary(const PointSummary& s, const ThroughputFigures& tp, bool throughput) {
  const unsigned long long n = s.trials;
  std::printf("  converged           %.4f [%.4f, %.4f] (%llu/%llu; trials with undecided bits: %llu)\n",
              n ? static_cast<double>(s.converged) / static_cast<double>(n) : 0.0, s.converged_ci.lo,
              s.converged_ci.hi, static_cast<unsigned long long>(s.converged), n,
              static_cast<unsigned long long>(s.undecided_trials));
  std::printf("  success rate        %.4f [%.4f, %.4f] (%llu/%llu converged and right; 95%% Wilson)\n",
              s.success_rate, s.success_ci.lo, s.success_ci.hi,
              static_cast<unsigned long long>(std::llround(s.success_rate * static_cast<double>(n))), n);
  if (s.converged < s.trials) {
    std::printf("  read-out at t_max   %.4f (right read-outs, counting the %llu trials that did not converge)\n",
                s.readout_success_rate, n - static_cast<unsigned long long>(s.converged));
  }
  if (s.bit_accuracy.count > 0) {
    std::printf("  bit accuracy        mean %.5f  min %.4f\n", s.bit_accuracy.mean, s.bit_accuracy.min);
  }
  if (s.cut.count > 0) {
    // a cut is a read-out: of the final state, or of the state at t_max for a trial that did not
    // converge (success and P(target) count converged trials only)
    char gap[48] = "";
    if (s.gap.count > 0) std::snprintf(gap, sizeof gap, "  gap to reference mean %.2f%%", 100 * s.gap.mean);
    char late[64] = "";
    if (s.converged < s.trials) {
      std::snprintf(late, sizeof late, " (%llu read at t_max)", static_cast<unsigned long long>(s.trials - s.converged));
    }
    std::printf("  cut, read-out       mean %.4g  max %.4g%s%s\n", s.cut.mean, s.cut.max, gap, late);
  }
  if (!std::isnan(s.hopfield_agreement)) {
    std::printf("  ideal Hopfield      same final state in %.4f of trials, its success %.4f\n",
                s.hopfield_agreement, s.hopfield_success_rate);
  }
  if (s.converged == 0) {
    std::printf("  time to solution    n/a (no trial converged)\n");
    std::printf("  steps per trial     mean %.0f  max %.0f\n", s.steps.mean, s.steps.max);
    if (throughput) {
      std::printf("  throughput          %.1f trials/s, %s device-updates/s (%.2f s)\n",
                  tp.trials_per_second, si(tp.device_updates_per_second, "", 3).c_str(), tp.seconds);
    }
    return;
  }
  const char* of = s.converged < s.trials ? " (converged trials)" : "";
  std::printf("  time to solution    mean %s  median %s  max %s%s\n", si(s.t_solution.mean, "s").c_str(),
              si(s.t_solution.median, "s").c_str(), si(s.t_solution.max, "s").c_str(), of);
  std::printf("  energy, exact       mean %s  max %s\n", si(s.energy_exact.mean, "J").c_str(),
              si(s.energy_exact.max, "J").c_str());
  std::printf("  energy, paper model mean %s  max %s\n", si(s.energy_paper.mean, "J").c_str(),
              si(s.energy_paper.max, "J").c_str());
  std::printf("  power               exact %s, paper model %s\n", si(s.power_exact, "W").c_str(),
              si(s.power_paper, "W").c_str());
  std::printf("  steps per trial     mean %.0f  max %.0f\n", s.steps.mean, s.steps.max);
  if (!throughput) return;
  std::printf("  throughput          %.1f trials/s, %s device-updates/s (%.2f s)\n",
              tp.trials_per_second, si(tp.device_updates_per_second, "", 3).c_str(), tp.seconds);
}

}  // namespace spinhop::cli
