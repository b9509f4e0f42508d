#include "spinhop/netlist.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "spinhop/backend.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/tasks.hpp"

namespace spinhop {

namespace {

// Shortest decimal that reads back as the same double.
std::string num(double v) {
  char buf[40];
  for (int prec = 6; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

const char* weights_name(WeightSource k) {
  switch (k) {
    case WeightSource::HebbianRandom: return "Hebbian, random patterns";
    case WeightSource::HebbianStored: return "Hebbian, stored patterns";
    default: return "a weight matrix";
  }
}
// The subcircuit parameters of one device, in the netlist's units.
struct SubcktParams {
  double rp, rap, rm;  // [ohm]
  double k;            // wall velocity per track current [(m/s)/A]
  double leak;         // [m/s]
  double len, xlo, w;  // track length, left edge of the MTJ, MTJ width [nm]
};

SubcktParams subckt_params(const PhysicalDevice& p, double k_prefactor) {
  SubcktParams s;
  s.rp = p.r_p;
  s.rap = p.r_ap;
  s.rm = p.r_m;
  s.k = k_prefactor / p.area;
  s.leak = p.leak;
  s.len = p.length * 1e9;
  s.xlo = (p.mtj_position * p.length - 0.5 * p.mtj_width) * 1e9;
  s.w = p.mtj_width * 1e9;
  return s;
}

// name=value pairs in a fixed order.
std::vector<std::pair<const char*, std::string>> param_list(const SubcktParams& s) {
  return {{"rp", num(s.rp)},   {"rap", num(s.rap)}, {"rm", num(s.rm)},   {"k", num(s.k)},
          {"leak", num(s.leak)}, {"len", num(s.len)}, {"xlo", num(s.xlo)}, {"w", num(s.w)}};
}

// The instance parameters that differ from the subcircuit's defaults ("" for a nominal device).
std::string param_overrides(const SubcktParams& dev, const SubcktParams& nominal) {
  const auto a = param_list(dev), b = param_list(nominal);
  std::string out;
  for (std::size_t q = 0; q < a.size(); ++q) {
    if (a[q].second != b[q].second) out += std::string(" ") + a[q].first + "=" + a[q].second;
  }
  return out;
}

void write_subckt(std::ostringstream& o, const char* name, const char* what,
                  const SubcktParams& d, double kclamp) {
  o << "* " << what << "\n";
  o << ".subckt " << name << " tin tout ma mb x v params:";
  for (const auto& p : param_list(d)) o << " " << p.first << "=" << p.second;
  o << " kc=" << num(kclamp) << "\n";
  o << "* track: resistor rm from DW_IN (tin) to DW_OUT (tout); Vsense reads its current\n"
       "Rtrack tin ts {rm}\n"
       "Vsense ts tout 0\n"
       "* MTJ: 1/rap left of the MTJ, 1/rp right of it, linear in the wall position in between\n"
       "* (ngspice pastes a {...} into a B expression as text, without parentheses: keep them)\n"
       "Bmtj ma mb I = (({1/rap}) + ({1/rp - 1/rap}) * min(max((v(x) - {xlo}) / {w}, 0), 1))"
       " * (v(ma) - v(mb))\n"
       "* wall velocity [m/s] = k I_track + leak, clamped to the track: a wall within d of an\n"
       "* end moves out at most kc * d, one a time step carried past an end returns at kc * d\n"
       "Bvel 0 v I = min(max({k} * i(Vsense) + {leak}, -{kc} * v(x)), {kc} * ({len} - v(x)))\n"
       "Rvel v 0 1\n"
       "* wall position [nm]: a 1 nF capacitor charged by a current equal to the velocity in m/s\n"
       "* (dx/dt = v / 1e-9 nm/s; 1 F and 1e9 * v ill-condition the matrix, Newton then fails)\n"
       "Bx 0 x I = v(v)\n"
       "Cx x 0 1n ic=0\n"
       ".ends\n\n";
}

// Appends a long sum "t0 + t1 + ..." as SPICE continuation lines.
void write_sum(std::ostringstream& o, const std::vector<std::string>& terms, const char* prefix,
               const char* suffix) {
  o << prefix;
  for (std::size_t q = 0; q < terms.size(); ++q) {
    if (q > 0) o << ((q % 6 == 0) ? "\n+ + " : " + ");
    o << terms[q];
  }
  o << suffix << "\n";
}

}  // namespace

std::string ngspice_netlist(const PointSpec& spec, std::uint64_t local, const NetlistOptions& opt) {
  const IntegratorConsts& c = spec.integ;
  if (c.stationary_load) {
    throw ParameterError(
        "netlist: --load-mode stationary cannot be written for SPICE (the switch-off time "
        "depends on the run); use the fixed load mode");
  }
  if (c.diffusion > 0.0) {
    throw ParameterError("netlist: thermal noise cannot be written for SPICE; turn it off");
  }
  if (c.i_depin > 0.0) {
    throw ParameterError("netlist: a depinning current cannot be written for SPICE; use 0");
  }
  if (spec.sigma.defects()) {
    throw ParameterError("netlist: defective devices (stuck or open) cannot be written for SPICE; set the defect fractions to 0");
  }
  if (!(opt.t_step > 0.0) || !(opt.t_max_step > 0.0) || !(opt.t_stop >= 0.0) ||
      !(opt.kclamp > 0.0) || !(opt.g_switch > 0.0) || !(opt.t_ramp > 0.0) || !(opt.trtol > 0.0)) {
    throw ParameterError(
        "netlist: t_step, t_max_step, kclamp, g_switch, t_ramp and trtol must be > 0, t_stop >= 0");
  }
  if (!(c.t_load > opt.t_ramp)) {
    throw ParameterError("netlist: the charge-up time must exceed the switch ramp");
  }
  const int n = spec.task.n;
  const TrialKey key = spec.key_of(local);
  const TrialCircuit circuit = rebuild_circuit(spec, local, true);

  double t_stop = opt.t_stop;
  std::string stop_why = "given";
  if (t_stop == 0.0) {
    BatchOutcome out;
    out.resize(n, 1);
    make_cpu_backend(1)->run(spec, Precision::Double, local, 1, out);
    const NetworkOutcome& r = out.trials[0];
    t_stop = r.converged ? std::min(c.t_max, 1.1 * r.t_solution + 10e-9) : c.t_max;
    stop_why = r.converged ? "spinhop's time to solution " + num(r.t_solution) + " s + 10% + 10 ns"
                           : "t_max (spinhop: not converged)";
  }
  if (!(t_stop > c.t_load)) {
    throw ParameterError("netlist: the stop time must exceed the charge-up time");
  }

  const SubcktParams soma_nom = subckt_params(spec.soma, spec.k_prefactor);
  const SubcktParams axon_nom = subckt_params(spec.axon, spec.k_prefactor);

  std::ostringstream o;
  o << "* " << (opt.title.empty() ? "spinhop trial" : opt.title) << "\n";
  o << "* spinhop: trial " << local << " of a point (seed " << spec.seed << ", global trial "
    << spec.trial_base + local << "), weights: " << weights_name(spec.task.weights) << ", N = " << n
    << " neurons, " << n * n << " DW-MTJs\n";
  o << "* variation: devices " << (spec.sigma.devices_varied() ? "varied" : "nominal")
    << ", sources " << (spec.sigma.w > 0 || spec.sigma.v_dw > 0 || spec.sigma.v_c > 0 ? "varied" : "nominal")
    << "; every value below is this trial's own draw\n";
  o << "* charge-up " << num(c.t_load) << " s, stop " << num(t_stop) << " s (" << stop_why
    << ")\n";
  o << "* units: wall positions in nm (voltage on a 1 nF capacitor), velocities in m/s,\n"
       "* power in mW and energy in pJ (voltages of behavioural nodes), everything else SI.\n"
       "* nodes: d<j> dendrite j, a<i> axon bus i, vdw<j> / in<j> / w<i>_<j> source nodes,\n"
       "* xs<j> vs<j> soma j position and velocity, xa<i>_<j> va<i>_<j> axon i->j.\n\n";

  o << "* ---- one DW-MTJ, per device type; parameters per instance (defaults: nominal) ----\n";
  o << "* pins: tin tout = track (DW_IN, DW_OUT; current tin -> tout moves the wall to +x),\n"
       "*       ma mb = MTJ, x = wall position [nm], v = wall velocity [m/s]\n"
       "* params: rp rap rm [ohm], k [(m/s)/A], leak [m/s], len xlo w [nm] (track length,\n"
       "*         MTJ left edge, MTJ width), kc [(m/s)/nm] = track-end clamp stiffness\n";
  write_subckt(o, "dwmtj_soma", "soma: leak towards ON", soma_nom, opt.kclamp);
  write_subckt(o, "dwmtj_axon", "axon: leak towards OFF", axon_nom, opt.kclamp);

  // The switch conductance ramps linearly from gsw to 0 over t_ramp ending at t_load. A dendrite
  // lets go once the switch conductance falls below its own (~1e-3..1e-2 S), i.e. within
  // ~1e-6 t_ramp of t_load.
  o << "* ---- input switches: conductance gsw * (1 - v(ld)); v(ld) ramps 0 -> 1 over t_ramp,\n"
       "*      ending at t_load: closed while loading, open from t_load ----\n";
  o << ".param gsw=" << num(opt.g_switch) << "\n";
  o << "Vload ld 0 PWL(0 0 " << num(c.t_load - opt.t_ramp) << " 0 " << num(c.t_load) << " 1)\n\n";

  for (int j = 0; j < n; ++j) {
    const std::string sj = std::to_string(j);
    const bool bit = circuit.input[static_cast<std::size_t>(j)] != 0;
    o << "* ---- neuron " << j << " (input bit " << (bit ? 1 : 0) << ") ----\n";
    o << "Vdw" << sj << " vdw" << sj << " 0 DC " << num(circuit.v_dw[static_cast<std::size_t>(j)]) << "\n";
    o << "Vin" << sj << " in" << sj << " 0 DC " << num(circuit.v_in[static_cast<std::size_t>(j)]) << "\n";
    o << "Bsw" << sj << " in" << sj << " d" << sj
      << " I = {gsw} * max(0, 1 - v(ld)) * (v(in" << sj << ") - v(d" << sj << "))\n";
    const SubcktParams ps = subckt_params(circuit.devices[static_cast<std::size_t>(j) * n + j], spec.k_prefactor);
    o << "* soma: track d" << sj << " -> 0, MTJ vdw" << sj << " -> a" << sj << "\n";
    o << "Xs" << sj << " d" << sj << " 0 vdw" << sj << " a" << sj << " xs" << sj << " vs" << sj
      << " dwmtj_soma" << param_overrides(ps, soma_nom) << "\n";
    o << "* axons " << j << " -> i: track a" << sj << " -> 0, MTJ w" << sj << "_i -> d_i\n";
    for (int i = 0; i < n; ++i) {
      if (i == j) continue;
      // device (j, i): neuron j's axon onto dendrite i
      const std::string ji = sj + "_" + std::to_string(i);
      const double w = circuit.w[static_cast<std::size_t>(j) * n + i];
      const SubcktParams pa = subckt_params(circuit.devices[static_cast<std::size_t>(j) * n + i], spec.k_prefactor);
      o << "Vw" << ji << " w" << ji << " 0 DC " << num(w) << "\n";
      o << "Xa" << ji << " a" << sj << " 0 w" << ji << " d" << i << " xa" << ji << " va" << ji
        << " dwmtj_axon" << param_overrides(pa, axon_nom) << "\n";
    }
    o << "\n";
  }

  o << "* ---- power delivered by the sources of each neuron j (its V_DW, the synapses onto d<j>,\n"
       "*      its input), in mW; total power [mW] and its integral, the energy [pJ] ----\n";
  std::vector<std::string> pw_terms;
  for (int j = 0; j < n; ++j) {
    const std::string sj = std::to_string(j);
    std::vector<std::string> terms = {"v(vdw" + sj + ") * i(Vdw" + sj + ")",
                                      "v(in" + sj + ") * i(Vin" + sj + ")"};
    for (int i = 0; i < n; ++i) {
      if (i == j) continue;
      const std::string ij = std::to_string(i) + "_" + sj;
      terms.push_back("v(w" + ij + ") * i(Vw" + ij + ")");
    }
    write_sum(o, terms, ("Bpw" + sj + " 0 pw" + sj + " I = -1e3 * (").c_str(), ")");
    o << "Rpw" << sj << " pw" << sj << " 0 1\n";
    pw_terms.push_back("v(pw" + sj + ")");
  }
  write_sum(o, pw_terms, "Bpower 0 power I = ", "");
  o << "Rpower power 0 1\n";
  o << "* energy [pJ] = integral of power [mW] dt / 1e-9 s: a 1 nF capacitor charged by it\n";
  o << "Benergy 0 energy I = v(power)\n";
  o << "Cenergy energy 0 1n ic=0\n\n";

  o << "* ---- analysis: Gear, reltol 1e-6, default abstol / vntol ----\n";
  o << ".options method=gear reltol=1e-6 trtol=" << num(opt.trtol) << "\n";
  o << ".tran " << num(opt.t_step) << " " << num(t_stop) << " 0 " << num(opt.t_max_step)
    << " uic\n\n";

  // the vectors written
  std::vector<std::string> vecs;
  for (int j = 0; j < n; ++j) vecs.push_back("v(xs" + std::to_string(j) + ")");
  int traced = 0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      if (opt.trace_axons >= 0 && traced >= opt.trace_axons) break;
      vecs.push_back("v(xa" + std::to_string(i) + "_" + std::to_string(j) + ")");
      ++traced;
    }
  }
  vecs.push_back("speed");
  vecs.push_back("tleft");
  vecs.push_back("v(power)");
  vecs.push_back("v(energy)");
  if (opt.currents) {
    for (int j = 0; j < n; ++j) vecs.push_back("i(vdw" + std::to_string(j) + ")");
    for (int j = 0; j < n; ++j) vecs.push_back("i(vin" + std::to_string(j) + ")");
  }
  o << ".control\n"
       "set wr_singlescale\n"
       "set wr_vecnames\n"
       "run\n";
  // Motion, from the velocity nodes after the run (as circuit nodes, the abs() kinks slowed
  // ngspice down). A wall counts only strictly inside its track: at an end its velocity is the
  // clamp's pull back after a time step carried it past the end, not motion.
  o << "* after the run, from the velocity nodes (walls strictly inside their track count):\n"
       "* speed = summed wall speed [m/s]; tleft = the longest time [s] a wall moving at\n"
       "* >= v_tol needs, at its present speed, to reach the end it moves to (0: none moves).\n"
       "* The trial has converged after the last time point with tleft > 0, plus that\n"
       "* point's tleft (at most the next time point): spinhop's rule.\n";
  const std::string vtol = num(c.v_tol);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const std::string id = i == j ? "s" + std::to_string(j)
                                    : "a" + std::to_string(i) + "_" + std::to_string(j);
      const std::string len = num(device_physical(spec, key, i, j).length * 1e9);
      const std::string x = "v(x" + id + ")", v = "v(v" + id + ")";
      const bool first = i == 0 && j == 0;
      o << "let inside = (" << x << " gt 0) * (" << x << " lt " << len << ")\n";
      o << "let speed = " << (first ? "" : "speed + ") << "abs(" << v << ") * inside\n";
      o << "let moving = inside * (abs(" << v << ") ge " << vtol << ")\n";
      o << "let tarr = moving * ((" << v << " gt 0) * (" << len << " - " << x << ") + (" << v
        << " lt 0) * " << x << ") / (abs(" << v << ") + 1 - moving) * 1e-9\n";
      o << "let tleft = " << (first ? "tarr" : "0.5 * (tleft + tarr + abs(tleft - tarr))")
        << "\n";
    }
  }
  std::string list;
  for (std::size_t q = 0; q < vecs.size(); ++q) list += (q ? " " : "") + vecs[q];
  if (opt.raw_points) {
    o << "* one row per time point ngspice accepted, one column per vector\n";
  } else {
    o << "* onto the print grid of .tran, then one column per vector\n";
    o << "linearize " << list << "\n";
  }
  o << "wrdata " << opt.output << " " << list << "\n";
  o << "quit\n.endc\n.end\n";
  return o.str();
}

