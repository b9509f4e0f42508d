// The nominal model parameters (model.md section 7, Table I) and the rules derived from them.
// Host-side: the integrator receives DeviceParams and IntegratorConsts derived from these.
#pragma once

#include <cmath>
#include <limits>
#include <string>

#include "spinhop/physics/variation.hpp"

namespace spinhop {

namespace phys {
constexpr double mu_b = 9.2740100783e-24;      // Bohr magneton [J/T]
constexpr double e_charge = 1.602176634e-19;   // elementary charge [C]
constexpr double k_boltzmann = 1.380649e-23;   // [J/K]
}  // namespace phys

// How V_DW, the soma-to-axon source, is chosen for an N-neuron network.
enum class VdwRule {
  Authors,  // the authors' simulator: axon leak balances the drive at (R_P+R_AP)/2, with R_M
  Eq4,      // the paper's eq. 4: the same without the R_M term
};

// The tightest rk23 tolerance float arithmetic resolves: float times to solution stop improving
// at ~1e-5, and below it the controller only shrinks the steps (docs/model.md, Precision).
constexpr double kFloatRtolFloor = 1e-5;

// Time limits of a trial (docs/model.md, "The time line of a trial"). An unset --t-max / --v-tol
// (NaN) takes these, or for a problem whose weakest decision is slow (the Ising mapping on a
// large, wide-weight problem) values from that decision's speed v: t_max = 4 Len / v within
// [30 us, 1 ms], v_tol = v / 2 within [atol, 1 mm/s].
constexpr double kDefaultTMax = 30e-6;    // [s]
constexpr double kDefaultVTol = 1e-3;     // [m/s]
constexpr double kAutoTMaxCrossings = 4;  // track crossings at the weakest decision's speed [-]
constexpr double kAutoTMaxCap = 1e-3;     // [s]

// The integrator (docs/model.md, "Integrator").
enum class Integrator {
  Rk23,   // Bogacki-Shampine 3(2) with error control (rtol, atol) and kink location: the default
  Euler,  // forward Euler with a fixed displacement limit (the scheme before 0.2; thermal noise)
};

// When the input sources are switched off.
enum class LoadMode {
  Fixed,       // after the charge-up time (table by V_C, or --t-load)
  Stationary,  // as soon as no wall moves (bounded by t_max)
};

struct ModelParams {
  // Device (Table I)
  double g_factor = 2.1;       // Lande factor [-]
  double polarization = 0.7;   // spin polarization [-]
  double m_sat = 8e5;          // saturation magnetization [A/m]
  double area = 50e-18;        // track cross-section [m^2]
  double length = 100e-9;      // track length [m]
  double mtj_width = 20e-9;    // MTJ width [m]
  double mtj_position = 0.5;   // MTJ centre as a fraction of the track length [-]
  double leak_axon = -5.0;     // axon drift, towards OFF [m/s]
  double leak_soma = 0.2;      // soma drift, towards ON [m/s]
  double r_p = 500.0;          // MTJ parallel resistance [ohm]
  double r_ap = 2000.0;        // MTJ antiparallel resistance [ohm]
  double r_m = 2000.0;         // track resistance [ohm]
  // Circuit
  double v_c = 0.1;            // input (charge-up) voltage [V]
  double w = 0.1;              // synaptic weight magnitude [V]
  VdwRule vdw_rule = VdwRule::Authors;
  double v_dw = std::numeric_limits<double>::quiet_NaN();  // explicit V_DW [V]; NaN = rule
  // Time line
  LoadMode load_mode = LoadMode::Fixed;
  double t_load = std::numeric_limits<double>::quiet_NaN();  // explicit charge-up time [s]
  double t_max = std::numeric_limits<double>::quiet_NaN();  // give up (not converged) after this
                               // time [s]; NaN = automatic (kDefaultTMax; docs/model.md: why)
  // Integrator
  Integrator integrator = Integrator::Rk23;
  double rtol = 2e-3;          // per unit step, every wall's velocity error (position error over
  double atol = 1e-5;          // the step) within rtol |velocity| + atol [-], [m/s]
  double dx_max = std::numeric_limits<double>::quiet_NaN();  // limit on the fastest wall's
                               // displacement per step [m]; NaN = the integrator's (10 nm rk23,
                               // 2 nm euler)
  double dt_max = std::numeric_limits<double>::quiet_NaN();  // largest step [s]; NaN = the
                               // integrator's (10 ns rk23, 1 ns euler)
  double v_tol = std::numeric_limits<double>::quiet_NaN();  // walls slower than this count as
                               // stationary [m/s]; NaN = automatic (kDefaultVTol)
  // step budget of one trial: a trial that needs more is an error, not a hang (docs/robustness.md)
  double max_steps = 1e7;
  // Thermal noise and pinning (beyond the paper; off by default)
  bool thermal_noise = false;  // 1D rigid-wall Langevin kicks on every free wall
  double temperature = 300.0;  // [K]
  double damping = 0.02;       // Gilbert damping alpha [-]
  double wall_width = 5e-9;    // domain-wall width Delta [m]
  double gyromagnetic = 1.760859e11;  // gamma [rad/(s T)]
  double i_depin = 0.0;        // depinning current: walls with less track current stay [A]
  // Read-out
  double read_hi = 0.95;       // bit 1 at x >= read_hi * Len [-]
  double read_lo = 0.05;       // bit 0 at x <= read_lo * Len [-]

