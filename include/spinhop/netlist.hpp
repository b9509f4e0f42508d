// Cross-validation against SPICE (issue 8): one trial of a point written as an ngspice netlist,
// ngspice run in batch mode, and its output read back.
//
// The netlist is the circuit of model.md section 2 with every device, source and voltage error of
// the trial exactly as spinhop builds it (device_physical, neuron_v_dw, neuron_v_in, device_w).
// Each DW-MTJ is a behavioural subcircuit: the wall position is the voltage (in nm) on a 1 nF
// capacitor charged by a current equal to the wall velocity (in m/s), clamped to the track; the MTJ a
// position-dependent conductance; the track a resistor with a 0 V sense source. ngspice integrates
// it with its own variable-step Gear method, independently of spinhop's explicit integrator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spinhop/physics/trial.hpp"

namespace spinhop {

struct NetlistOptions {
  // Simulated time [s]. 0: until spinhop's own time to solution of this trial (CPU, double) plus
  // 10% and 10 ns, at most t_max; t_max for a trial that does not converge.
  double t_stop = 0;
  // .tran TSTEP [s]: ngspice's first step, and the print grid when raw_points is false.
  double t_step = 1e-11;
  // Write ngspice's own accepted time points (no interpolation; ngspice 39 does not store the
  // t = 0 point of a uic transient, so the first row is its first step); false: linearise the
  // waveforms onto the t_step grid.
  bool raw_points = true;
  // Largest internal time step of ngspice [s] (.tran TMAX); its error control picks smaller ones
  // where walls cross an MTJ or reach a track end. 1e-10 and 1e-11 give the same times to
  // solution and energies to ~1e-5; with 1e-9 ngspice stops at the input switch ("timestep too
  // small").
  double t_max_step = 1e-10;
  // ngspice's truncation-error factor TRTOL (its default, 7, lets a wall cross a kink of its
  // velocity, at an MTJ edge or a track end, with a visible lag).
  double trtol = 1;
  // Also write each neuron's V_DW and input source currents [A] (the total power and energy are
  // always written).
  bool currents = true;
  // Axon positions written besides the somas: -1 all, 0 none, m > 0 the first m axons in device
  // order (i*N + j, i != j).
  int trace_axons = -1;
  // Where the .control section writes the waveforms (wrdata); relative to ngspice's working
  // directory.
  std::string output = "spinhop_ngspice.dat";
  // Title line of the netlist.
  std::string title;
  // Track-end clamp stiffness [(m/s)/nm]: a wall a distance d beyond an end is pulled back at
  // kclamp * d, a relaxation time of 1 / (1e9 kclamp) s. Large enough to stop a wall within
  // 1e-4 nm, small enough for ngspice's step control.
  double kclamp = 1e6;
  // Conductance of a closed input switch [S]: holds the dendrite within ~1e-6 of V_C.
  double g_switch = 1e4;
  // The switch opens over t_ramp ending at t_load: its conductance falls linearly to 0 (a dendrite
  // lets go within ~1e-6 t_ramp of t_load) [s].
  double t_ramp = 1e-12;
};

// The netlist of trial `local` of the point. Throws ParameterError for what SPICE cannot
// represent here: the stationary load mode, thermal noise and depinning.
std::string ngspice_netlist(const PointSpec& spec, std::uint64_t local, const NetlistOptions& opt);

// Writes the netlist to `path`; throws IoError when the file cannot be written.
void write_ngspice_netlist(const std::string& path, const PointSpec& spec, std::uint64_t local,
                           const NetlistOptions& opt);

// Waveforms of one ngspice run (SI units).
struct NgspiceTrace {
  int n = 0;                                // neurons
  std::vector<double> t;                    // [s]
  std::vector<std::vector<double>> soma_x;  // [soma j][time] [m]
  std::vector<int> axon_device;             // device index i*N + j of each traced axon
  std::vector<std::vector<double>> axon_x;  // [traced axon][time] [m]
  std::vector<double> speed;                // summed |velocity| of the walls inside their track [m/s]
  std::vector<double> t_left;               // longest time a wall moving at >= v_tol needs to
                                            // reach the end it moves to, 0 if none moves [s]
  std::vector<double> power;                // total power delivered by the sources [W]
  std::vector<double> energy;               // source energy since t = 0 [J]
  std::vector<std::vector<double>> i_vdw;   // [neuron][time] V_DW source current [A] (if written)
  std::vector<std::vector<double>> i_in;    // [neuron][time] input source current [A] (if written)

  // Time to solution, spinhop's rule on ngspice's time points: after the last time point at
  // which a wall inside its track moves at >= v_tol (the trial's v_tol, written into the
  // netlist), the time that wall needs to reach its track end at its speed there, at most the
  // next time point. Walls at a track end do not move (their velocity there is the clamp's).
  // NaN when a wall still moves at the last time point. [s]
  double solution_time() const;
  // Linear interpolation of a waveform of this trace at time t (clamped to the ends).
  double at(const std::vector<double>& wave, double time) const;
  // Source energy up to time t [J].
  double energy_at(double time) const { return at(energy, time); }
};

// Reads the wrdata file a netlist of ngspice_netlist() writes. Throws IoError.
NgspiceTrace read_ngspice_output(const std::string& path);

// Read-out of the somas at the last sample: 1, 0 or -1 (undecided), with each soma's own track
// length and the point's thresholds.
std::vector<int> ngspice_readout(const NgspiceTrace& trace, const PointSpec& spec,
                                 std::uint64_t local);

// Whether an ngspice executable is on the PATH.
bool ngspice_available();

// Runs `ngspice -b netlist` (stdout and stderr to log_path, or to netlist + ".log" when empty) and
// returns the wall time it took [s]. Throws IoError when ngspice is missing, exits with an error,
// or its log reports an error ("timestep too small", a parse error).
double run_ngspice(const std::string& netlist_path, const std::string& log_path = "");

}  // namespace spinhop