void write_ngspice_netlist(const std::string& path, const PointSpec& spec, std::uint64_t local,
                           const NetlistOptions& opt) {
  const std::string text = ngspice_netlist(spec, local, opt);
  std::ofstream f(path, std::ios::binary);
  if (!f) throw IoError("cannot write netlist '" + path + "'");
  f << text;
  f.close();
  if (!f) throw IoError("writing netlist '" + path + "' failed");
}

// --- reading the output --------------------------------------------------------------------------

double NgspiceTrace::at(const std::vector<double>& wave, double time) const {
  if (t.empty() || wave.size() != t.size()) return std::numeric_limits<double>::quiet_NaN();
  if (time <= t.front()) return wave.front();
  if (time >= t.back()) return wave.back();
  const std::size_t k =
      static_cast<std::size_t>(std::upper_bound(t.begin(), t.end(), time) - t.begin());
  const double f = (time - t[k - 1]) / (t[k] - t[k - 1]);
  return wave[k - 1] + f * (wave[k] - wave[k - 1]);
}

double NgspiceTrace::solution_time() const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (t.empty() || t_left.size() != t.size()) return nan;
  std::size_t last = t.size();  // last time point at which a wall moves
  for (std::size_t k = t.size(); k-- > 0;) {
    if (t_left[k] > 0.0) {
      last = k;
      break;
    }
  }
  if (last == t.size()) return t.front();  // nothing moved at any time point
  if (last + 1 == t.size()) return nan;     // still moving at the stop time
  return t[last] + std::min(t_left[last], t[last + 1] - t[last]);
}

