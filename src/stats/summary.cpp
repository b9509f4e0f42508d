#include "spinhop/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace spinhop {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The quantiles Stats reports, as fractions; each reads order statistics floor(h), floor(h) + 1
// with h = p (n - 1).
constexpr double kQuantiles[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
constexpr double Stats::*kQuantileFields[5] = {&Stats::q05, &Stats::q25, &Stats::median, &Stats::q75,
                                               &Stats::q95};

// Linear interpolation between the order statistics around p (n - 1); `at(k)` is the k-th smallest.
template <class OrderStatistic>
void set_quantiles(Stats& s, std::uint64_t n, const OrderStatistic& at) {
  for (int q = 0; q < 5; ++q) {
    const double h = kQuantiles[q] * static_cast<double>(n - 1);
    const std::uint64_t lo = static_cast<std::uint64_t>(std::floor(h));
    const std::uint64_t hi = std::min<std::uint64_t>(lo + 1, n - 1);
    const double vlo = at(lo);
    s.*kQuantileFields[q] = vlo + (h - static_cast<double>(lo)) * (at(hi) - vlo);
  }
}

Stats empty_stats() {
  Stats s;
  s.mean = s.stddev = s.min = s.max = s.median = s.q05 = s.q25 = s.q75 = s.q95 = kNaN;
  return s;
}

}  // namespace

Stats describe(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return empty_stats();
  Stats s;
  s.count = v.size();
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / v.size();
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.stddev = v.size() > 1 ? std::sqrt(ss / (v.size() - 1)) : 0.0;
  s.min = v.front();
  s.max = v.back();
  set_quantiles(s, v.size(), [&](std::uint64_t k) { return v[k]; });
  return s;
}

// --- streaming -----------------------------------------------------------------------------------

void StatsAccumulator::add(double x) {
  if (std::isnan(x)) return;
  ++count_;
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
  if (std::isinf(x)) {
    ++(x > 0 ? pos_inf_ : neg_inf_);  // kept out of the moments, which they would turn to NaN
  } else {
    ++finite_;
    const double d = x - mean_;
    mean_ += d / static_cast<double>(finite_);
    m2_ += d * (x - mean_);
  }
  if (values_.size() < keep_) {
    values_.push_back(x);
    return;
  }
  // reservoir sampling (Vitter's algorithm R): the kept values stay a uniform sample
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  const std::uint64_t slot = rng_ % count_;
  if (slot < keep_) values_[slot] = x;
}

Stats StatsAccumulator::stats() const {
  if (exact()) return describe(values_);
  Stats s = empty_stats();
  s.count = count_;
  s.mean = mean_;
  s.stddev = count_ > 1 ? std::sqrt(m2_ / static_cast<double>(count_ - 1)) : 0.0;
  if (pos_inf_ > 0 || neg_inf_ > 0) {  // as describe() gives them
    s.mean = pos_inf_ > 0 && neg_inf_ > 0 ? kNaN : (pos_inf_ > 0 ? INFINITY : -INFINITY);
    s.stddev = kNaN;
  }
  s.min = min_;
  s.max = max_;
  if (values_.empty()) return s;
  const Stats sample = describe(values_);
  for (int q = 0; q < 5; ++q) s.*kQuantileFields[q] = sample.*kQuantileFields[q];
  return s;
}

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z) {
  if (trials == 0) return Interval{0.0, 1.0};  // no information
  const double n = static_cast<double>(trials), p = static_cast<double>(successes) / n;
  const double z2 = z * z, centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  // clamped: at p = 0 or 1 the bound is 0 or 1 up to rounding
  return Interval{successes == 0 ? 0.0 : std::max(0.0, centre - half),
                  successes == trials ? 1.0 : std::min(1.0, centre + half)};
}

SummaryBuilder::SummaryBuilder(std::size_t keep)
    : acc_(keep), steps_(keep), cut_(keep), gap_(keep), hcut_(keep), t_(keep), ee_(keep), ep_(keep),
      edp_e_(keep), edp_p_(keep) {}

