#include "options.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <variant>

#include "spinhop/errors.hpp"

namespace spinhop::cli {

namespace {

using Target = std::variant<double*, int*, std::uint64_t*, std::string*, bool*,
                            std::vector<std::string>*>;

struct Opt {
  const char* name;   // long option without --, and the TOML key
  const char* shorts; // e.g. "-n" or ""
  const char* help;   // with the unit
  const char* group;
  Target target;
  int tasks;          // bit mask: 1 recall, 2 images, 4 maxcut (7 = every task)
};

constexpr int kRecall = 1, kImages = 2, kMaxCut = 4, kAll = 7;

std::vector<Opt> table(ExperimentConfig& c) {
  ModelParams& m = c.model;
  VariationSigmas& s = c.sigma;
  const char* task = "Task";
  const char* dev = "Device (Table I)";
  const char* cir = "Circuit";
  const char* tl = "Time line and integrator";
  const char* noise = "Thermal noise and pinning (beyond the paper; off by default)";
  const char* var = "Process variation (relative Gaussian sigma, a fraction: 0.05 = 5%)";
  const char* run = "Trials";
  return {
      {"neurons", "-n", "neurons N (N^2 devices)", task, &c.neurons, kRecall},
      {"patterns", "-p", "stored random patterns P", task, &c.patterns, kRecall},
      {"image", "", "PBM image to store (repeatable; default: the paper's U, T, D)", task, &c.images, kImages},
      {"distortion", "", "fraction of pixels flipped in each input (sweep it for several levels)", task, &c.distortion, kImages},
      {"graph", "", "rudy / Biq Mac graph file (repeatable; trial t runs graph t mod count)", task, &c.graphs, kMaxCut},
      {"random-graph", "", "nodes of seeded G(n, p) random graphs instead of files", task, &c.random_graph, kMaxCut},
      {"density", "", "edge probability p of the random graphs", task, &c.density, kMaxCut},
      {"graphs", "", "random graphs per point", task, &c.graph_count, kMaxCut},
      {"edge-factor", "", "edge synapse = -edge_factor W w for an edge of weight w", task, &c.edge_factor, kMaxCut},
      {"optima", "", "TSV of known optima (instance, optimum columns; default: optima.tsv beside the graphs)", task, &c.optima, kMaxCut},
      {"target", "", "P(target): fraction of trials reaching target x reference optimum", task, &c.target, kMaxCut},
      {"g-factor", "", "Lande factor g [-]", dev, &m.g_factor, kAll},
      {"polarization", "", "spin polarization P [-]", dev, &m.polarization, kAll},
      {"m-sat", "", "saturation magnetization M_SAT [A/m]", dev, &m.m_sat, kAll},
      {"area", "", "track cross-section A [m^2]", dev, &m.area, kAll},
      {"length", "", "track length Len [m]", dev, &m.length, kAll},
      {"mtj-width", "", "MTJ width MTJW [m]", dev, &m.mtj_width, kAll},
      {"mtj-position", "", "MTJ centre as a fraction of Len, MTJP [-]", dev, &m.mtj_position, kAll},
      {"leak-axon", "", "axon leak speed, towards OFF [m/s]", dev, &m.leak_axon, kAll},
      {"leak-soma", "", "soma leak speed, towards ON [m/s]", dev, &m.leak_soma, kAll},
      {"r-p", "", "MTJ parallel resistance R_P [ohm]", dev, &m.r_p, kAll},
      {"r-ap", "", "MTJ antiparallel resistance R_AP [ohm]", dev, &m.r_ap, kAll},
      {"r-m", "", "track resistance R_M [ohm]", dev, &m.r_m, kAll},
      {"vc", "", "input (charge-up) voltage V_C [V]", cir, &m.v_c, kAll},
      {"w", "", "synaptic weight magnitude W [V]", cir, &m.w, kAll},
      {"vdw-rule", "", "V_DW rule: authors (with R_M) or eq4 (the paper's eq. 4)", cir, &c.vdw_rule, kAll},
      {"vdw", "", "explicit soma-to-axon voltage V_DW [V] (overrides --vdw-rule)", cir, &m.v_dw, kAll},
      {"load-mode", "", "end of loading: fixed (charge-up time) or stationary (once no wall moves)", tl, &c.load_mode, kAll},
      {"t-load", "", "explicit charge-up time [s] (default: the authors' table by V_C)", tl, &m.t_load, kAll},
      {"t-max", "", "give up after this time; the trial counts as not converged [s]", tl, &m.t_max, kAll},
      {"dx-max", "", "largest domain-wall displacement per step [m]", tl, &m.dx_max, kAll},
      {"dt-max", "", "largest integrator step [s]", tl, &m.dt_max, kAll},
      {"v-tol", "", "walls slower than this count as stopped [m/s]", tl, &m.v_tol, kAll},
      {"read-hi", "", "read-out: bit 1 when x >= read_hi Len [-]", tl, &m.read_hi, kAll},
      {"read-lo", "", "read-out: bit 0 when x <= read_lo Len [-]", tl, &m.read_lo, kAll},
      {"thermal-noise", "", "Langevin kicks sqrt(2 D dt) on free walls, D = gamma Delta kT/(2 alpha M_SAT A)", noise, &m.thermal_noise, kAll},
      {"temperature", "", "temperature T [K]", noise, &m.temperature, kAll},
      {"damping", "", "Gilbert damping alpha [-]", noise, &m.damping, kAll},
      {"wall-width", "", "domain-wall width Delta [m]", noise, &m.wall_width, kAll},
      {"gyromagnetic", "", "gyromagnetic ratio gamma [rad/(s T)]", noise, &m.gyromagnetic, kAll},
      {"depinning-current", "", "walls with less track current do not move [A] (the authors' device file: 0.8e-6)", noise, &m.i_depin, kAll},
      {"sigma-r-p", "", "R_P, per device", var, &s.r_p, kAll},
      {"sigma-r-ap", "", "R_AP, per device", var, &s.r_ap, kAll},
      {"sigma-r-m", "", "R_M, per device", var, &s.r_m, kAll},
      {"sigma-area", "", "cross-section A (and so k), per device", var, &s.area, kAll},
      {"sigma-length", "", "track length, per device", var, &s.length, kAll},
      {"sigma-mtj-width", "", "MTJ width, per device", var, &s.mtj_width, kAll},
      {"sigma-mtj-position", "", "MTJ position, per device", var, &s.mtj_position, kAll},
      {"sigma-leak", "", "leak speed, per device", var, &s.leak, kAll},
      {"sigma-w", "", "synapse source W_ij, per synapse", var, &s.w, kAll},
      {"sigma-vdw", "", "V_DW source, per neuron", var, &s.v_dw, kAll},
      {"sigma-vc", "", "input source V_C, per neuron", var, &s.v_c, kAll},
      {"hopfield", "", "run the ideal discrete Hopfield baseline on every trial (--hopfield=false: skip)", run, &c.hopfield, kAll},
      {"hopfield-states", "", "ideal network states: pm1 ({-1,+1}) or 01 (eq. 1-2 literally)", run, &c.hopfield_states, kAll},
      {"trials", "-t", "trials per sweep point", run, &c.trials, kAll},
      {"seed", "-s", "seed of every random stream", run, &c.seed, kAll},
      {"precision", "", "float or double for positions and node voltages", run, &c.precision, kAll},
      {"sweep", "", "NAME=start:stop:step or NAME=v1,v2,... (repeatable: Cartesian product); NAME "
                    "is W, V_C, N, P, distortion, sigma, or any option above",
       run, &c.sweeps, kAll},
  };
}

int mask_of(TaskOptions which) {
  switch (which) {
    case TaskOptions::Recall: return kRecall;
    case TaskOptions::Images: return kImages;
    case TaskOptions::MaxCut: return kMaxCut;
    default: return kAll;
  }
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void add_experiment_options(CLI::App& app, ExperimentConfig& c, TaskOptions which) {
  const int mask = mask_of(which);
  for (const Opt& o : table(c)) {
    if ((o.tasks & mask) == 0) continue;
    std::string names = std::string("--") + o.name;
    if (*o.shorts) names += std::string(",") + o.shorts;
    CLI::Option* opt = std::visit(
        [&](auto* t) -> CLI::Option* {
          using T = std::remove_pointer_t<decltype(t)>;
          if constexpr (std::is_same_v<T, bool>) {
            return app.add_flag(names, *t, o.help);
          } else if constexpr (std::is_same_v<T, double>) {
            CLI::Option* x = app.add_option(names, *t, o.help);
            if (!std::isnan(*t)) x->capture_default_str();
            return x;
          } else {
            return app.add_option(names, *t, o.help)->capture_default_str();
          }
        },
        o.target);
    opt->group(o.group);
  }
  // a convenience that sets every per-device sigma at once (stored as the individual ones)
  app.add_option_function<double>(
         "--sigma",
         [&c](double v) {
           VariationSigmas& s = c.sigma;
           s.r_p = s.r_ap = s.r_m = s.area = s.length = s.mtj_width = s.mtj_position = s.leak = v;
         },
         "every per-device parameter at once")
      ->group("Process variation (relative Gaussian sigma, a fraction: 0.05 = 5%)");
}

void add_control_options(CLI::App& app, RunControl& r) {
  const char* g = "Run control";
  app.add_option("--output,-o", r.output, "write every trial to this HDF5 file")->group(g);
  app.add_flag("--force", r.force, "overwrite an existing --output file")->group(g);
  app.add_flag("--resume", r.resume, "continue the run that --output holds")->group(g);
  app.add_option("--shard", r.shard, "K/N: run only the trials whose global index is K mod N")
      ->group(g)->capture_default_str();
  app.add_option("--traces", r.traces, "store waveforms of the first K trials of every point")->group(g);
  app.add_option("--trace-axons", r.trace_axons,
                 "axons to trace as i:j (neuron i's axon onto dendrite j); default neuron 0's")
      ->group(g);
  app.add_option("--backend", r.backend, "auto (GPU if usable), cpu, cuda, or cpu-rows (the GPU's algorithm on the CPU, for checks)")->group(g)->capture_default_str();
  app.add_option("--device", r.device, "CUDA device ordinal")->group(g)->capture_default_str();
  app.add_option("--devices", r.devices, "several CUDA devices in one process, e.g. 0,1,2,3")
      ->group(g)->delimiter(',');
  app.add_option("--threads", r.threads, "CPU worker threads (0 = all)")->group(g)->capture_default_str();
  app.add_option("--batch", r.batch, "trials per backend call (0 = backend's choice)")->group(g);
  app.add_flag("--quiet,-q", r.quiet, "print nothing but errors")->group(g);
  app.add_flag("--dry-run", r.dry_run, "check the configuration, print the plan and stop")->group(g);
  app.add_flag("--no-progress{false}", r.progress, "no progress reports on stderr")->group(g);
}

std::string to_toml(const ExperimentConfig& cfg) {
  ExperimentConfig c = cfg;
  std::ostringstream os;
  os << "# spinhop run configuration (every option that defines the results)\n";
  os << "task = " << quote(c.task) << "\n";
  const int mask = c.task == "recall" ? kRecall : c.task == "images" ? kImages : kMaxCut;
  for (const Opt& o : table(c)) {
    if ((o.tasks & mask) == 0) continue;
    std::visit(
        [&](auto* t) {
          using T = std::remove_pointer_t<decltype(t)>;
          if constexpr (std::is_same_v<T, bool>) {
            os << o.name << " = " << (*t ? "true" : "false") << "\n";
          } else if constexpr (std::is_same_v<T, double>) {
            if (!std::isnan(*t)) os << o.name << " = " << number(*t) << "\n";
          } else if constexpr (std::is_same_v<T, std::string>) {
            os << o.name << " = " << quote(*t) << "\n";
          } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            if (t->empty()) return;  // an empty list is the default
            os << o.name << " = [";
            for (std::size_t k = 0; k < t->size(); ++k) os << (k ? ", " : "") << quote((*t)[k]);
            os << "]\n";
          } else {
            os << o.name << " = " << *t << "\n";
          }
        },
        o.target);
  }
  return os.str();
}

void absolutize_paths(ExperimentConfig& c) {
  namespace fs = std::filesystem;
  for (auto* list : {&c.images, &c.graphs}) {
    for (std::string& p : *list) p = fs::absolute(p).lexically_normal().string();
  }
  if (!c.optima.empty()) c.optima = fs::absolute(c.optima).lexically_normal().string();
}

}  // namespace spinhop::cli
