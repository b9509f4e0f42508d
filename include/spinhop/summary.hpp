// Summaries of a point's trials: descriptive statistics of time to solution, energy, accuracy...
// Three ways in: a vector of records (exact), a SummaryBuilder fed trial by trial (exact up to
// a bound on the values it keeps, then sample quantiles), and summarize_scanned over trials
// stored on disk (exact, a few passes, memory independent of the number of trials).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "spinhop/physics/outcome.hpp"
#include "spinhop/tasks.hpp"

namespace spinhop {

// One trial's physics and scores, as written to the results.
struct TrialRecord {
  std::uint64_t point = 0;
  std::uint64_t trial = 0;     // index inside the point
  NetworkOutcome outcome;
  double energy_paper = 0;     // the paper's analytic model at this trial's time to solution [J]
  TrialScore score;
  // importance sampling (docs/variation.md): ln p/q of the trial's die (0 under plain Monte
  // Carlo) and its die-to-die standard normals, one per varied parameter (NaN: not drawn)
  double log_weight = 0;
  double die_z[kVarParams] = {};
};

// Descriptive statistics of a sample (NaN entries ignored). Quantiles interpolate linearly
// between order statistics (numpy's default).
struct Stats {
  std::uint64_t count = 0;
  double mean = 0, stddev = 0, min = 0, max = 0, median = 0, q05 = 0, q25 = 0, q75 = 0, q95 = 0;
};
Stats describe(std::vector<double> values);

// A binomial proportion's 95% confidence interval (Wilson's score interval). [-]
struct Interval {
  double lo = 0, hi = 0;
};
Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z = 1.959963984540054);

struct PointSummary {
  std::uint64_t trials = 0;
  std::uint64_t converged = 0;
  Interval converged_ci;            // of converged / trials [-]
  double success_rate = 0;          // converged and right [-]
  Interval success_ci;              // [-]
  double readout_success_rate = 0;  // the read-out right, converged or not [-]
  Stats bit_accuracy;               // [-]
  Stats t_solution;                 // converged trials only [s]
  Stats energy_exact;               // converged trials only [J]
  Stats energy_paper;               // converged trials only [J]
  double power_exact = 0;           // total exact energy / total time, converged trials [W]
  double power_paper = 0;           // same for the paper model [W]
  Stats steps;                      // all trials
  double device_updates = 0;        // sum over trials of steps * n^2
  std::uint64_t undecided_trials = 0;
  Stats edp_exact;                  // energy x time to solution, converged trials [J s]
  Stats edp_paper;                  // same with the paper-model energy [J s]
  double hopfield_agreement = std::numeric_limits<double>::quiet_NaN();  // fraction [-]
  double hopfield_success_rate = std::numeric_limits<double>::quiet_NaN();
  Stats cut;                        // max-cut: cut value
  Stats gap;                        // max-cut: 1 - cut / reference [-]
  Stats hopfield_cut;               // max-cut: the ideal network's cut
};
PointSummary summarize(const std::vector<TrialRecord>& records, int n);

// Censoring: a trial that reached t_max has neither a time nor a success. Empty unless more than
// 1% of the point's trials did; else a sentence with the count, the fraction and the advice
// (t_max [s] named when given, i.e. not NaN).
constexpr double kCensoringWarnFraction = 0.01;
std::string censoring_warning(const PointSummary& s,
                              double t_max = std::numeric_limits<double>::quiet_NaN());

// One quantity fed a value at a time (NaN ignored). Count, mean, std, min and max are always
// exact; the quantiles are exact while at most `keep` values came, beyond that they come from a
// uniform reservoir sample of `keep` values, so memory stays at 8 * keep bytes.
class StatsAccumulator {
 public:
  explicit StatsAccumulator(std::size_t keep = std::numeric_limits<std::size_t>::max()) : keep_(keep) {}
  void add(double x);
  Stats stats() const;
  bool exact() const { return count_ <= keep_; }

 private:
  std::size_t keep_;
  std::uint64_t count_ = 0, finite_ = 0, pos_inf_ = 0, neg_inf_ = 0;
  std::uint64_t rng_ = 0x2545f4914f6cdd1dULL;  // reservoir sampling: fixed seed, reproducible
  double mean_ = 0, m2_ = 0;                   // Welford's running moments
  double min_ = std::numeric_limits<double>::infinity(), max_ = -std::numeric_limits<double>::infinity();
  std::vector<double> values_;
};

// A point's (or a group's) summary from its trials fed one at a time; each summarised quantity
// keeps at most `keep` values (see StatsAccumulator).
class SummaryBuilder {
 public:
  explicit SummaryBuilder(std::size_t keep = std::numeric_limits<std::size_t>::max());
  void add(const TrialRecord& r);
  std::uint64_t trials() const { return trials_; }
  PointSummary summary(int n) const;
  bool exact_time_quantiles() const { return t_.exact(); }  // the time-to-solution ones

 private:
  std::uint64_t trials_ = 0, converged_ = 0, undecided_ = 0;
  double success_ = 0, readout_success_ = 0, steps_sum_ = 0, e_sum_ = 0, ep_sum_ = 0, t_sum_ = 0;
  double h_agree_ = 0, h_succ_ = 0, h_count_ = 0;
  StatsAccumulator acc_, steps_, cut_, gap_, hcut_;       // every trial
  StatsAccumulator t_, ee_, ep_, edp_e_, edp_p_;          // converged trials
};

// Trials kept on disk: a scan calls `visit` on every trial, in the same order each time (a pass
// reads them in chunks).
using TrialVisitor = std::function<void(const TrialRecord&)>;
using TrialScan = std::function<void(const TrialVisitor&)>;

// Exact Stats of quantities of scanned trials (a field returns NaN for a trial outside its
// sample): two passes for the moments, then histogram passes that narrow down to the order
// statistics the quantiles need; memory is independent of the number of trials.
using TrialField = std::function<double(const TrialRecord&)>;
std::vector<Stats> describe_scanned(const std::vector<TrialField>& fields, const TrialScan& scan);

// The exact summary of scanned trials (a handful of passes).
PointSummary summarize_scanned(int n, const TrialScan& scan);

}  // namespace spinhop
