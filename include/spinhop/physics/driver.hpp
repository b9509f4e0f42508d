// The driver of one trial: the time line (model.md section 3) and the integrator written once for
// every backend.
//
// A backend supplies a network policy `Net` that owns the storage and the loops over devices (the
// CPU's vectorised column loops, the CUDA kernels' thread per row, the collapsed variants for
// nominal networks); the driver decides everything that sets a number: when to step, how long,
// the stages and their error, the energy quadrature, switch-off, convergence, time to solution.
// A policy provides (Real = its working precision, NeuronState<Real> its per-neuron state):
//
//   void refresh();                       conductances and dendrite row sums at the positions
//   void solve_nodes(bool loading, int s) every neuron's node voltages and power into stage s
//   Scan scan();                          fastest moving wall, first kink ahead, free somas
//   void stage(int s, double h, const Scheme&, const StepNoise&)
//                                          the conductances and row sums at stage s of a step of
//                                          h (positions X + h * the stage's mean velocity)
//   void accept(double h, const Scheme&, const StepNoise&)
//                                          the last stage becomes the state: its positions, and
//                                          its node voltages and power become stage 0
//   double departure(double h, const Scheme&, const IntegratorConsts&)
//                                          walls pinned at a track end that leave it in the step
//                                          just evaluated (stage.hpp, departure()): corrects
//                                          their end positions (or has accept() do it), returns
//                                          the earliest one that needs the step cut [s]
//   double last_motion();                 when the walls stopped inside the last step [s]
//   template <class F> void each_row(F);  f(j, NeuronState&) for every neuron it owns
//   template <class T, class F> T max_rows(F);  the maximum over neurons of f(j, NeuronState&)
//   double total_energy();                sum of the neurons' energies in neuron order [J]
//   void observe(const TimeLine&);        waveform hook (no-op where there is none)
#pragma once

#include "spinhop/physics/outcome.hpp"
#include "spinhop/physics/timeline.hpp"

