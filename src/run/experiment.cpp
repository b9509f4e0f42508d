#include "spinhop/experiment.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>

#include "spinhop/errors.hpp"
#include "spinhop/runner.hpp"

namespace spinhop {

namespace {

// One sweepable parameter: its canonical name (the command-line option without --), the aliases
// the paper's notation suggests, its unit and how to set it.
struct SweepParam {
  const char* name;
  std::vector<const char*> aliases;
  const char* unit;
  std::function<void(ExperimentConfig&, double)> set;
};

int as_int(const char* name, double v) {
  if (std::floor(v) != v || std::fabs(v) > 1e9) {
    throw ParameterError(std::string("sweep value ") + std::to_string(v) + " for " + name +
                         " must be an integer");
  }
  return static_cast<int>(v);
}

const std::vector<SweepParam>& registry() {
  static const std::vector<SweepParam> params = {
      {"w", {"W"}, "V", [](ExperimentConfig& c, double v) { c.model.w = v; }},
      {"vc", {"V_C", "VC"}, "V", [](ExperimentConfig& c, double v) { c.model.v_c = v; }},
      {"vdw", {"V_DW"}, "V", [](ExperimentConfig& c, double v) { c.model.v_dw = v; }},
      {"neurons", {"N", "n"}, "1",
       [](ExperimentConfig& c, double v) {
         // the network size: neurons for recall, nodes of the random graphs for max-cut
         if (c.task == "maxcut") {
           c.random_graph = as_int("N", v);
         } else {
           c.neurons = as_int("N", v);
         }
       }},
      {"patterns", {"P"}, "1", [](ExperimentConfig& c, double v) { c.patterns = as_int("P", v); }},
      {"distortion", {"d"}, "1", [](ExperimentConfig& c, double v) { c.distortion = v; }},
      {"density", {}, "1", [](ExperimentConfig& c, double v) { c.density = v; }},
      {"edge-factor", {}, "1", [](ExperimentConfig& c, double v) { c.edge_factor = v; }},
      {"r-p", {"R_P"}, "ohm", [](ExperimentConfig& c, double v) { c.model.r_p = v; }},
      {"r-ap", {"R_AP"}, "ohm", [](ExperimentConfig& c, double v) { c.model.r_ap = v; }},
      {"r-m", {"R_M"}, "ohm", [](ExperimentConfig& c, double v) { c.model.r_m = v; }},
      {"area", {"A"}, "m^2", [](ExperimentConfig& c, double v) { c.model.area = v; }},
      {"length", {"Len"}, "m", [](ExperimentConfig& c, double v) { c.model.length = v; }},
      {"mtj-width", {"MTJW"}, "m", [](ExperimentConfig& c, double v) { c.model.mtj_width = v; }},
      {"mtj-position", {"MTJP"}, "1", [](ExperimentConfig& c, double v) { c.model.mtj_position = v; }},
      {"leak-axon", {}, "m/s", [](ExperimentConfig& c, double v) { c.model.leak_axon = v; }},
      {"leak-soma", {}, "m/s", [](ExperimentConfig& c, double v) { c.model.leak_soma = v; }},
      {"m-sat", {"M_SAT"}, "A/m", [](ExperimentConfig& c, double v) { c.model.m_sat = v; }},
      {"polarization", {}, "1", [](ExperimentConfig& c, double v) { c.model.polarization = v; }},
      {"t-load", {}, "s", [](ExperimentConfig& c, double v) { c.model.t_load = v; }},
      {"t-max", {}, "s", [](ExperimentConfig& c, double v) { c.model.t_max = v; }},
      {"dx-max", {}, "m", [](ExperimentConfig& c, double v) { c.model.dx_max = v; }},
      {"dt-max", {}, "s", [](ExperimentConfig& c, double v) { c.model.dt_max = v; }},
      {"v-tol", {}, "m/s", [](ExperimentConfig& c, double v) { c.model.v_tol = v; }},
      {"temperature", {"T"}, "K", [](ExperimentConfig& c, double v) { c.model.temperature = v; }},
      {"depinning-current", {}, "A", [](ExperimentConfig& c, double v) { c.model.i_depin = v; }},
      {"sigma", {}, "1",
       [](ExperimentConfig& c, double v) {
         // every per-device parameter at once
         VariationSigmas& s = c.sigma;
         s.r_p = s.r_ap = s.r_m = s.area = s.length = s.mtj_width = s.mtj_position = s.leak = v;
       }},
      {"sigma-r-p", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.r_p = v; }},
      {"sigma-r-ap", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.r_ap = v; }},
      {"sigma-r-m", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.r_m = v; }},
      {"sigma-area", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.area = v; }},
      {"sigma-length", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.length = v; }},
      {"sigma-mtj-width", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.mtj_width = v; }},
      {"sigma-mtj-position", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.mtj_position = v; }},
      {"sigma-leak", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.leak = v; }},
      {"sigma-w", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.w = v; }},
      {"sigma-vdw", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.v_dw = v; }},
      {"sigma-vc", {}, "1", [](ExperimentConfig& c, double v) { c.sigma.v_c = v; }},
  };
  return params;
}