void SummaryBuilder::add(const TrialRecord& r) {
  ++trials_;
  acc_.add(r.score.bit_accuracy);
  steps_.add(static_cast<double>(r.outcome.steps));
  cut_.add(r.score.cut);
  gap_.add(r.score.gap);
  hcut_.add(r.score.hopfield_cut);
  steps_sum_ += static_cast<double>(r.outcome.steps);
  success_ += r.score.success;
  readout_success_ += r.score.readout_success;
  if (r.score.hopfield_agrees >= 0) {
    h_count_ += 1;
    h_agree_ += r.score.hopfield_agrees;
    h_succ_ += r.score.hopfield_success;
  }
  if (r.outcome.undecided > 0) ++undecided_;
  if (!r.outcome.converged) return;
  ++converged_;
  t_.add(r.outcome.t_solution);
  ee_.add(r.outcome.energy);
  ep_.add(r.energy_paper);
  edp_e_.add(r.outcome.energy * r.outcome.t_solution);
  edp_p_.add(r.energy_paper * r.outcome.t_solution);
  e_sum_ += r.outcome.energy;
  ep_sum_ += r.energy_paper;
  t_sum_ += r.outcome.t_solution;
}

PointSummary SummaryBuilder::summary(int n) const {
  PointSummary ps;
  ps.trials = trials_;
  ps.converged = converged_;
  ps.undecided_trials = undecided_;
  ps.device_updates = steps_sum_ * n * n;
  ps.success_rate = trials_ == 0 ? 0.0 : success_ / static_cast<double>(trials_);
  ps.readout_success_rate = trials_ == 0 ? 0.0 : readout_success_ / static_cast<double>(trials_);
  ps.success_ci = wilson_interval(static_cast<std::uint64_t>(success_), trials_);
  ps.converged_ci = wilson_interval(converged_, trials_);
  ps.bit_accuracy = acc_.stats();
  ps.t_solution = t_.stats();
  ps.energy_exact = ee_.stats();
  ps.energy_paper = ep_.stats();
  ps.edp_exact = edp_e_.stats();
  ps.edp_paper = edp_p_.stats();
  ps.steps = steps_.stats();
  ps.cut = cut_.stats();
  ps.gap = gap_.stats();
  ps.hopfield_cut = hcut_.stats();
  ps.power_exact = t_sum_ > 0 ? e_sum_ / t_sum_ : 0.0;
  ps.power_paper = t_sum_ > 0 ? ep_sum_ / t_sum_ : 0.0;
  if (h_count_ > 0) {
    ps.hopfield_agreement = h_agree_ / h_count_;
    ps.hopfield_success_rate = h_succ_ / h_count_;
  }
  return ps;
}

PointSummary summarize(const std::vector<TrialRecord>& records, int n) {
  SummaryBuilder b;
  for (const TrialRecord& r : records) b.add(r);
  return b.summary(n);
}

// --- exact statistics of scanned trials ----------------------------------------------------------

namespace {

constexpr std::size_t kBins = 4096;      // histogram bins per narrowing pass
constexpr std::uint64_t kCollect = 8192; // few enough values left: collect and select directly

// The search for the k-th smallest value of one field: the answer lies among the values in
// [lo, hi], of which there are `inside`, with `below` values smaller than lo.
struct OrderSearch {
  std::uint64_t k = 0;
  double lo = 0, hi = 0;
  std::uint64_t below = 0, inside = 0;
  bool done = false;
  double value = kNaN;
  // one pass's scratch
  std::vector<std::uint64_t> count;
  std::vector<double> bin_min, bin_max, collected;