namespace spinhop {

// One neuron's share of the integration: its two node voltages and its source power at every
// stage of the current step, its energy, the combined node voltages of the stage being evaluated
// (after a step: the step's mean), and the scales of its error control.
template <class Real>
struct NeuronState {
  Real v_bus[kMaxStages] = {};   // axon bus voltage [V]
  Real v_dend[kMaxStages] = {};  // dendrite voltage [V]
  double power[kMaxStages] = {}; // power of the neuron's sources [W]
  double energy = 0.0;           // delivered since the start of loading [J]
  Real vc_bus = Real(0), vc_dend = Real(0);  // combined node voltages of a stage [V]
  // error scales: the bus's axons (largest k/R_M of them, their nominal leak) and the soma
  Real kg_bus = Real(0), leak_bus = Real(0), kg_soma = Real(0), leak_soma = Real(0);
  // the bus voltages at which one of its axons stalls (-leak/k per axon): a pinned axon can
  // only leave its track end in a step whose bus voltage passes through this range [V]
  Real stall_lo = Real(0), stall_hi = Real(0);
  int soma_free = 0;             // the soma is not pinned at the start of the step
};

// Stage s's combination of the node voltages of stages 0..s-1 with the scheme's weights a[s].
template <class Real>
SPINHOP_HD Real combine_stages(const Scheme& sc, int s, const Real* v) {
  Real acc = Real(0);
  for (int k = 0; k < s; ++k) acc = hd::fma_(static_cast<Real>(sc.a[s][k]), v[k], acc);
  return acc;
}

// Power below which a neuron's energy error is measured in absolute terms (networks draw mW). [W]
constexpr double kPowerFloor = 1e-9;

// The error ratio of one neuron after the stages of a step (<= 1: within tolerance), as an error
// per unit step: for the walls of its axon bus and its soma (if free or leaving its end), the
// difference between the 3rd- and 2nd-order displacements divided by the step,
// k/R_M |sum_k e_k V_k| [m/s], against atol + rtol |mean velocity| [m/s], so a wall's position
// error grows by at most rtol x its displacement + atol x the step (after a time T, about
// rtol x the path + atol x T); and for its source power, the two quadratures' difference
// against rtol x the power.
template <class Real>
SPINHOP_HD double error_ratio(const Scheme& sc, const IntegratorConsts& c, const NeuronState<Real>& r) {
  double d_bus = 0.0, d_dend = 0.0;
  for (int k = 0; k < sc.stages; ++k) {
    d_bus = d_bus + sc.e[k] * static_cast<double>(r.v_bus[k]);
    d_dend = d_dend + sc.e[k] * static_cast<double>(r.v_dend[k]);
  }
  const double kb = static_cast<double>(r.kg_bus), ks = static_cast<double>(r.kg_soma);
  const double v_bus = kb * static_cast<double>(r.vc_bus) + static_cast<double>(r.leak_bus);
  const double v_soma = ks * static_cast<double>(r.vc_dend) + static_cast<double>(r.leak_soma);
  const double bus = hd::abs_(kb * d_bus) / (c.atol + c.rtol * hd::abs_(v_bus));
  // a pinned soma counts from the step in which it leaves its end (its departure is corrected
  // from the node voltages' course over the step, which must then be resolved too)
  const int last = sc.stages - 1;
  const double ls = static_cast<double>(r.leak_soma);
  const bool leaves = (ks * static_cast<double>(r.v_dend[0]) + ls) * (ks * static_cast<double>(r.v_dend[last]) + ls) < 0.0;
  const double soma = (r.soma_free || leaves) ? hd::abs_(ks * d_dend) / (c.atol + c.rtol * hd::abs_(v_soma)) : 0.0;
  // and the neuron's source power, whose integral is the energy: the same stages' two
  // quadratures within rtol of the power (a kink in it that no wall's error shows, e.g. an axon
  // leaving its MTJ window onto a pinned soma's dendrite, would otherwise go over unresolved)
  double d_p = 0.0, p = 0.0;
  for (int k = 0; k < sc.stages; ++k) {
    d_p = d_p + sc.e[k] * r.power[k];
    p = p + sc.b_energy[k] * r.power[k];
  }
  const double energy = hd::abs_(d_p) / (c.rtol * (hd::abs_(p) + kPowerFloor));
  return hd::max_(hd::max_(bus, soma), energy);
}

// Steps shorter than this are taken whatever their error (a tolerance below what the arithmetic
// resolves must not stall a trial). [s]
constexpr double kMinStep = 1e-16;

// The thermal kicks of a step: its index (the noise stream's counter) and rms kick (0: none).
struct StepNoise {
  long long index;
  double kick_scale;  // [m]
};

// `cancel` (host code only; nullptr on a GPU): when it reads non-zero the trial ends where it is,
// within 64 steps, and its outcome means nothing (the caller drops it).
template <class Net>
SPINHOP_HD NetworkOutcome integrate_trial(Net& net, const IntegratorConsts& c,
                                          const volatile int* cancel = nullptr) {
  using Real = typename Net::RealType;
  using Row = NeuronState<Real>;
  const Scheme sc = scheme_of(c.scheme_id());
  const int last = sc.stages - 1;
  TimeLine tl;
  NetworkOutcome out;
  double h_ctrl = 0.0;  // the controller's proposal for the next step (0: none yet)
  net.refresh();
  net.solve_nodes(true, 0);
  net.observe(tl);
  for (;;) {
    if (cancel != nullptr && (tl.steps & 63) == 0 && *cancel != 0) {
      out.t_solution = tl.t;
      out.converged = 0;
      break;
    }
    const Scan scan = net.scan();
    const StepDecision decision = decide_step(c, tl, scan.vmax);
    if (decision == StepDecision::Converged) {
      // the walls stopped inside the last step: time to solution and energy end there; after
      // the end of motion the power is the end state's
      const bool inside = tl.prev_step_relaxing != 0;
      const double end = inside ? net.last_motion() : 0.0;
      out.t_solution = solution_time(tl, end);
      if (inside) {
        const double cut = tl.dt_prev - end;
        net.each_row([&](int, Row& r) { r.energy = r.energy - r.power[0] * cut; });
      }
      out.converged = 1;
      break;
    }
    if (decision == StepDecision::SwitchOff) {
      switch_off_inputs(tl);
      net.solve_nodes(false, 0);
      net.observe(tl);
      continue;
    }
    if (decision == StepDecision::TimedOut) {
      out.t_solution = tl.t;
      out.converged = 0;
      break;
    }
    const bool loading = tl.phase == kLoading;
    double h = step_length(c, tl, scan, sc.adaptive ? h_ctrl : 0.0);
    StepNoise noise{tl.steps, 0.0};
    bool rejected_now = false;
    for (;;) {
      if (c.diffusion > 0.0) noise.kick_scale = thermal_kick_scale(c, h);
      for (int s = 1; s < sc.stages; ++s) {
        net.each_row([&](int, Row& r) {
          r.vc_bus = combine_stages(sc, s, r.v_bus);
          r.vc_dend = combine_stages(sc, s, r.v_dend);
        });
        net.stage(s, h, sc, noise);
        net.solve_nodes(loading, s);
      }
      if (!sc.adaptive) break;
      const double err = net.template max_rows<double>([&](int, Row& r) { return error_ratio(sc, c, r); });
      if (err <= 1.0 || h <= kMinStep) {
        // pinned walls that leave their track end inside the step: a kink the error estimate
        // cannot see (both embedded solutions clamp alike). Their end positions are corrected
        // (stage.hpp, departure()); where that would change a conductance the step is cut to
        // end just past the departure instead (like a soma's kink ahead, but found after the
        // fact: the turn of the velocity is known only once the step's end is)
        if (!c.extras()) {
          const double t_dep = net.departure(h, sc, c);
          if (h > kMinStep && t_dep * (1.0 + 1e-3) < h) {
            h = hd::max_(t_dep * (1.0 + 1e-3), kMinStep);
            ++out.rejected;
            continue;
          }
        }
        // no growth right after a rejection: the step that just failed is the evidence
        h_ctrl = rejected_now ? hd::min_(h, next_step(sc, h, err)) : next_step(sc, h, err);
        break;
      }
      h = hd::max_(next_step(sc, h, err), kMinStep);
      rejected_now = true;
      ++out.rejected;
    }
    // the energy by the scheme's quadrature of the stages' power
    net.each_row([&](int, Row& r) {
      double p = 0.0;
      for (int k = 0; k < last; ++k) p = p + sc.b_energy[k] * r.power[k];
      r.energy = r.energy + h * p;
    });
    net.accept(h, sc, noise);
    finish_step(c, tl, h);
    if (loading && tl.phase == kRelaxing) net.solve_nodes(false, 0);  // the inputs went off
    net.observe(tl);
  }
  out.t_switch = tl.t_switch;
  out.steps = tl.steps;
  out.energy = net.total_energy();
  return out;
}

}  // namespace spinhop