NgspiceTrace read_ngspice_output(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw IoError("cannot read ngspice output '" + path + "'");
  std::string header;
  if (!std::getline(f, header)) throw IoError("ngspice output '" + path + "' is empty");
  std::vector<std::string> names;
  {
    std::istringstream h(header);
    std::string s;
    while (h >> s) names.push_back(s);
  }
  if (names.empty() || names[0] != "time") {
    throw IoError("ngspice output '" + path + "': no 'time' column in the header");
  }
  std::vector<std::vector<double>> cols(names.size());
  std::string line;
  std::size_t row = 0;
  while (std::getline(f, line)) {
    ++row;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream l(line);
    for (std::size_t q = 0; q < names.size(); ++q) {
      double v;
      if (!(l >> v)) {
        throw IoError("ngspice output '" + path + "' line " + std::to_string(row + 1) + ": " +
                      std::to_string(names.size()) + " numbers expected");
      }
      cols[q].push_back(v);
    }
  }
  NgspiceTrace tr;
  tr.t = cols[0];
  if (tr.t.empty()) throw IoError("ngspice output '" + path + "' has no data rows");
  std::map<int, std::vector<double>> soma, vdw, vin;
  std::map<int, std::vector<double>> axon;  // keyed by device index, filled after n is known
  std::vector<std::pair<std::pair<int, int>, std::vector<double>>> axons;
  for (std::size_t q = 1; q < names.size(); ++q) {
    const std::string& nm = names[q];
    std::vector<double>& col = cols[q];
    int a = 0, b = 0;
    char tail = 0;
    if (std::sscanf(nm.c_str(), "v(xs%d%c", &a, &tail) == 2 && tail == ')') {
      for (double& v : col) v *= 1e-9;
      soma[a] = std::move(col);
    } else if (std::sscanf(nm.c_str(), "v(xa%d_%d%c", &a, &b, &tail) == 3 && tail == ')') {
      for (double& v : col) v *= 1e-9;
      axons.push_back({{a, b}, std::move(col)});
    } else if (nm == "tleft") {
      tr.t_left = std::move(col);
    } else if (nm == "speed") {
      tr.speed = std::move(col);
    } else if (nm == "v(power)") {
      for (double& v : col) v *= 1e-3;
      tr.power = std::move(col);
    } else if (nm == "v(energy)") {
      for (double& v : col) v *= 1e-12;
      tr.energy = std::move(col);
    } else if (std::sscanf(nm.c_str(), "i(vdw%d%c", &a, &tail) == 2 && tail == ')') {
      vdw[a] = std::move(col);
    } else if (std::sscanf(nm.c_str(), "i(vin%d%c", &a, &tail) == 2 && tail == ')') {
      vin[a] = std::move(col);
    }
  }
  tr.n = static_cast<int>(soma.size());
  for (int j = 0; j < tr.n; ++j) {
    if (!soma.count(j)) throw IoError("ngspice output '" + path + "': soma columns not 0..N-1");
    tr.soma_x.push_back(std::move(soma[j]));
  }
  for (auto& ax : axons) {
    tr.axon_device.push_back(ax.first.first * tr.n + ax.first.second);
    tr.axon_x.push_back(std::move(ax.second));
  }
  for (int j = 0; j < tr.n && vdw.count(j); ++j) tr.i_vdw.push_back(std::move(vdw[j]));
  for (int j = 0; j < tr.n && vin.count(j); ++j) tr.i_in.push_back(std::move(vin[j]));
  return tr;
}

