#include "spinhop/runner.hpp"

#include <thread>

#include "run/worker_pool.hpp"
#include "spinhop/cancel.hpp"
#include "spinhop/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <utility>

namespace spinhop {

PointSpec make_point_spec(const ModelParams& m, const VariationSigmas& sigma, const TaskSpec& task,
                          std::uint64_t seed, std::uint64_t trial_base, bool force_per_device) {
  PointSpec s;
  s.task = task;
  s.soma = m.physical_soma();
  s.axon = m.physical_axon();
  s.k_prefactor = m.k_prefactor();
  s.v_dw = m.v_dw_for(task.n);
  s.v_c = m.v_c;
  s.sigma = sigma;
  s.integ.scheme = static_cast<int>(m.effective_integrator() == Integrator::Rk23 ? SchemeId::Bs3
                                                                                : SchemeId::Euler);
  s.integ.rtol = m.rtol;
  s.integ.atol = m.atol;
  s.integ.dx_max = m.step_dx_max();
  s.integ.dt_max = m.step_dt_max();
  s.integ.v_tol = m.stop_speed();
  s.integ.t_max = m.give_up_time();
  s.integ.max_steps = m.max_steps;
  s.integ.stationary_load = m.load_mode == LoadMode::Stationary ? 1 : 0;
  s.integ.t_load = s.integ.stationary_load ? m.give_up_time() : m.charge_up_time();
  s.integ.diffusion = m.diffusion();
  s.integ.i_depin = m.i_depin;
  s.read_hi = m.read_hi;
  s.read_lo = m.read_lo;
  s.seed = seed;
  s.trial_base = trial_base;
  s.per_device = (force_per_device || sigma.devices_varied()) ? 1 : 0;
  return s;
}

volatile std::sig_atomic_t& cancel_request() {
  static volatile std::sig_atomic_t flag = 0;
  return flag;
}

namespace {

// Scores one trial: the task's view of the device network's read-out and, optionally, of the
// ideal Hopfield network run on the same circuit.
void score_trial(const Task& task, const PointSpec& spec, const PaperEnergyModel& paper,
                 const RunOptions& opt, std::uint64_t point, std::uint64_t local,
                 const NetworkOutcome& outcome, const std::uint64_t* state,
                 const std::uint64_t* undecided, TrialRecord& rec, std::uint64_t* input_words) {
  rec.point = point;
  rec.trial = local;
  rec.outcome = outcome;
  rec.energy_paper = paper.energy(outcome.t_solution);
  rec.score = task.score(spec, local, state, undecided);
  if (spec.sigma.importance) {
    rec.log_weight = die_log_weight(spec.sigma, spec.key_of(local));
    die_normals(spec.sigma, spec.key_of(local), rec.die_z);
  }
  // a trial that reached t_max has no answer yet: it is read out (readout_success) but it does
  // not succeed
  rec.score.readout_success = rec.score.success;
  if (!outcome.converged) rec.score.success = 0;
  const int n = spec.task.n;
  const int words = (n + 63) / 64;
  const TrialCircuit c = rebuild_circuit(spec, local);
  for (int w = 0; w < words; ++w) input_words[w] = 0;
  for (int j = 0; j < n; ++j) {
    if (c.input[static_cast<std::size_t>(j)]) input_words[j >> 6] |= std::uint64_t{1} << (j & 63);
  }
  if (!opt.hopfield) return;
  const IdealNetwork ideal = task.ideal_network(c, spec, local);
  const HopfieldResult h = run_hopfield(ideal.n, ideal.w, ideal.input, opt.hopfield_states,
                                        spec.key_of(local), 1000, ideal.fields);
  // neurons beyond the ideal network's (a bias neuron) read as the device's
  std::vector<std::uint64_t> hs(state, state + words), none(static_cast<std::size_t>(words), 0);
  for (int j = 0; j < ideal.n; ++j) {
    const std::uint64_t bit = std::uint64_t{1} << (j & 63);
    hs[static_cast<std::size_t>(j >> 6)] = h.state[static_cast<std::size_t>(j)]
                                               ? (hs[static_cast<std::size_t>(j >> 6)] | bit)
                                               : (hs[static_cast<std::size_t>(j >> 6)] & ~bit);
  }
  const TrialScore hscore = task.score(spec, local, hs.data(), none.data());
  rec.score.hopfield_success = hscore.success;
  rec.score.hopfield_accuracy = hscore.bit_accuracy;
  rec.score.hopfield_cut = hscore.cut;
  bool same = true, inverse = ideal.inverse_equal;
  for (int j = 0; j < ideal.n; ++j) {
    const bool dev = test_bit(state, j), ide = h.state[static_cast<std::size_t>(j)] != 0;
    if (test_bit(undecided, j)) same = inverse = false;
    same = same && dev == ide;
    inverse = inverse && dev != ide;
  }
  same = same || inverse;
  rec.score.hopfield_agrees = same ? 1 : 0;
}

}  // namespace

void run_point(Backend& backend, const Task& task, const ModelParams& model,
               const PointSpec& spec, std::uint64_t point, const RunOptions& opt,
               const std::function<void(const ScoredBatch&)>& on_batch) {
  const std::uint64_t batch = opt.batch > 0 ? opt.batch : backend.preferred_batch(spec.task.n);
  const PaperEnergyModel paper = paper_energy_model(model, spec.task.n, spec.v_dw);
  int threads = opt.score_threads;
  threads = worker_threads(std::max(threads, 0));
  WorkerPool scorers(threads);
  // the m-th trial of this run's sequence is first + m * stride
  const std::uint64_t stride = std::max<std::uint64_t>(opt.stride, 1);
  const std::uint64_t total =
      opt.first < opt.trials ? (opt.trials - opt.first + stride - 1) / stride : 0;
  std::deque<std::pair<std::uint64_t, std::uint64_t>> in_flight;  // (first trial, count)
  std::uint64_t next = opt.skip;
  ScoredBatch sb;
  while (next < total || !in_flight.empty()) {
    while (next < total && static_cast<int>(in_flight.size()) < backend.max_in_flight()) {
      const std::uint64_t count = std::min(batch, total - next);
      const std::uint64_t first_trial = opt.first + next * stride;
      backend.submit(spec, opt.precision, first_trial, count, stride);
      in_flight.emplace_back(first_trial, count);
      next += count;
    }
    // plain variables, not a structured binding: C++17 lambdas cannot capture one (clang)
    const std::uint64_t first = in_flight.front().first, count = in_flight.front().second;
    in_flight.pop_front();
    backend.collect(sb.outcome);
    // a stop request ended the batch's trials early: they are dropped, not committed
    if (cancel_requested()) throw Interrupted("stopped inside a batch");
    for (std::uint64_t k = 0; k < count; ++k) {
      const NetworkOutcome& o = sb.outcome.trials[k];
      if (!o.converged && o.t_solution < spec.integ.t_max && static_cast<double>(o.steps) >= spec.integ.max_steps) {
        char why[320];
        std::snprintf(why, sizeof why,
                      "trial %llu of point %llu used its whole step budget (--max-steps %.0f) by t = %g s "
                      "of t_max = %g s: the step limits (--dt-max, --dx-max) or the noise (--temperature) "
                      "make it endless; raise --max-steps if that many steps are meant",
                      static_cast<unsigned long long>(first + k * stride), static_cast<unsigned long long>(point),
                      spec.integ.max_steps, o.t_solution, spec.integ.t_max);
        throw ParameterError(why);
      }
    }
    sb.first = first;
    sb.records.resize(count);
    sb.inputs.assign(count * static_cast<std::size_t>(sb.outcome.words), 0);
    scorers.parallel_for(count, [&](int, std::uint64_t k) {
      const std::size_t off = static_cast<std::size_t>(k) * sb.outcome.words;
      score_trial(task, spec, paper, opt, point, first + k * stride, sb.outcome.trials[k],
                  &sb.outcome.state[off], &sb.outcome.undecided[off], sb.records[k],
                  &sb.inputs[off]);
    });
    on_batch(sb);
  }
}

}  // namespace spinhop