const SweepParam* find_param(const std::string& name) {
  for (const SweepParam& p : registry()) {
    if (name == p.name) return &p;
    for (const char* a : p.aliases) {
      if (name == a) return &p;
    }
  }
  return nullptr;
}

std::string known_names() {
  std::string s;
  for (const SweepParam& p : registry()) {
    s += s.empty() ? "" : ", ";
    s += p.name;
    for (const char* a : p.aliases) s += std::string("/") + a;
  }
  return s;
}

double parse_number(const std::string& text, const std::string& spec) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(v)) {
    throw ParameterError("malformed --sweep '" + spec + "': '" + text + "' is not a number");
  }
  return v;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> sweepable_parameters() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const SweepParam& p : registry()) out.emplace_back(p.name, p.unit);
  return out;
}

void set_parameter(ExperimentConfig& c, const std::string& name, double value) {
  const SweepParam* p = find_param(name);
  if (p == nullptr) {
    throw ParameterError("unknown sweep parameter '" + name + "'; sweepable: " + known_names());
  }
  p->set(c, value);
}

std::vector<SweepAxis> parse_sweeps(const std::vector<std::string>& specs) {
  std::vector<SweepAxis> axes;
  for (const std::string& spec : specs) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      throw ParameterError("malformed --sweep '" + spec +
                           "': expected NAME=start:stop:step or NAME=v1,v2,...");
    }
    const std::string name = spec.substr(0, eq);
    const std::string range = spec.substr(eq + 1);
    const SweepParam* p = find_param(name);
    if (p == nullptr) {
      throw ParameterError("unknown sweep parameter '" + name + "' in --sweep '" + spec +
                           "'; sweepable: " + known_names());
    }
    for (const SweepAxis& a : axes) {
      if (a.name == p->name) throw ParameterError("parameter '" + name + "' is swept twice");
    }
    SweepAxis axis;
    axis.name = p->name;
    axis.unit = p->unit;
    if (range.find(':') != std::string::npos) {
      std::vector<std::string> parts;
      std::stringstream ss(range);
      std::string part;
      while (std::getline(ss, part, ':')) parts.push_back(part);
      if (parts.size() != 3) {
        throw ParameterError("malformed --sweep '" + spec + "': a range is start:stop:step");
      }
      const double start = parse_number(parts[0], spec), stop = parse_number(parts[1], spec),
                   step = parse_number(parts[2], spec);
      if (!(step > 0)) throw ParameterError("malformed --sweep '" + spec + "': step must be > 0");
      if (stop < start) throw ParameterError("malformed --sweep '" + spec + "': stop < start");
      const double count = std::floor((stop - start) / step + 1e-9) + 1;
      if (count > 1e6) throw ParameterError("--sweep '" + spec + "' has more than 10^6 values");
      for (long k = 0; k < static_cast<long>(count); ++k) axis.values.push_back(start + k * step);
    } else {
      std::stringstream ss(range);
      std::string part;
      while (std::getline(ss, part, ',')) axis.values.push_back(parse_number(part, spec));
    }
    if (axis.values.empty()) throw ParameterError("--sweep '" + spec + "' has no values");
    axes.push_back(axis);
  }
  return axes;
}

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
  model.validate();
  const double* sig[] = {&sigma.r_p, &sigma.r_ap, &sigma.r_m, &sigma.area, &sigma.length,
                         &sigma.mtj_width, &sigma.mtj_position, &sigma.leak, &sigma.w,
                         &sigma.v_dw, &sigma.v_c};
  for (const double* s : sig) {
    if (!(*s >= 0.0 && *s <= 1.0)) {
      throw ParameterError("invalid variation sigma " + std::to_string(*s) +
                           ": every --sigma-* must be a fraction in [0, 1] (0.05 = 5%)");
    }
  }
  if (task != "recall" && task != "images" && task != "maxcut") {
    throw ParameterError("invalid task '" + task + "': must be recall, images or maxcut");
  }
  if (trials == 0) throw ParameterError("invalid --trials = 0: must be >= 1");
  if (trials >= (std::uint64_t{1} << 40)) throw ParameterError("invalid --trials: must be < 2^40");
  parse_precision(precision);
  parse_hopfield_states(hopfield_states);
  if (task == "maxcut") {
    if (graphs.empty() && random_graph <= 0) {
      throw ParameterError("maxcut needs --graph FILE (repeatable) or --random-graph N");
    }
    if (!graphs.empty() && random_graph > 0) {
      throw ParameterError("maxcut: give either --graph files or --random-graph, not both");
    }
    if (random_graph > 0 && (graph_count < 1 || graph_count > 1000000)) {
      throw ParameterError("invalid --graphs = " + std::to_string(graph_count) + ": must be in [1, 10^6]");
    }
    if (!(target > 0.0 && target <= 1.0)) {
      throw ParameterError("invalid --target " + std::to_string(target) + ": must be in (0, 1]");
    }
  }
}