std::vector<int> ngspice_readout(const NgspiceTrace& trace, const PointSpec& spec,
                                 std::uint64_t local) {
  const TrialKey key = spec.key_of(local);
  std::vector<int> bits(static_cast<std::size_t>(trace.n), -1);
  for (int j = 0; j < trace.n; ++j) {
    const double len = device_physical(spec, key, j, j).length;
    bits[static_cast<std::size_t>(j)] =
        wall_readout(trace.soma_x[static_cast<std::size_t>(j)].back(), len, spec.read_hi,
                     spec.read_lo);
  }
  return bits;
}

// --- running ngspice -----------------------------------------------------------------------------

namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char ch : s) {
    if (ch == '\'') {
      q += "'\\''";
    } else {
      q += ch;
    }
  }
  return q + "'";
}

}  // namespace

bool ngspice_available() {
  return std::system("command -v ngspice >/dev/null 2>&1") == 0;
}

double run_ngspice(const std::string& netlist_path, const std::string& log_path) {
  const std::string log = log_path.empty() ? netlist_path + ".log" : log_path;
  if (!ngspice_available()) {
    throw IoError("ngspice is not installed (no 'ngspice' on the PATH; Debian: apt-get install "
                  "ngspice)");
  }
  const std::string cmd =
      "ngspice -b " + shell_quote(netlist_path) + " > " + shell_quote(log) + " 2>&1";
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = std::system(cmd.c_str());
  const auto t1 = std::chrono::steady_clock::now();
  const double wall = std::chrono::duration<double>(t1 - t0).count();
  if (rc == -1) throw IoError("cannot start ngspice");
  const int status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
  // ngspice reports some failures only in its log
  std::ifstream f(log);
  std::string line, first_error;
  while (std::getline(f, line)) {
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (lower.find("error") != std::string::npos || lower.find("too small") != std::string::npos ||
        lower.find("aborted") != std::string::npos) {
      first_error = line;
      break;
    }
  }
  if (status != 0 || !first_error.empty()) {
    throw IoError("ngspice failed on '" + netlist_path + "' (exit status " +
                  std::to_string(status) + ")" +
                  (first_error.empty() ? std::string() : ": " + first_error) + "; log: " + log);
  }
  return wall;
}

}  // namespace spinhop