  bool collecting() const { return inside <= kCollect; }
  // Bins are monotone in x (subtraction, division by a positive width and floor all are), so a
  // bin holds a contiguous run of the sorted values: [bin_min, bin_max] holds exactly them.
  std::size_t bin(double x) const {
    const double width = hi * 0.5 - lo * 0.5;  // halves: no overflow
    if (!(width > 0)) return x > lo ? kBins - 1 : 0;  // lo, hi adjacent subnormals
    const double f = (x * 0.5 - lo * 0.5) / width;
    return std::min(kBins - 1, static_cast<std::size_t>(f * kBins));
  }
  void start_pass() {
    if (collecting()) {
      collected.clear();
      return;
    }
    count.assign(kBins, 0);
    bin_min.assign(kBins, std::numeric_limits<double>::infinity());
    bin_max.assign(kBins, -std::numeric_limits<double>::infinity());
  }
  void see(double x) {
    if (x < lo || x > hi) return;  // infinities too: lo and hi are finite
    if (collecting()) {
      collected.push_back(x);
      return;
    }
    const std::size_t b = bin(x);
    ++count[b];
    bin_min[b] = std::min(bin_min[b], x);
    bin_max[b] = std::max(bin_max[b], x);
  }
  void end_pass() {
    if (collecting()) {
      const std::size_t r = static_cast<std::size_t>(k - below);
      if (r >= collected.size()) throw std::runtime_error("the trials changed between passes");
      std::nth_element(collected.begin(), collected.begin() + r, collected.end());
      value = collected[r];
      done = true;
      collected = {};
      return;
    }
    std::uint64_t before = below;
    for (std::size_t b = 0; b < kBins; ++b) {
      if (k < before + count[b]) {
        below = before;
        lo = bin_min[b];
        hi = bin_max[b];
        inside = count[b];
        if (lo == hi) {
          value = lo;
          done = true;
        }
        count = {};
        bin_min = {};
        bin_max = {};
        return;
      }
      before += count[b];
    }
    throw std::runtime_error("the trials changed between passes");
  }
};

}  // namespace

std::vector<Stats> describe_scanned(const std::vector<TrialField>& fields, const TrialScan& scan) {
  const std::size_t nf = fields.size();
  std::vector<Stats> out(nf, empty_stats());
  std::vector<double> sum(nf, 0.0), ss(nf, 0.0);
  std::vector<std::uint64_t> n(nf, 0), neg_inf(nf, 0), pos_inf(nf, 0);
  // min and max of the finite values: the order-statistic search works between them
  std::vector<double> mn(nf, std::numeric_limits<double>::infinity()), mx(nf, -std::numeric_limits<double>::infinity());
  scan([&](const TrialRecord& r) {
    for (std::size_t f = 0; f < nf; ++f) {
      const double x = fields[f](r);
      if (std::isnan(x)) continue;
      ++n[f];
      sum[f] += x;
      if (std::isinf(x)) {
        ++(x > 0 ? pos_inf[f] : neg_inf[f]);
        continue;
      }
      mn[f] = std::min(mn[f], x);
      mx[f] = std::max(mx[f], x);
    }
  });
  // the order statistics every field's quantiles need
  std::vector<std::vector<OrderSearch>> search(nf);
  for (std::size_t f = 0; f < nf; ++f) {
    if (n[f] == 0) continue;
    out[f].count = n[f];
    out[f].mean = sum[f] / static_cast<double>(n[f]);
    out[f].min = neg_inf[f] > 0 ? -INFINITY : mn[f];
    out[f].max = pos_inf[f] > 0 ? INFINITY : mx[f];
    std::vector<std::uint64_t> ks;
    for (double p : kQuantiles) {
      const std::uint64_t lo = static_cast<std::uint64_t>(std::floor(p * static_cast<double>(n[f] - 1)));
      ks.push_back(lo);
      ks.push_back(std::min<std::uint64_t>(lo + 1, n[f] - 1));
    }
    std::sort(ks.begin(), ks.end());
    ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
    for (std::uint64_t k : ks) {
      OrderSearch s;
      s.k = k;
      if (k < neg_inf[f] || k >= n[f] - pos_inf[f]) {  // the order statistic is an infinity
        s.done = true;
        s.value = k < neg_inf[f] ? -INFINITY : INFINITY;
      } else {  // among the finite values, of which neg_inf[f] infinities lie below
        s.lo = mn[f];
        s.hi = mx[f];
        s.below = neg_inf[f];
        s.inside = n[f] - neg_inf[f] - pos_inf[f];
        s.done = mn[f] == mx[f];
        s.value = mn[f];
      }
      search[f].push_back(std::move(s));
    }
  }
  // the second pass also gathers the squared deviations about the mean
  bool first = true;
  for (int pass = 0;; ++pass) {
    bool open = false;
    for (auto& fs : search) {
      for (OrderSearch& s : fs) {
        if (!s.done) {
          s.start_pass();
          open = true;
        }
      }
    }
    if (!open && !first) break;
    if (pass > 400) throw std::runtime_error("quantile search did not converge");
    scan([&](const TrialRecord& r) {
      for (std::size_t f = 0; f < nf; ++f) {
        const double x = fields[f](r);
        if (std::isnan(x)) continue;
        if (first) ss[f] += (x - out[f].mean) * (x - out[f].mean);
        for (OrderSearch& s : search[f]) {
          if (!s.done) s.see(x);
        }
      }
    });
    first = false;
    for (auto& fs : search) {
      for (OrderSearch& s : fs) {
        if (!s.done) s.end_pass();
      }
    }
  }
  for (std::size_t f = 0; f < nf; ++f) {
    if (n[f] == 0) continue;
    out[f].stddev = n[f] > 1 ? std::sqrt(ss[f] / static_cast<double>(n[f] - 1)) : 0.0;
    set_quantiles(out[f], n[f], [&](std::uint64_t k) {
      for (const OrderSearch& s : search[f]) {
        if (s.k == k) return s.value;
      }
      return kNaN;
    });
  }
  return out;
}