Experiment::Experiment(ExperimentConfig config) : config_(std::move(config)) {
  config_.validate();
  axes_ = parse_sweeps(config_.sweeps);
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
      std::string where;
      for (std::size_t a = 0; a < axes_.size(); ++a) {
        where += (a ? ", " : "") + axes_[a].name + "=" + std::to_string(pt.values[a]);
      }
      throw ParameterError(std::string(e.what()) + " (at sweep point " + where + ")");
    }
  }
  pt.task = build_task(pt.config);
  const ModelParams& m = pt.config.model;
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
  if (c.task == "recall") return std::make_shared<RecallTask>(c.neurons, c.patterns);
  if (c.task == "images") {
    std::vector<std::string> paths = c.images;
    if (paths.empty()) {
      for (const char* l : {"u", "t", "d"}) paths.push_back(data_dir() + "/images/" + l + ".pbm");
    }
    std::vector<Image> images;
    for (const std::string& path : paths) {
      auto it = image_cache_.find(path);
      if (it == image_cache_.end()) it = image_cache_.emplace(path, read_pbm(path)).first;
      images.push_back(it->second);
    }
    return std::make_shared<ImagesTask>(std::move(images), c.distortion);
  }
  // max-cut
  std::vector<Graph> graphs;
  std::map<std::string, double> optima;
  if (c.random_graph > 0) {
    for (int g = 0; g < c.graph_count; ++g) {
      graphs.push_back(random_graph(c.random_graph, c.density, c.seed, static_cast<std::uint64_t>(g)));
    }
  } else {
    for (const std::string& path : c.graphs) {
      auto it = graph_cache_.find(path);
      if (it == graph_cache_.end()) it = graph_cache_.emplace(path, read_rudy(path)).first;
      graphs.push_back(it->second);
    }
    std::string optima_path = c.optima;
    if (optima_path.empty()) {
      const auto beside = std::filesystem::path(c.graphs.front()).parent_path() / "optima.tsv";
      if (std::filesystem::exists(beside)) optima_path = beside.string();
    }
    if (!optima_path.empty()) optima = read_optima_tsv(optima_path);
  }
  return std::make_shared<MaxCutTask>(std::move(graphs), c.edge_factor, optima);
}

}  // namespace spinhop
