#include "options.hpp"

#include "spinhop/errors.hpp"

namespace spinhop::cli {

void add_model_options(CLI::App& app, CommonOptions& o) {
  ModelParams& m = o.model;
  const char* g = "Device (Table I)";
  app.add_option("--g-factor", m.g_factor, "Lande factor g [-]")->group(g)->capture_default_str();
  app.add_option("--polarization", m.polarization, "spin polarization P [-]")->group(g)->capture_default_str();
  app.add_option("--m-sat", m.m_sat, "saturation magnetization M_SAT [A/m]")->group(g)->capture_default_str();
  app.add_option("--area", m.area, "track cross-section A [m^2]")->group(g)->capture_default_str();
  app.add_option("--length", m.length, "track length Len [m]")->group(g)->capture_default_str();
  app.add_option("--mtj-width", m.mtj_width, "MTJ width MTJW [m]")->group(g)->capture_default_str();
  app.add_option("--mtj-position", m.mtj_position, "MTJ centre as a fraction of Len, MTJP [-]")->group(g)->capture_default_str();
  app.add_option("--leak-axon", m.leak_axon, "axon leak speed, towards OFF [m/s]")->group(g)->capture_default_str();
  app.add_option("--leak-soma", m.leak_soma, "soma leak speed, towards ON [m/s]")->group(g)->capture_default_str();
  app.add_option("--r-p", m.r_p, "MTJ parallel resistance R_P [ohm]")->group(g)->capture_default_str();
  app.add_option("--r-ap", m.r_ap, "MTJ antiparallel resistance R_AP [ohm]")->group(g)->capture_default_str();
  app.add_option("--r-m", m.r_m, "track resistance R_M [ohm]")->group(g)->capture_default_str();

  const char* c = "Circuit";
  app.add_option("--vc", m.v_c, "input (charge-up) voltage V_C [V]")->group(c)->capture_default_str();
  app.add_option("--w", m.w, "synaptic weight magnitude W [V]")->group(c)->capture_default_str();
  app.add_option("--vdw-rule", o.vdw_rule, "V_DW rule: authors (with R_M) or eq4 (the paper's eq. 4)")
      ->group(c)->capture_default_str();
  app.add_option("--vdw", m.v_dw, "explicit soma-to-axon voltage V_DW [V] (overrides --vdw-rule)")->group(c);

  const char* t = "Time line and integrator";
  app.add_option("--load-mode", o.load_mode,
                 "end of loading: fixed (charge-up time) or stationary (once no wall moves)")
      ->group(t)->capture_default_str();
  app.add_option("--t-load", m.t_load, "explicit charge-up time [s] (default: the authors' table by V_C)")->group(t);
  app.add_option("--t-max", m.t_max, "give up after this time; the trial counts as not converged [s]")
      ->group(t)->capture_default_str();
  app.add_option("--dx-max", m.dx_max, "largest domain-wall displacement per step [m]")->group(t)->capture_default_str();
  app.add_option("--dt-max", m.dt_max, "largest integrator step [s]")->group(t)->capture_default_str();
  app.add_option("--v-tol", m.v_tol, "walls slower than this count as stopped [m/s]")->group(t)->capture_default_str();
  app.add_option("--read-hi", m.read_hi, "read-out: bit 1 when x >= read_hi * Len [-]")->group(t)->capture_default_str();
  app.add_option("--read-lo", m.read_lo, "read-out: bit 0 when x <= read_lo * Len [-]")->group(t)->capture_default_str();

  const char* n = "Thermal noise and pinning (beyond the paper; off by default)";
  app.add_flag("--thermal-noise", m.thermal_noise,
               "Langevin kicks sqrt(2 D dt) on every free wall, D = gamma Delta kT/(2 alpha M_SAT A)")
      ->group(n);
  app.add_option("--temperature", m.temperature, "temperature T [K]")->group(n)->capture_default_str();
  app.add_option("--damping", m.damping, "Gilbert damping alpha [-]")->group(n)->capture_default_str();
  app.add_option("--wall-width", m.wall_width, "domain-wall width Delta [m]")->group(n)->capture_default_str();
  app.add_option("--gyromagnetic", m.gyromagnetic, "gyromagnetic ratio gamma [rad/(s T)]")->group(n)->capture_default_str();
  app.add_option("--depinning-current", m.i_depin,
                 "walls whose track current is below this do not move [A] (the authors' device file: 0.8e-6)")
      ->group(n)->capture_default_str();
}

void add_variation_options(CLI::App& app, CommonOptions& o) {
  VariationSigmas& s = o.sigma;
  const char* g = "Process variation (relative Gaussian sigma per device or source, 0.05 = 5%)";
  app.add_option("--sigma-r-p", s.r_p, "R_P, per device [-]")->group(g);
  app.add_option("--sigma-r-ap", s.r_ap, "R_AP, per device [-]")->group(g);
  app.add_option("--sigma-r-m", s.r_m, "R_M, per device [-]")->group(g);
  app.add_option("--sigma-area", s.area, "cross-section A (and so k), per device [-]")->group(g);
  app.add_option("--sigma-length", s.length, "track length Len, per device [-]")->group(g);
  app.add_option("--sigma-mtj-width", s.mtj_width, "MTJ width, per device [-]")->group(g);
  app.add_option("--sigma-mtj-position", s.mtj_position, "MTJ position, per device [-]")->group(g);
  app.add_option("--sigma-leak", s.leak, "leak speed, per device [-]")->group(g);
  app.add_option("--sigma-w", s.w, "synapse source voltage W_ij, per synapse [-]")->group(g);
  app.add_option("--sigma-vdw", s.v_dw, "V_DW source, per neuron [-]")->group(g);
  app.add_option("--sigma-vc", s.v_c, "input source V_C, per neuron [-]")->group(g);
}

void add_run_options(CLI::App& app, CommonOptions& o) {
  const char* g = "Run";
  app.add_option("--trials,-t", o.trials, "trials to run")->group(g)->capture_default_str();
  app.add_option("--seed,-s", o.seed, "seed of every random stream")->group(g)->capture_default_str();
  app.add_option("--backend", o.backend, "auto (GPU if present), cpu or cuda")->group(g)->capture_default_str();
  app.add_option("--device", o.device, "CUDA device ordinal")->group(g)->capture_default_str();
  app.add_option("--threads", o.threads, "CPU worker threads (0 = all)")->group(g)->capture_default_str();
  app.add_option("--precision", o.precision, "float or double for positions and node voltages")
      ->group(g)->capture_default_str();
  app.add_option("--batch", o.batch, "trials per backend call (0 = backend's choice)")->group(g);
  app.add_flag("--quiet,-q", o.quiet, "print only the summary")->group(g);
}

void CommonOptions::finalize() {
  model.vdw_rule = parse_vdw_rule(vdw_rule);
  model.load_mode = parse_load_mode(load_mode);
  model.validate();
  parse_precision(precision);
  const double* sig[] = {&sigma.r_p, &sigma.r_ap, &sigma.r_m, &sigma.area, &sigma.length,
                         &sigma.mtj_width, &sigma.mtj_position, &sigma.leak, &sigma.w,
                         &sigma.v_dw, &sigma.v_c};
  for (const double* s : sig) {
    if (!(*s >= 0.0 && *s <= 1.0)) {
      throw ParameterError("invalid variation sigma " + std::to_string(*s) +
                           ": every --sigma-* must be in [0, 1] (a fraction, 0.05 = 5%)");
    }
  }
  if (trials == 0) throw ParameterError("invalid --trials = 0: must be >= 1");
}

}  // namespace spinhop::cli
