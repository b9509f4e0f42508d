#include "spinhop/options.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <sstream>

#include "spinhop/errors.hpp"

namespace spinhop {

std::vector<OptionSpec> option_table(ExperimentConfig& c) {
  ModelParams& m = c.model;
  VariationSigmas& s = c.sigma;
  const char* task = "Task";
  const char* dev = "Device (Table I)";
  const char* cir = "Circuit";
  const char* tl = "Time line and integrator";
  const char* noise = "Thermal noise and pinning (beyond the paper; off by default)";
  const char* var = "Process variation (relative Gaussian sigma, a fraction: 0.05 = 5%)";
  const char* run = "Trials";
  const char* all = "";
  auto set_all_sigmas = [&s](double v) {
    s.r_p = s.r_ap = s.r_m = s.area = s.length = s.mtj_width = s.mtj_position = s.leak = v;
  };
  return {
      {"neurons", "-n", "neurons N (N^2 devices)", task, &c.neurons, "recall", "1", "neurons", {"N", "n"}},
      {"patterns", "-p", "stored random patterns P", task, &c.patterns, "recall", "1", "patterns", {"P"}},
      {"patterns-file", "", "your own patterns, one per line as 0/1 (sets N and P; stored by eq. 3 unless --weights)", task, &c.patterns_file, "recall", "", "", {}},
      {"inputs-file", "", "your own inputs, one per line as 0/1; trial t loads line t mod lines (default: random)", task, &c.inputs_file, "recall", "", "", {}},
      {"weights", "", "the synapse matrix W_ij [V] (.npy or .csv, N x N, entry (i, j) onto dendrite j from neuron i; diagonal unused) instead of eq. 3", task, &c.weights_file, "recall", "", "", {}},
      {"image", "", "PBM image to store (repeatable; default: the paper's U, T, D)", task, &c.images, "images", "", "", {}},
      {"distortion", "", "fraction of pixels flipped in each input (sweep it for several levels)", task, &c.distortion, "images", "1", "distortion", {"d"}},
      {"graph", "", "rudy / Biq Mac graph file (repeatable; trial t runs graph t mod count)", task, &c.graphs, "maxcut", "", "", {}},
      {"random-graph", "", "nodes of seeded G(n, p) random graphs instead of files", task, &c.random_graph, "maxcut", "1", "neurons", {"N", "n"}},
      {"density", "", "edge probability p of the random graphs", task, &c.density, "maxcut", "1", "density", {}},
      {"graphs", "", "random graphs per point", task, &c.graph_count, "maxcut", "1", "graphs", {}},
      {"couplings", "", "Ising couplings J (or a QUBO's Q with --qubo): sparse text 'i j value' (i == j: a field), dense .npy or .csv (repeatable: trial t runs problem t mod count)", task, &c.couplings, "ising", "", "", {}},
      {"fields", "", "Ising fields h: n values, text or 1-d .npy (one --couplings file)", task, &c.fields, "ising", "", "", {}},
      {"qubo", "", "the --couplings files are QUBOs: minimise f(x) = x^T Q x over x in {0,1}^n (converted to Ising with its offset)", task, &c.qubo, "ising", "", "", {}},
      {"edge-weights", "", "edge weights of the random graphs: unit, pm1 (+-1 at random) or int10 (integers uniform in [-10, 10])", task, &c.edge_weights, "maxcut", "", "", {}},
      {"mapping", "", "graph -> synapse voltages: ising (couplings on edges, a bias neuron; any density and sign), balanced or paper (+W non-edges, -edge_factor W w edges)", task, &c.mapping, "maxcut,ising", "", "", {}},
      {"tie-break", "", "ising mapping: a field towards ON of this fraction of the smallest nonzero |J| (a zero field settles instead of creeping)", task, &c.tie_break, "maxcut,ising", "1", "tie-break", {}},
      {"bias-neurons", "", "ising mapping: always-ON bias neurons sharing each bias voltage (m of them, default 4: 1/m of the voltage and of the bias power, errors averaged over m devices, m N more devices)", task, &c.bias_neurons, "maxcut,ising", "1", "", {}},
      {"start", "", "start state: spectral (the signs of J's leading eigenvector), off (every soma loaded OFF), random (random bits, one draw per trial) or auto (spectral with the ising mapping, off with paper and balanced)", task, &c.start, "maxcut,ising", "", "", {}},
      {"edge-factor", "", "paper / balanced mappings: edge synapse = -edge_factor W w for an edge of weight w", task, &c.edge_factor, "maxcut,ising", "1", "edge-factor", {}},
      {"optima", "", "TSV of known optima (instance, optimum columns; default: optima.tsv beside the graphs)", task, &c.optima, "maxcut", "", "", {}},
      {"target", "", "P(target): fraction of trials reaching target x reference optimum", task, &c.target, "maxcut,ising", "1", "target", {}},
      {"g-factor", "", "Lande factor g [-]", dev, &m.g_factor, all, "1", "g-factor", {"g"}},
      {"polarization", "", "spin polarization P [-]", dev, &m.polarization, all, "1", "polarization", {}},
      {"m-sat", "", "saturation magnetization M_SAT [A/m]", dev, &m.m_sat, all, "A/m", "m-sat", {"M_SAT"}},
      {"area", "", "track cross-section A [m^2]", dev, &m.area, all, "m^2", "area", {"A"}},
      {"length", "", "track length Len [m]", dev, &m.length, all, "m", "length", {"Len"}},
      {"mtj-width", "", "MTJ width MTJW [m]", dev, &m.mtj_width, all, "m", "mtj-width", {"MTJW"}},
      {"mtj-position", "", "MTJ centre as a fraction of Len, MTJP [-]", dev, &m.mtj_position, all, "1", "mtj-position", {"MTJP"}},
      {"leak-axon", "", "axon leak speed, towards OFF [m/s]", dev, &m.leak_axon, all, "m/s", "leak-axon", {}},
      {"leak-soma", "", "soma leak speed, towards ON [m/s]", dev, &m.leak_soma, all, "m/s", "leak-soma", {}},
      {"r-p", "", "MTJ parallel resistance R_P [ohm]", dev, &m.r_p, all, "ohm", "r-p", {"R_P"}},
      {"r-ap", "", "MTJ antiparallel resistance R_AP [ohm]", dev, &m.r_ap, all, "ohm", "r-ap", {"R_AP"}},
      {"r-m", "", "track resistance R_M [ohm]", dev, &m.r_m, all, "ohm", "r-m", {"R_M"}},
      {"vc", "", "input (charge-up) voltage V_C [V]", cir, &m.v_c, all, "V", "vc", {"V_C", "VC"}},
      {"w", "", "synaptic weight magnitude W [V]", cir, &m.w, all, "V", "w", {"W"}},
      {"vdw-rule", "", "V_DW rule: authors (with R_M) or eq4 (the paper's eq. 4)", cir, &c.vdw_rule, all, "", "", {}},
      {"vdw", "", "explicit soma-to-axon voltage V_DW [V] (overrides --vdw-rule)", cir, &m.v_dw, all, "V", "vdw", {"V_DW"}},
      {"load-mode", "", "end of loading: fixed (charge-up time) or stationary (once no wall moves)", tl, &c.load_mode, all, "", "", {}},
      {"t-load", "", "explicit charge-up time [s] (default: the authors' table by V_C)", tl, &m.t_load, all, "s", "t-load", {}},
      {"t-max", "", "give up after this time; the trial counts as not converged [s] (default: 30 us, or 4 track crossings at the weakest decision's speed, up to 1 ms, for a large Ising-mapped problem)", tl, &m.t_max, all, "s", "t-max", {}},
      {"integrator", "", "rk23 (Bogacki-Shampine 3(2), error-controlled, the default) or euler (fixed displacement limit; thermal noise always runs Euler-Maruyama)", tl, &c.integrator, all, "", "", {}},
      {"rtol", "", "rk23: per step, every wall's position error within rtol x its displacement + atol x the step [-]", tl, &m.rtol, all, "1", "rtol", {}},
      {"atol", "", "rk23: absolute part of that tolerance, as a speed [m/s]", tl, &m.atol, all, "m/s", "atol", {}},
      {"dx-max", "", "limit on the fastest wall's displacement per step [m] (default: 10 nm rk23, 2 nm euler)", tl, &m.dx_max, all, "m", "dx-max", {}},
      {"dt-max", "", "largest integrator step [s] (default: 10 ns rk23, 1 ns euler)", tl, &m.dt_max, all, "s", "dt-max", {}},
      {"v-tol", "", "walls slower than this count as stopped [m/s] (default: 1 mm/s, or half the weakest decision's speed for a large Ising-mapped problem)", tl, &m.v_tol, all, "m/s", "v-tol", {}},
      {"max-steps", "", "step budget of one trial: more is an error (a step limit or noise that would never end)", tl, &m.max_steps, all, "1", "max-steps", {}},
      {"read-hi", "", "read-out: bit 1 when x >= read_hi Len [-]", tl, &m.read_hi, all, "1", "read-hi", {}},
      {"read-lo", "", "read-out: bit 0 when x <= read_lo Len [-]", tl, &m.read_lo, all, "1", "read-lo", {}},
      {"thermal-noise", "", "Langevin kicks sqrt(2 D dt) on free walls, D = gamma Delta kT/(2 alpha M_SAT A)", noise, &m.thermal_noise, all, "", "", {}},
      {"temperature", "", "temperature T [K]", noise, &m.temperature, all, "K", "temperature", {"T"}},
      {"damping", "", "Gilbert damping alpha [-]", noise, &m.damping, all, "1", "damping", {"alpha"}},
      {"wall-width", "", "domain-wall width Delta [m]", noise, &m.wall_width, all, "m", "wall-width", {"Delta"}},
      {"gyromagnetic", "", "gyromagnetic ratio gamma [rad/(s T)]", noise, &m.gyromagnetic, all, "rad/(s T)", "gyromagnetic", {"gamma"}},
      {"depinning-current", "", "walls with less track current do not move [A] (the authors' device file: 0.8e-6)", noise, &m.i_depin, all, "A", "depinning-current", {}},
      {"sigma-r-p", "", "R_P, per device", var, &s.r_p, all, "1", "sigma-r-p", {}},
      {"sigma-r-ap", "", "R_AP, per device", var, &s.r_ap, all, "1", "sigma-r-ap", {}},
      {"sigma-r-m", "", "R_M, per device", var, &s.r_m, all, "1", "sigma-r-m", {}},
      {"sigma-area", "", "cross-section A (and so k), per device", var, &s.area, all, "1", "sigma-area", {}},
      {"sigma-length", "", "track length, per device", var, &s.length, all, "1", "sigma-length", {}},
      {"sigma-mtj-width", "", "MTJ width, per device", var, &s.mtj_width, all, "1", "sigma-mtj-width", {}},
      {"sigma-mtj-position", "", "MTJ position, per device", var, &s.mtj_position, all, "1", "sigma-mtj-position", {}},
      {"sigma-leak", "", "leak speed, per device", var, &s.leak, all, "1", "sigma-leak", {}},
      {"sigma-w", "", "synapse source W_ij, per synapse", var, &s.w, all, "1", "sigma-w", {}},
      {"sigma-vdw", "", "V_DW source, per neuron", var, &s.v_dw, all, "1", "sigma-vdw", {}},
      {"sigma-vc", "", "input source V_C, per neuron", var, &s.v_c, all, "1", "sigma-vc", {}},
      {"sigma-global-fraction", "", "share of every sigma's variance that is die-to-die: one draw per trial and parameter shared by all devices and sources (0: all device-to-device, the default; 1: all global)", var, &s.global_fraction, all, "1", "sigma-global-fraction", {}},
      {"sigma-depinning", "", "depinning current I_dep, per device (fixed with the die; needs --depinning-current)", var, &s.depin, all, "1", "sigma-depinning", {}},
      {"sigma-depinning-cycle", "", "depinning current, cycle to cycle: redrawn every trial, whatever the die (needs --depinning-current)", var, &s.depin_cycle, all, "1", "sigma-depinning-cycle", {}},
      {"defect-stuck-on", "", "fraction of devices whose wall is stuck at the ON end (MTJ parallel for good)", var, &s.stuck_on, all, "1", "defect-stuck-on", {}},
      {"defect-stuck-off", "", "fraction of devices whose wall is stuck at the OFF end (MTJ antiparallel for good)", var, &s.stuck_off, all, "1", "defect-stuck-off", {}},
      {"defect-open", "", "fraction of devices with an open MTJ (no conduction)", var, &s.open, all, "1", "defect-open", {}},
      {"dies", "", "a fixed set of dies: trial t runs on die t mod dies (its devices, defects and die-to-die draws); 0: every trial its own die", var, &s.dies, all, "1", "", {}},
      {"variation", "", "variation file (TOML): per-parameter die-to-die shares, lognormal laws, a correlation matrix, defects, importance sampling (docs/variation.md)", var, &c.variation_file, all, "", "", {}},
      {"sigma", "", "every per-device parameter at once (stored as the individual ones)", var, set_all_sigmas, all, "1", "sigma", {}, false},
      {"hopfield", "", "run the ideal discrete Hopfield baseline on every trial (--hopfield=false: skip)", run, &c.hopfield, all, "", "", {}},
      {"hopfield-states", "", "ideal network states: pm1 ({-1,+1}) or 01 (eq. 1-2 literally)", run, &c.hopfield_states, all, "", "", {}},
      {"trials", "-t", "trials per sweep point", run, &c.trials, all, "1", "", {}},
      {"seed", "-s", "seed of every random stream", run, &c.seed, all, "1", "", {}},
      {"precision", "", "float or double for positions and node voltages", run, &c.precision, all, "", "", {}},
      {"sweep", "", "NAME=start:stop:step or NAME=v1,v2,... (repeatable: Cartesian product); NAME "
                    "is W, V_C, N, P, distortion, sigma, or any numeric option above",
       run, &c.sweeps, all, "", "", {}},
  };
}

bool option_applies(const OptionSpec& o, const std::string& task) {
  const std::string list = o.tasks;
  if (list.empty()) return true;
  std::stringstream ss(list);
  std::string t;
  while (std::getline(ss, t, ',')) {
    if (t == task) return true;
  }
  return false;
}

namespace {

// The sweepable option of `task` called `name` (its sweep axis or an alias), or nullptr.
const OptionSpec* find_sweepable(const std::vector<OptionSpec>& table, const std::string& task,
                                 const std::string& name) {
  for (const OptionSpec& o : table) {
    if (!*o.sweep || !option_applies(o, task)) continue;
    if (name == o.sweep || name == o.name) return &o;
    for (const char* a : o.aliases) {
      if (name == a) return &o;
    }
  }
  return nullptr;
}

std::string known_names(const std::vector<OptionSpec>& table, const std::string& task) {
  std::string s;
  for (const OptionSpec& o : table) {
    if (!*o.sweep || !option_applies(o, task)) continue;
    s += s.empty() ? "" : ", ";
    s += o.sweep;
    for (const char* a : o.aliases) s += std::string("/") + a;
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

template <class Int>
Int as_integer(const std::string& axis, double v) {
  if (std::floor(v) != v || v < 0 || v > 1e15) {
    throw ParameterError("sweep value " + std::to_string(v) + " for " + axis +
                         " must be a non-negative integer");
  }
  if (v > static_cast<double>(std::numeric_limits<Int>::max())) {
    throw ParameterError("sweep value " + std::to_string(v) + " for " + axis + " is too large");
  }
  return static_cast<Int>(v);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> sweepable_parameters(const std::string& task) {
  ExperimentConfig scratch;
  std::vector<std::pair<std::string, std::string>> out;
  for (const OptionSpec& o : option_table(scratch)) {
    if (*o.sweep && option_applies(o, task)) out.emplace_back(o.sweep, o.unit);
  }
  return out;
}

void set_parameter(ExperimentConfig& c, const std::string& axis, double value) {
  const std::vector<OptionSpec> table = option_table(c);
  const OptionSpec* o = find_sweepable(table, c.task, axis);
  if (o == nullptr) {
    throw ParameterError("'" + axis + "' is not a sweepable parameter of " + c.task +
                         "; sweepable: " + known_names(table, c.task));
  }
  std::visit(
      [&](auto& t) {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, double*>) {
          *t = value;
        } else if constexpr (std::is_same_v<T, int*>) {
          *t = as_integer<int>(axis, value);
        } else if constexpr (std::is_same_v<T, std::uint64_t*>) {
          *t = as_integer<std::uint64_t>(axis, value);
        } else if constexpr (std::is_same_v<T, std::function<void(double)>>) {
          t(value);
        } else {
          throw ParameterError("'" + axis + "' is not numeric and cannot be swept");
        }
      },
      const_cast<OptionTarget&>(o->target));
}

std::vector<SweepAxis> parse_sweeps(const std::vector<std::string>& specs, const std::string& task) {
  ExperimentConfig scratch;
  const std::vector<OptionSpec> table = option_table(scratch);
  std::vector<SweepAxis> axes;
  for (const std::string& spec : specs) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      throw ParameterError("malformed --sweep '" + spec +
                           "': expected NAME=start:stop:step or NAME=v1,v2,...");
    }
    const std::string name = spec.substr(0, eq);
    const std::string range = spec.substr(eq + 1);
    const OptionSpec* o = find_sweepable(table, task, name);
    if (o == nullptr) {
      throw ParameterError("unknown sweep parameter '" + name + "' for " + task + " in --sweep '" +
                           spec + "'; sweepable: " + known_names(table, task));
    }
    for (const SweepAxis& a : axes) {
      if (a.name == o->sweep) throw ParameterError("parameter '" + name + "' is swept twice");
    }
    SweepAxis axis;
    axis.name = o->sweep;
    axis.unit = o->unit;
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
      for (long k = 0; k < static_cast<long>(count); ++k) {
        // start + k step, rounded to 15 significant digits: 0:0.3:0.1 ends at 0.3, not at
        // 0.30000000000000004 (grids are written in decimal)
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.15g", start + static_cast<double>(k) * step);
        axis.values.push_back(std::strtod(buf, nullptr));
      }
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

void apply_option(ExperimentConfig& c, const std::string& name, const std::string& value) {
  if (name == "task") {
    c.task = value;
    return;
  }
  auto number = [&](double* out) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != value.size()) {
      throw ParameterError("invalid --" + name + " '" + value + "': not a number");
    }
    *out = v;
  };
  for (OptionSpec& o : option_table(c)) {
    if (name != o.name) continue;
    std::visit(
        [&](auto& t) {
          using T = std::decay_t<decltype(t)>;
          if constexpr (std::is_same_v<T, bool*>) {
            if (value == "true" || value == "1") {
              *t = true;
            } else if (value == "false" || value == "0") {
              *t = false;
            } else {
              throw ParameterError("invalid --" + name + " '" + value + "': true or false");
            }
          } else if constexpr (std::is_same_v<T, double*>) {
            number(t);
          } else if constexpr (std::is_same_v<T, std::string*>) {
            *t = value;
          } else if constexpr (std::is_same_v<T, std::vector<std::string>*>) {
            t->push_back(value);
          } else if constexpr (std::is_same_v<T, std::function<void(double)>>) {
            double v = 0;
            number(&v);
            t(v);
          } else {
            double v = 0;
            number(&v);
            if (!(v >= 0) || std::floor(v) != v || v > 9.007199254740992e15) {
              throw ParameterError("invalid --" + name + " '" + value + "': a non-negative integer");
            }
            using V = std::remove_pointer_t<T>;
            if (v > static_cast<double>(std::numeric_limits<V>::max())) {
              throw ParameterError("invalid --" + name + " '" + value + "': too large");
            }
            *t = static_cast<V>(v);
          }
        },
        o.target);
    return;
  }
  throw ParameterError("unknown option '" + name + "'");
}

std::string toml_quote(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::vector<std::pair<std::string, std::string>> input_files(const ExperimentConfig& c) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& p : c.graphs) out.emplace_back("graph", p);
  for (const std::string& p : c.images) out.emplace_back("image", p);
  for (const std::string& p : c.couplings) out.emplace_back("couplings", p);
  const std::pair<const char*, const std::string*> single[] = {
      {"fields", &c.fields}, {"patterns-file", &c.patterns_file}, {"inputs-file", &c.inputs_file},
      {"weights", &c.weights_file}, {"optima", &c.optima}, {"variation", &c.variation_file}};
  for (const auto& [name, p] : single) {
    if (!p->empty()) out.emplace_back(name, *p);
  }
  return out;
}

namespace {

std::string quote(const std::string& s) { return toml_quote(s); }

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::string to_toml(const ExperimentConfig& cfg) {
  ExperimentConfig c = cfg;
  std::ostringstream os;
  os << "# spinhop run configuration (every option that defines the results)\n";
  os << "task = " << quote(c.task) << "\n";
  for (const OptionSpec& o : option_table(c)) {
    if (!o.stored || !option_applies(o, c.task)) continue;
    std::visit(
        [&](auto& t) {
          using T = std::decay_t<decltype(t)>;
          if constexpr (std::is_same_v<T, bool*>) {
            os << o.name << " = " << (*t ? "true" : "false") << "\n";
          } else if constexpr (std::is_same_v<T, double*>) {
            if (!std::isnan(*t)) os << o.name << " = " << number(*t) << "\n";
          } else if constexpr (std::is_same_v<T, std::string*>) {
            os << o.name << " = " << quote(*t) << "\n";
          } else if constexpr (std::is_same_v<T, std::vector<std::string>*>) {
            if (t->empty()) return;  // an empty list is the default
            os << o.name << " = [";
            for (std::size_t k = 0; k < t->size(); ++k) os << (k ? ", " : "") << quote((*t)[k]);
            os << "]\n";
          } else if constexpr (std::is_same_v<T, std::function<void(double)>>) {
            // a shortcut: never stored
          } else if constexpr (std::is_same_v<T, std::uint64_t*>) {
            // TOML integers are signed 64-bit: a larger count or seed is written as a string
            if (*t > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
              os << o.name << " = \"" << *t << "\"\n";
            } else {
              os << o.name << " = " << *t << "\n";
            }
          } else {
            os << o.name << " = " << *t << "\n";
          }
        },
        const_cast<OptionTarget&>(o.target));
  }
  return os.str();
}

void absolutize_paths(ExperimentConfig& c) {
  namespace fs = std::filesystem;
  for (auto* list : {&c.images, &c.graphs, &c.couplings}) {
    for (std::string& p : *list) p = fs::absolute(p).lexically_normal().string();
  }
  if (!c.optima.empty()) c.optima = fs::absolute(c.optima).lexically_normal().string();
  for (std::string* p : {&c.patterns_file, &c.inputs_file, &c.weights_file}) {
    if (!p->empty()) *p = fs::absolute(*p).lexically_normal().string();
  }
  if (!c.fields.empty()) c.fields = fs::absolute(c.fields).lexically_normal().string();
}

}  // namespace spinhop
