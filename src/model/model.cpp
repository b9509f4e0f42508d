#include "spinhop/model.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "spinhop/errors.hpp"

namespace spinhop {

double ModelParams::v_dw_for(int n) const {
  if (!std::isnan(v_dw)) return v_dw;
  // eq. 4's R_P (1 + T/2) is the mean MTJ resistance (R_P + R_AP)/2; the authors add R_M
  const double per_axon = 0.5 * (r_p + r_ap);
  const double r_total = (n - 1) * per_axon + (vdw_rule == VdwRule::Authors ? r_m : 0.0);
  return std::fabs(leak_axon) / k() * r_total;
}

double charge_up_time_table(double v_c) {
  if (v_c >= 0.15) return 15e-9;
  if (v_c >= 0.07) return 16e-9;
  if (v_c >= 0.05) return 17e-9;
  if (v_c >= 0.03) return 18e-9;
  return 20e-9;
}

double ModelParams::charge_up_time() const {
  return std::isnan(t_load) ? charge_up_time_table(v_c) : t_load;
}

namespace {

[[noreturn]] void reject(const char* name, const char* flag, double value, const std::string& rule) {
  std::ostringstream os;
  os << "invalid " << name << " (" << flag << ") = " << value << ": " << rule;
  throw ParameterError(os.str());
}

void require_positive(const char* name, const char* flag, double v, const char* unit) {
  if (!(v > 0.0) || !std::isfinite(v)) reject(name, flag, v, std::string("must be > 0 ") + unit);
}

}  // namespace

void ModelParams::validate() const {
  require_positive("g_factor", "--g-factor", g_factor, "");
  if (!(polarization > 0.0 && polarization <= 1.0))
    reject("polarization", "--polarization", polarization, "must be in (0, 1]");
  require_positive("M_SAT", "--m-sat", m_sat, "A/m");
  require_positive("area", "--area", area, "m^2");
  require_positive("Len", "--length", length, "m");
  if (!(mtj_width > 0.0 && mtj_width < length))
    reject("MTJW", "--mtj-width", mtj_width, "must be in (0, Len) m");
  const double half = 0.5 * mtj_width / length;
  if (!(mtj_position >= half && mtj_position <= 1.0 - half))
    reject("MTJP", "--mtj-position", mtj_position,
           "must keep the MTJ on the track: in [MTJW/(2 Len), 1 - MTJW/(2 Len)]");
  if (!(leak_axon < 0.0) || !std::isfinite(leak_axon))
    reject("axon leak", "--leak-axon", leak_axon, "must be < 0 m/s (towards OFF)");
  if (!std::isfinite(leak_soma)) reject("soma leak", "--leak-soma", leak_soma, "must be finite");
  require_positive("R_P", "--r-p", r_p, "ohm");
  if (!(r_ap > r_p) || !std::isfinite(r_ap))
    reject("R_AP", "--r-ap", r_ap, "must be > R_P (TMR > 0)");
  require_positive("R_M", "--r-m", r_m, "ohm");
  require_positive("V_C", "--vc", v_c, "V");
  require_positive("W", "--w", w, "V");
  if (!std::isnan(v_dw)) require_positive("V_DW", "--vdw", v_dw, "V");
  // the wall-velocity model (k I) is for the tens of uA of sub-volt drives; beyond 10 V the
  // currents are milliamps, and far beyond, the energies overflow
  if (v_c > 10.0) reject("V_C", "--vc", v_c, "must be <= 10 V");
  if (w > 10.0) reject("W", "--w", w, "must be <= 10 V");
  if (v_dw > 10.0) reject("V_DW", "--vdw", v_dw, "must be <= 10 V");
  if (!std::isnan(t_max)) {
    require_positive("t_max", "--t-max", t_max, "s");
    if (t_max > 1.0) reject("t_max", "--t-max", t_max, "must be <= 1 s");
  }
  // the checks below hold for any automatic t_max too (at least 30 us, at most 1 ms; a --t-load
  // beyond the automatic value is refused once it is known, resolve_time_limits)
  const double give_up = give_up_time();
  if (!std::isnan(t_load)) {
    require_positive("t_load", "--t-load", t_load, "s");
    if (!(t_load < (std::isnan(t_max) ? kAutoTMaxCap : t_max))) reject("t_load", "--t-load", t_load, "must be < t_max");
  } else if (load_mode == LoadMode::Fixed && !(charge_up_time() < give_up)) {
    // the authors' charge-up time by V_C must fit before the give-up time
    std::ostringstream rule;
    rule << "must exceed the charge-up time " << charge_up_time() << " s (by V_C; or set --t-load)";
    reject("t_max", "--t-max", give_up, rule.str());
  }
  if (!std::isnan(dx_max)) {
    require_positive("dx_max", "--dx-max", dx_max, "m");
    if (dx_max > length) reject("dx_max", "--dx-max", dx_max, "must be <= Len");
  }
  if (!std::isnan(dt_max)) require_positive("dt_max", "--dt-max", dt_max, "s");
  if (!(rtol > 0.0 && rtol < 1.0)) reject("rtol", "--rtol", rtol, "must be in (0, 1)");
  if (!(atol > 0.0) || !std::isfinite(atol)) reject("atol", "--atol", atol, "must be > 0 m/s");
  if (!std::isnan(v_tol) && (!(v_tol >= 0.0) || !std::isfinite(v_tol)))
    reject("v_tol", "--v-tol", v_tol, "must be >= 0 m/s");
  require_positive("temperature", "--temperature", temperature, "K");
  // far above any magnet's Curie temperature the kicks have no physical meaning and make every
  // step jump the walls across their tracks
  if (temperature > 2000.0) reject("temperature", "--temperature", temperature, "must be <= 2000 K");
  if (!(max_steps >= 100 && max_steps <= 1e12 && max_steps == std::floor(max_steps)))
    reject("max_steps", "--max-steps", max_steps, "must be a whole number in [100, 1e12]");
  // limits that make every trial endless are refused before the first step: the time line
  // needs at least t_max / dt_max steps, a wall crossing its track Len / dx_max
  if (give_up / step_dt_max() > max_steps) {
    std::ostringstream why;
    why << "with t_max = " << give_up << " s a trial could need " << give_up / step_dt_max()
        << " steps, more than --max-steps " << max_steps;
    reject("dt_max", "--dt-max", step_dt_max(), why.str());
  }
  if (length / step_dx_max() > max_steps) {
    std::ostringstream why;
    why << "a wall crossing its track would take " << length / step_dx_max()
        << " steps, more than --max-steps " << max_steps;
    reject("dx_max", "--dx-max", step_dx_max(), why.str());
  }
  require_positive("damping", "--damping", damping, "");
  require_positive("wall width", "--wall-width", wall_width, "m");
  require_positive("gyromagnetic ratio", "--gyromagnetic", gyromagnetic, "rad/(s T)");
  if (!(i_depin >= 0.0) || !std::isfinite(i_depin))
    reject("depinning current", "--depinning-current", i_depin, "must be >= 0 A");
  if (!(read_hi > 0.5 && read_hi <= 1.0))
    reject("read_hi", "--read-hi", read_hi, "must be in (0.5, 1]");
  if (!(read_lo >= 0.0 && read_lo < 0.5))
    reject("read_lo", "--read-lo", read_lo, "must be in [0, 0.5)");
}

void ModelParams::resolve_time_limits(double decision_speed) {
  // under thermal noise the walls never stop drifting by the drive alone and the steps are
  // noise-limited (~1 ps): the defaults stay, a longer t_max would only exhaust --max-steps
  const bool known = decision_speed > 0.0 && std::isfinite(decision_speed) && !thermal_noise;
  // a decision at speed v needs Len / v to cross the track; a descent chains a few of them
  if (std::isnan(t_max)) {
    t_max = known ? std::clamp(kAutoTMaxCrossings * length / decision_speed, kDefaultTMax, kAutoTMaxCap)
                  : kDefaultTMax;
    // the automatic limit never makes a trial need more steps than it may take
    t_max = std::min(t_max, std::max(kDefaultTMax, 0.5 * max_steps * step_dt_max()));
    if (!std::isnan(t_load) && !(t_load < t_max)) {
      std::ostringstream why;
      why << "must be < t_max, here the automatic " << t_max << " s (set --t-max)";
      reject("t_load", "--t-load", t_load, why.str());
    }
  }
  // the weakest decision must count as moving; below atol a speed is integration error
  if (std::isnan(v_tol)) {
    v_tol = known ? std::clamp(0.5 * decision_speed, std::min(atol, kDefaultVTol), kDefaultVTol) : kDefaultVTol;
  }
}

double ModelParams::step_dx_max() const {
  if (!std::isnan(dx_max)) return dx_max;
  return effective_integrator() == Integrator::Rk23 ? 10e-9 : 2e-9;
}

double ModelParams::step_dt_max() const {
  if (!std::isnan(dt_max)) return dt_max;
  return effective_integrator() == Integrator::Rk23 ? 10e-9 : 1e-9;
}

const char* to_string(Integrator i) { return i == Integrator::Rk23 ? "rk23" : "euler"; }

Integrator parse_integrator(const std::string& s) {
  if (s == "rk23") return Integrator::Rk23;
  if (s == "euler") return Integrator::Euler;
  throw ParameterError("invalid integrator '" + s + "' (--integrator): must be rk23 or euler");
}

const char* to_string(VdwRule r) { return r == VdwRule::Authors ? "authors" : "eq4"; }
const char* to_string(LoadMode m) { return m == LoadMode::Fixed ? "fixed" : "stationary"; }

VdwRule parse_vdw_rule(const std::string& s) {
  if (s == "authors") return VdwRule::Authors;
  if (s == "eq4") return VdwRule::Eq4;
  throw ParameterError("invalid V_DW rule '" + s + "' (--vdw-rule): must be authors or eq4");
}

LoadMode parse_load_mode(const std::string& s) {
  if (s == "fixed") return LoadMode::Fixed;
  if (s == "stationary") return LoadMode::Stationary;
  throw ParameterError("invalid load mode '" + s + "' (--load-mode): must be fixed or stationary");
}

}  // namespace spinhop