PointSummary summarize_scanned(int n, const TrialScan& scan) {
  SummaryBuilder scalars(0);  // counts, rates and sums; the Stats come from describe_scanned
  scan([&](const TrialRecord& r) { scalars.add(r); });
  PointSummary ps = scalars.summary(n);
  auto converged = [](double x, const TrialRecord& r) { return r.outcome.converged ? x : kNaN; };
  const std::vector<TrialField> fields = {
      [](const TrialRecord& r) { return r.score.bit_accuracy; },
      [](const TrialRecord& r) { return static_cast<double>(r.outcome.steps); },
      [](const TrialRecord& r) { return r.score.cut; },
      [](const TrialRecord& r) { return r.score.gap; },
      [](const TrialRecord& r) { return r.score.hopfield_cut; },
      [=](const TrialRecord& r) { return converged(r.outcome.t_solution, r); },
      [=](const TrialRecord& r) { return converged(r.outcome.energy, r); },
      [=](const TrialRecord& r) { return converged(r.energy_paper, r); },
      [=](const TrialRecord& r) { return converged(r.outcome.energy * r.outcome.t_solution, r); },
      [=](const TrialRecord& r) { return converged(r.energy_paper * r.outcome.t_solution, r); },
  };
  const std::vector<Stats> s = describe_scanned(fields, scan);
  ps.bit_accuracy = s[0];
  ps.steps = s[1];
  ps.cut = s[2];
  ps.gap = s[3];
  ps.hopfield_cut = s[4];
  ps.t_solution = s[5];
  ps.energy_exact = s[6];
  ps.energy_paper = s[7];
  ps.edp_exact = s[8];
  ps.edp_paper = s[9];
  return ps;
}

}  // namespace spinhop

namespace spinhop {

std::string censoring_warning(const PointSummary& s, double t_max) {
  const std::uint64_t censored = s.trials - s.converged;
  if (s.trials == 0 || static_cast<double>(censored) <= kCensoringWarnFraction * static_cast<double>(s.trials)) {
    return {};
  }
  char when[48] = "t_max";
  if (!std::isnan(t_max)) std::snprintf(when, sizeof when, "t_max = %g s", t_max);
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%llu of %llu trials (%.1f%%) reached %s without converging: they count as failures "
                "and their times are censored (time and energy statistics are of converged trials "
                "only); a longer --t-max shows whether they converge",
                static_cast<unsigned long long>(censored), static_cast<unsigned long long>(s.trials),
                100.0 * static_cast<double>(censored) / static_cast<double>(s.trials), when);
  return buf;
}

}  // namespace spinhop
