#include "spinhop/experiment.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>

#include "spinhop/errors.hpp"
#include "spinhop/mapping.hpp"
#include "spinhop/options.hpp"
#include "spinhop/runner.hpp"
#include "spinhop/variation_file.hpp"

namespace spinhop {

Shard parse_shard(const std::string& s) {
  const auto slash = s.find('/');
  Shard sh;
  bool ok = slash != std::string::npos && slash > 0 && slash + 1 < s.size();
  if (ok) {
    try {
      std::size_t a = 0, b = 0;
      const long k = std::stol(s.substr(0, slash), &a);
      const long n = std::stol(s.substr(slash + 1), &b);
      ok = a == slash && b == s.size() - slash - 1 && n >= 1 && k >= 0 && k < n;
      sh.index = static_cast<std::uint64_t>(k);
      sh.count = static_cast<std::uint64_t>(n);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (!ok) throw ParameterError("invalid --shard '" + s + "': expected K/N with 0 <= K < N");
  return sh;
}

std::string data_dir() {
  if (const char* env = std::getenv("SPINHOP_DATA_DIR"); env != nullptr && *env) return env;
  return SPINHOP_DEFAULT_DATA_DIR;
}

void ExperimentConfig::validate() {
  model.vdw_rule = parse_vdw_rule(vdw_rule);
  model.load_mode = parse_load_mode(load_mode);
  model.integrator = parse_integrator(integrator);
  model.validate();
  const double* sig[] = {&sigma.r_p, &sigma.r_ap, &sigma.r_m, &sigma.area, &sigma.length,
                         &sigma.mtj_width, &sigma.mtj_position, &sigma.leak, &sigma.w,
                         &sigma.v_dw, &sigma.v_c, &sigma.depin, &sigma.depin_cycle};
  for (const double* s : sig) {
    if (!(*s >= 0.0 && *s <= 1.0)) {
      throw ParameterError("invalid variation sigma " + std::to_string(*s) +
                           ": every --sigma-* must be a fraction in [0, 1] (0.05 = 5%)");
    }
  }
  if ((sigma.depin > 0.0 || sigma.depin_cycle > 0.0) && !(model.i_depin > 0.0)) {
    throw ParameterError("--sigma-depinning and --sigma-depinning-cycle vary the depinning current: "
                         "they need --depinning-current > 0");
  }
  const double defect[] = {sigma.stuck_on, sigma.stuck_off, sigma.open};
  for (double d : defect) {
    if (!(d >= 0.0 && d <= 1.0)) {
      throw ParameterError("invalid defect fraction " + std::to_string(d) + ": every --defect-* must be in [0, 1]");
    }
  }
  if (!(sigma.stuck_on + sigma.stuck_off + sigma.open <= 1.0)) {
    throw ParameterError("invalid defect fractions: stuck ON + stuck OFF + open exceed 1");
  }
  if (sigma.dies >= (std::uint64_t{1} << 40)) throw ParameterError("invalid --dies: must be < 2^40");
  if (sigma.importance) {
    bool any = false;
    for (int k = 0; k < kVarParams; ++k) any = any || (sigma.sigma_of(k) > 0.0 && sigma.fraction_of(k) > 0.0);
    if (!any) {
      throw ParameterError("importance sampling shifts the die-to-die draws: give some parameter a sigma "
                           "and a global_fraction > 0");
    }
  }
  if (!(sigma.global_fraction >= 0.0 && sigma.global_fraction <= 1.0)) {
    throw ParameterError("invalid --sigma-global-fraction " + std::to_string(sigma.global_fraction) +
                         ": must be a fraction in [0, 1]");
  }
  task_kind(task);  // a known task kind
  if (trials == 0) throw ParameterError("invalid --trials = 0: must be >= 1");
  if (trials >= (std::uint64_t{1} << 40)) throw ParameterError("invalid --trials: must be < 2^40");
  // in float, times stop improving at ~1e-5 and a tighter tolerance only shrinks the steps
  // until the controller stalls (docs/model.md, Precision)
  if (parse_precision(precision) == Precision::Float && model.effective_integrator() == Integrator::Rk23 &&
      model.rtol < kFloatRtolFloor) {
    std::ostringstream os;
    os << "invalid --rtol = " << model.rtol << " with --precision float: below " << kFloatRtolFloor
       << " float arithmetic cannot meet it (use --precision double)";
    throw ParameterError(os.str());
  }
  parse_hopfield_states(hopfield_states);
  parse_mapping(mapping);
  if (!(tie_break >= 0.0 && tie_break < 1.0)) {
    throw ParameterError("invalid --tie-break " + std::to_string(tie_break) +
                         ": must be in [0, 1) (a fraction of the smallest coupling)");
  }
  parse_start(start, parse_mapping(mapping));
  parse_edge_weights(edge_weights);
}

Experiment::Experiment(ExperimentConfig config) : config_(std::move(config)) {
  if (!config_.variation_file.empty()) read_variation_file(config_.variation_file, config_.sigma);
  config_.validate();
  axes_ = parse_sweeps(config_.sweeps, config_.task);
  for (const SweepAxis& a : axes_) {
    points_ *= a.values.size();
    if (points_ > 10000000) throw ParameterError("the sweeps make more than 10^7 points");
  }
  if (points_ * config_.trials >= (std::uint64_t{1} << 47)) {
    throw ParameterError("points x trials must stay below 2^47 (the trial index of the RNG)");
  }
  // build every point once up front: any invalid combination fails before anything runs
  for (std::uint64_t p = 0; p < points_; ++p) {
    const ExperimentPoint pt = point(p);
    max_neurons_ = std::max(max_neurons_, pt.spec.task.n);
  }
}

ExperimentPoint Experiment::point(std::uint64_t p) const {
  ExperimentPoint pt;
  pt.index = p;
  pt.config = config_;
  std::uint64_t rest = p;
  pt.values.assign(axes_.size(), 0.0);
  for (std::size_t a = axes_.size(); a-- > 0;) {  // the first sweep is the outermost
    const std::size_t k = rest % axes_[a].values.size();
    rest /= axes_[a].values.size();
    pt.values[a] = axes_[a].values[k];
  }
  for (std::size_t a = 0; a < axes_.size(); ++a) set_parameter(pt.config, axes_[a].name, pt.values[a]);
  if (!axes_.empty()) {
    try {
      pt.config.validate();
    } catch (const ParameterError& e) {
      // %g-style values: std::to_string would print 3e-8 as 0.000000
      std::ostringstream where;
      for (std::size_t a = 0; a < axes_.size(); ++a) {
        where << (a ? ", " : "") << axes_[a].name << "=" << pt.values[a];
      }
      throw ParameterError(std::string(e.what()) + " (at sweep point " + where.str() + ")");
    }
  }
  pt.task = build_task(pt.config);
  ModelParams& m = pt.config.model;
  // unset time limits follow the task's weakest decision (docs/model.md, the time line)
  m.resolve_time_limits(pt.task->decision_speed(m));
  pt.spec = make_point_spec(m, pt.config.sigma, pt.task->spec(m), pt.config.seed,
                            p * config_.trials);
  return pt;
}

std::uint64_t Experiment::shard_first(std::uint64_t p, const Shard& s) const {
  const std::uint64_t base = p * config_.trials;  // global index of the point's trial 0
  return (s.index + s.count - base % s.count) % s.count;
}

std::uint64_t Experiment::shard_trials(std::uint64_t p, const Shard& s) const {
  const std::uint64_t first = shard_first(p, s);
  return first < config_.trials ? (config_.trials - first + s.count - 1) / s.count : 0;
}

std::shared_ptr<const Task> Experiment::build_task(const ExperimentConfig& c) const {
  return task_kind(c.task).build(c, files_);
}

}  // namespace spinhop