  // k = g muB P / (2 e M_SAT A) = k_prefactor / A: DW velocity per track current [m/(s A)]
  double k_prefactor() const {
    return g_factor * phys::mu_b * polarization / (2.0 * phys::e_charge * m_sat);
  }
  double k() const { return k_prefactor() / area; }
  // Thermal diffusion constant of a wall, D = gamma Delta k_B T / (2 alpha M_SAT A); 0 without
  // noise [m^2/s]
  double diffusion() const {
    return thermal_noise ? gyromagnetic * wall_width * phys::k_boltzmann * temperature /
                               (2.0 * damping * m_sat * area)
                         : 0.0;
  }
  // Soma-to-axon source voltage for an n-neuron network [V].
  double v_dw_for(int n) const;
  // Charge-up time: the authors' table by V_C, or the explicit t_load [s].
  double charge_up_time() const;
  // The integrator a trial runs (thermal noise always takes Euler-Maruyama steps) and its step
  // limits (the explicit ones, or the integrator's defaults). [m], [s]
  Integrator effective_integrator() const {
    return thermal_noise ? Integrator::Euler : integrator;
  }
  double step_dx_max() const;
  double step_dt_max() const;
  // The time limits in force: the explicit ones, or the defaults until resolve_time_limits.
  double give_up_time() const { return std::isnan(t_max) ? kDefaultTMax : t_max; }  // [s]
  double stop_speed() const { return std::isnan(v_tol) ? kDefaultVTol : v_tol; }     // [m/s]
  // Sets unset limits from the nominal speed of the task's weakest decision (Task::
  // decision_speed; 0 = none known: the defaults; the defaults too under thermal noise) [m/s];
  // explicit limits stay. ParameterError if --t-load is not below the automatic t_max.
  void resolve_time_limits(double decision_speed);
  // Nominal physical parameters of a soma and of an axon device.
  PhysicalDevice physical_soma() const {
    return PhysicalDevice{r_p, r_ap, r_m, area, length, mtj_width, mtj_position, leak_soma};
  }
  PhysicalDevice physical_axon() const {
    return PhysicalDevice{r_p, r_ap, r_m, area, length, mtj_width, mtj_position, leak_axon};
  }
  template <class Real>
  DeviceParams<Real> soma_device() const {
    return integrator_params<Real>(physical_soma(), k_prefactor(), i_depin);
  }
  template <class Real>
  DeviceParams<Real> axon_device() const {
    return integrator_params<Real>(physical_axon(), k_prefactor(), i_depin);
  }

  // Throws ParameterError naming the first parameter outside its allowed range.
  void validate() const;
};

// The authors' charge-up time table: 15 ns for V_C >= 0.15 V, 16 ns for 0.07 <= V_C < 0.15,
// 17 ns below 0.07, 18 ns below 0.05, 20 ns below 0.03. [s]
double charge_up_time_table(double v_c);

const char* to_string(VdwRule r);
const char* to_string(LoadMode m);
const char* to_string(Integrator i);
Integrator parse_integrator(const std::string& s);
VdwRule parse_vdw_rule(const std::string& s);
LoadMode parse_load_mode(const std::string& s);

}  // namespace spinhop
