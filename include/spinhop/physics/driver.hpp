// The driver of one trial: the time line (model.md section 3) written once for every backend.
//
// A backend supplies a network policy `Net` that owns the storage and the loops over devices (the
// CPU's vectorised column loops, the CUDA kernels' thread per row, the collapsed variants for
// nominal networks); the driver decides everything that sets a number: when to step, how long,
// the energy bookkeeping, switch-off, convergence, time to solution. A policy provides:
//
//   void refresh();                      conductances and dendrite row sums at the positions
//   void solve_nodes(bool loading);      every neuron's node voltages and source power
//   double fastest_wall();               the fastest moving wall's speed (0: none moves) [m/s]
//   void step(const StepContext&);       move every wall, track the end of motion, refresh
//   double last_motion();                when the walls stopped inside the last step [s]
//   template <class F> void each_row(F); f(RowEnergy&) for every neuron it owns
//   double total_energy();               sum of the rows' energies in row order [J]
//   void observe(const TimeLine&);       waveform hook (no-op where there is none)
#pragma once

#include "spinhop/physics/outcome.hpp"
#include "spinhop/physics/timeline.hpp"

namespace spinhop {

// One neuron's share of the exact energy: the power of its sources now and at the start of the
// last step, and the energy delivered so far (model.md section 5). [W], [W], [J]
struct RowEnergy {
  double power = 0.0;
  double power_prev = 0.0;
  double energy = 0.0;
};

// What a step needs besides the network: its length, its index (the thermal-noise counter) and
// the rms thermal kick (0 without noise).
struct StepContext {
  double dt;          // [s]
  long long index;
  double kick_scale;  // [m]
};

template <class Net>
SPINHOP_HD NetworkOutcome integrate_trial(Net& net, const IntegratorConsts& c) {
  TimeLine tl;
  NetworkOutcome out;
  net.refresh();
  net.solve_nodes(true);
  net.observe(tl);
  for (;;) {
    const double vmax = net.fastest_wall();
    const StepDecision decision = decide_step(c, tl, vmax);
    if (decision == StepDecision::Converged) {
      // the walls stopped inside the last step: time to solution and energy end there
      const bool inside = tl.prev_step_relaxing != 0;
      const double last = inside ? net.last_motion() : 0.0;
      out.t_solution = solution_time(tl, last);
      if (inside) {
        const double cut = tl.dt_prev - last;
        net.each_row([&](RowEnergy& r) { r.energy = r.energy - r.power_prev * cut; });
      }
      out.converged = 1;
      break;
    }
    if (decision == StepDecision::SwitchOff) {
      switch_off_inputs(tl);
      net.solve_nodes(false);
      net.observe(tl);
      continue;
    }
    if (decision == StepDecision::TimedOut) {
      out.t_solution = tl.t;
      out.converged = 0;
      break;
    }
    const double dt = step_length(c, tl, vmax);
    // left sum: the power at the start of the step over the whole step
    net.each_row([&](RowEnergy& r) {
      r.energy = r.energy + r.power * dt;
      r.power_prev = r.power;
    });
    net.step(StepContext{dt, tl.steps, c.extras() ? thermal_kick_scale(c, dt) : 0.0});
    finish_step(c, tl, dt);
    net.solve_nodes(tl.phase == kLoading);
    net.observe(tl);
  }
  out.t_switch = tl.t_switch;
  out.steps = tl.steps;
  out.energy = net.total_energy();
  return out;
}

}  // namespace spinhop
