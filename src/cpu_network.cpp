#include "cpu_network.hpp"

#include <algorithm>

namespace spinhop {

namespace {

// Device parameters with the nominal/varied choice made at compile time, so the inner loops over
// rows vectorise. Same values as device_at().
template <class Real, bool Varied>
inline DeviceParams<Real> params_at(const NetworkView<Real>& v, int d, bool is_soma) {
  if constexpr (Varied) {
    return DeviceParams<Real>{v.g_ap[d], v.dg[d], v.x_lo[d], v.inv_w[d],
                              v.len[d],  v.kg[d], v.leak[d]};
  } else {
    return is_soma ? v.soma_nominal : v.axon_nominal;
  }
}

// Axon parameters for the hot loops. Every field is a local scalar (nominal) or a local restrict
// pointer (varied), and DeviceParams is assembled field by field inside the loop: GCC does not
// vectorise a loop that copies a whole struct, nor one that loads through struct members.
template <class Real, bool Varied>
struct AxonParams {
  explicit AxonParams(const NetworkView<Real>& v)
      : g_ap(v.axon_nominal.g_ap), dg(v.axon_nominal.dg), x_lo(v.axon_nominal.x_lo),
        inv_w(v.axon_nominal.inv_w), len(v.axon_nominal.len), kg(v.axon_nominal.kg),
        leak(v.axon_nominal.leak) {}
  Real g_ap, dg, x_lo, inv_w, len, kg, leak;
};

template <class Real>
struct AxonParams<Real, true> {
  explicit AxonParams(const NetworkView<Real>& v)
      : g_ap(v.g_ap), dg(v.dg), x_lo(v.x_lo), inv_w(v.inv_w), len(v.len), kg(v.kg), leak(v.leak) {}
  const Real* g_ap;
  const Real* dg;
  const Real* x_lo;
  const Real* inv_w;
  const Real* len;
  const Real* kg;
  const Real* leak;
};

// Declares `p`, the parameters of device d, from locals copied out of an AxonParams `ap`.
#define SPINHOP_AXON_LOCALS(ap)                                                               \
  [[maybe_unused]] const auto g_ap_ = ap.g_ap;                                                \
  [[maybe_unused]] const auto dg_ = ap.dg;                                                    \
  [[maybe_unused]] const auto x_lo_ = ap.x_lo;                                                \
  [[maybe_unused]] const auto inv_w_ = ap.inv_w;                                              \
  [[maybe_unused]] const auto len_ = ap.len;                                                  \
  [[maybe_unused]] const auto kg_ = ap.kg;                                                    \
  [[maybe_unused]] const auto leak_ = ap.leak
template <class Real, bool Varied, class T>
inline DeviceParams<Real> assemble(T g_ap, T dg, T x_lo, T inv_w, T len, T kg, T leak, int d) {
  if constexpr (Varied) {
    return DeviceParams<Real>{g_ap[d], dg[d], x_lo[d], inv_w[d], len[d], kg[d], leak[d]};
  } else {
    (void)d;
    return DeviceParams<Real>{g_ap, dg, x_lo, inv_w, len, kg, leak};
  }
}
#define SPINHOP_AXON_AT(d) \
  assemble<Real, Varied>(g_ap_, dg_, x_lo_, inv_w_, len_, kg_, leak_, d)

// The two hot loops, over a run of axons [j0, j1) of one column.
template <class Real, bool Varied>
void scan_axons(const AxonParams<Real, Varied>& params, const Real* __restrict x,
                Real* __restrict speed, int base, int j0, int j1, Real vb, Real v_tol) {
  SPINHOP_AXON_LOCALS(params);
  for (int j = j0; j < j1; ++j) {
    const DeviceParams<Real> p = SPINHOP_AXON_AT(base + j);
    const Real v = wall_velocity(p, vb);
    speed[j] = hd::max_(speed[j], wall_motion_speed(p, x[base + j], v, v_tol));
  }
}

template <class Real, bool Varied, bool Move>
void advance_axons(const AxonParams<Real, Varied>& params, const Real* __restrict x,
                   Real* __restrict xn, const Real* __restrict w, Real* __restrict sg,
                   Real* __restrict sgw, Real* __restrict sgww, int base, int j0, int j1, Real vb,
                   Real dt) {
  SPINHOP_AXON_LOCALS(params);
  for (int j = j0; j < j1; ++j) {
    const int d = base + j;
    const DeviceParams<Real> p = SPINHOP_AXON_AT(d);
    Real xj = x[d];
    if constexpr (Move) {
      xj = wall_advance(p, xj, wall_velocity(p, vb), dt);
      xn[d] = xj;
    }
    DendriteSums<Real> s{sg[j], sgw[j], sgww[j]};
    dendrite_accumulate(s, mtj_conductance(p, xj), w[d], false);
    sg[j] = s.g;
    sgw[j] = s.gw;
    sgww[j] = s.gww;
  }
}

}  // namespace

template <class Real>
void CpuNetwork<Real>::build(const PointSpec& spec, std::uint64_t local) {
  const int n = spec.task.n;
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  n_ = n;
  cur_ = 0;
  const TrialKey key = spec.key_of(local);
  for (auto& x : x_) x.assign(nn, Real(0));
  w_.resize(nn);
  words_.resize(n);
  keys_.resize(n);
  v_dw_.resize(n);
  v_in_.resize(n);
  g_bus_.resize(n);
  g_soma_track_.resize(n);
  for (auto* a : {&sum_g_, &sum_gw_, &sum_gww_, &g_soma_, &speed_, &v_bus_, &v_dend_,
                  &v_bus_prev_, &v_dend_prev_}) {
    a->assign(n, Real(0));
  }
  for (auto* a : {&power_, &power_prev_, &energy_}) a->assign(n, 0.0);

  // neurons: pattern bits, distortion keys, inputs, sources
  for (int j = 0; j < n; ++j) words_[j] = pattern_word(spec.task, key, j);
  if (spec.task.kind == TaskKind::Images) {
    for (int j = 0; j < n; ++j) keys_[j] = distortion_key(key, j);
  }
  for (int j = 0; j < n; ++j) {
    const bool flipped = spec.task.kind == TaskKind::Images &&
                         pixel_flipped(keys_.data(), n, spec.task.flips, j);
    v_in_[j] = static_cast<Real>(neuron_v_in(spec, key, j, input_bit(spec.task, key, local, j,
                                                                     flipped)));
    v_dw_[j] = static_cast<Real>(neuron_v_dw(spec, key, j));
  }
  // devices: synapse sources and (with variation) own parameters
  const bool per_device = spec.per_device != 0;
  if (per_device) {
    for (auto* a : {&g_ap_, &dg_, &x_lo_, &inv_w_, &len_, &kg_, &leak_}) a->resize(nn);
  }
  g_m_.resize(nn);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const std::size_t d = static_cast<std::size_t>(i) * n + j;
      w_[d] = static_cast<Real>(device_w(spec, key, local, i, j, words_[i], words_[j]));
      const PhysicalDevice phys = device_physical(spec, key, i, j);
      g_m_[d] = 1.0 / phys.r_m;
      if (per_device) {
        const DeviceParams<Real> p = integrator_params<Real>(phys, spec.k_prefactor);
        g_ap_[d] = p.g_ap;
        dg_[d] = p.dg;
        x_lo_[d] = p.x_lo;
        inv_w_[d] = p.inv_w;
        len_[d] = p.len;
        kg_[d] = p.kg;
        leak_[d] = p.leak;
      }
    }
  }
  for (int i = 0; i < n; ++i) {
    g_bus_[i] = static_cast<Real>(
        axon_bus_conductance(n, i, [&](int d) { return g_m_[static_cast<std::size_t>(d)]; }));
    g_soma_track_[i] = static_cast<Real>(g_m_[static_cast<std::size_t>(i) * n + i]);
  }

  NetworkView<Real> v{};
  v.n = n;
  v.w = w_.data();
  v.v_dw = v_dw_.data();
  v.v_in = v_in_.data();
  v.g_bus = g_bus_.data();
  v.g_soma_track = g_soma_track_.data();
  if (per_device) {
    v.g_ap = g_ap_.data();
    v.dg = dg_.data();
    v.x_lo = x_lo_.data();
    v.inv_w = inv_w_.data();
    v.len = len_.data();
    v.kg = kg_.data();
    v.leak = leak_.data();
  }
  v.soma_nominal = integrator_params<Real>(spec.soma, spec.k_prefactor);
  v.axon_nominal = integrator_params<Real>(spec.axon, spec.k_prefactor);
  view_ = v;
}

// Pass A: the fastest moving wall at the current state (0 if none moves). Column i is split
// around its soma (row i) so the inner loops run over axons only.
template <class Real>
template <bool Varied>
Real CpuNetwork<Real>::scan_motion(Real v_tol) {
  const int n = n_;
  const Real* x = x_[cur_].data();
  Real* speed = speed_.data();
  std::fill(speed_.begin(), speed_.end(), Real(0));
  const AxonParams<Real, Varied> axons(view_);
  for (int i = 0; i < n; ++i) {
    const int base = i * n;
    const Real vb = v_bus_[i];
    scan_axons<Real, Varied>(axons, x, speed, base, 0, i, vb, v_tol);
    const DeviceParams<Real> ps = params_at<Real, Varied>(view_, base + i, true);
    const Real vs = wall_velocity(ps, v_dend_[i]);
    speed[i] = hd::max_(speed[i], wall_motion_speed(ps, x[base + i], vs, v_tol));
    scan_axons<Real, Varied>(axons, x, speed, base, i + 1, n, vb, v_tol);
  }
  Real vmax = 0;
  for (int j = 0; j < n; ++j) vmax = hd::max_(vmax, speed[j]);
  return vmax;
}

// Pass B: move every wall by one step of dt (Move = false: stay, just refresh), then recompute
// every MTJ conductance and the dendrite row sums at the new positions.
template <class Real>
template <bool Varied, bool Move>
void CpuNetwork<Real>::advance_and_sum(Real dt) {
  const int n = n_;
  const Real* x = x_[cur_].data();
  Real* xn = x_[Move ? 1 - cur_ : cur_].data();
  const Real* w = w_.data();
  Real* sg = sum_g_.data();
  Real* sgw = sum_gw_.data();
  Real* sgww = sum_gww_.data();
  std::fill(sum_g_.begin(), sum_g_.end(), Real(0));
  std::fill(sum_gw_.begin(), sum_gw_.end(), Real(0));
  std::fill(sum_gww_.begin(), sum_gww_.end(), Real(0));
  const AxonParams<Real, Varied> axons(view_);
  for (int i = 0; i < n; ++i) {
    const int base = i * n;
    const Real vb = v_bus_[i];
    advance_axons<Real, Varied, Move>(axons, x, xn, w, sg, sgw, sgww, base, 0, i, vb, dt);
    {  // the soma of neuron i, driven by its own dendrite
      const int d = base + i;
      const DeviceParams<Real> p = params_at<Real, Varied>(view_, d, true);
      Real xi = x[d];
      if constexpr (Move) {
        xi = wall_advance(p, xi, wall_velocity(p, v_dend_[i]), dt);
        xn[d] = xi;
      }
      DendriteSums<Real> s{sg[i], sgw[i], sgww[i]};
      dendrite_accumulate(s, mtj_conductance(p, xi), w[d], true);
      sg[i] = s.g;
      sgw[i] = s.gw;
      sgww[i] = s.gww;
    }
    advance_axons<Real, Varied, Move>(axons, x, xn, w, sg, sgw, sgww, base, i + 1, n, vb, dt);
  }
  if constexpr (Move) cur_ = 1 - cur_;
  const Real* xs = x_[cur_].data();
  for (int j = 0; j < n; ++j) {
    const int d = j * n + j;
    g_soma_[j] = mtj_conductance(params_at<Real, Varied>(view_, d, true), xs[d]);
  }
}

template <class Real>
template <bool Varied>
void CpuNetwork<Real>::solve_nodes(bool loading) {
  for (int j = 0; j < n_; ++j) {
    const DendriteSums<Real> s{sum_g_[j], sum_gw_[j], sum_gww_[j]};
    power_[j] = neuron_nodes(view_, j, s, g_soma_[j], loading, &v_bus_[j], &v_dend_[j]);
  }
}

// When the last wall stopped inside the previous step (positions x_prev, node voltages *_prev).
template <class Real>
template <bool Varied>
double CpuNetwork<Real>::last_motion_time(double dt, Real v_tol) const {
  const int n = n_;
  const Real* x = x_[1 - cur_].data();
  double last = 0.0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const bool soma = j == i;
      const int d = i * n + j;
      const DeviceParams<Real> p = params_at<Real, Varied>(view_, d, soma);
      const Real v = wall_velocity(p, soma ? v_dend_prev_[j] : v_bus_prev_[i]);
      last = hd::max_(last, wall_motion_time(p, x[d], v, v_tol, dt));
    }
  }
  return last;
}

template <class Real>
template <bool Varied>
NetworkOutcome CpuNetwork<Real>::run(const PointSpec& spec, std::uint64_t* state_words,
                                     std::uint64_t* undecided_words) {
  const IntegratorConsts& c = spec.integ;
  const Real v_tol = static_cast<Real>(c.v_tol);
  TimeLine tl;
  NetworkOutcome out;
  advance_and_sum<Varied, false>(Real(0));
  solve_nodes<Varied>(true);
  for (;;) {
    const double vmax = static_cast<double>(scan_motion<Varied>(v_tol));
    const StepDecision decision = decide_step(c, tl, vmax);
    if (decision == StepDecision::Converged) {
      const double last = tl.prev_step_relaxing ? last_motion_time<Varied>(tl.dt_prev, v_tol) : 0.0;
      out.t_solution = solution_time(tl, last);
      if (tl.prev_step_relaxing) {
        for (int j = 0; j < n_; ++j) energy_[j] = energy_[j] - power_prev_[j] * (tl.dt_prev - last);
      }
      out.converged = 1;
      break;
    }
    if (decision == StepDecision::SwitchOff) {
      switch_off_inputs(tl);
      solve_nodes<Varied>(false);
      continue;
    }
    if (decision == StepDecision::TimedOut) {
      out.t_solution = tl.t;
      out.converged = 0;
      break;
    }
    const double dt = step_length(c, tl, vmax);
    double total_power = 0.0;
    for (int j = 0; j < n_; ++j) {
      energy_[j] = energy_[j] + power_[j] * dt;
      total_power += power_[j];
    }
    std::swap(power_, power_prev_);
    v_bus_prev_ = v_bus_;
    v_dend_prev_ = v_dend_;
    advance_and_sum<Varied, true>(static_cast<Real>(dt));
    finish_step(c, tl, dt);
    solve_nodes<Varied>(tl.phase == kLoading);
    if (observer_ != nullptr) observer_->on_step(tl.t, tl.phase, x_[cur_].data(), n_, total_power);
  }
  out.t_switch = tl.t_switch;
  out.steps = tl.steps;
  double e = 0.0;
  for (int j = 0; j < n_; ++j) e = e + energy_[j];
  out.energy = e;
  // read-out of the somas
  const Real* x = x_[cur_].data();
  const int words = (n_ + 63) / 64;
  for (int k = 0; k < words; ++k) state_words[k] = undecided_words[k] = 0;
  int undecided = 0;
  for (int j = 0; j < n_; ++j) {
    const int d = j * n_ + j;
    const Real len = params_at<Real, Varied>(view_, d, true).len;
    const int bit = wall_readout(x[d], len, static_cast<Real>(spec.read_hi),
                                 static_cast<Real>(spec.read_lo));
    if (bit == 1) state_words[j >> 6] |= std::uint64_t{1} << (j & 63);
    if (bit < 0) {
      undecided_words[j >> 6] |= std::uint64_t{1} << (j & 63);
      ++undecided;
    }
  }
  out.undecided = undecided;
  return out;
}

template <class Real>
NetworkOutcome CpuNetwork<Real>::integrate(const PointSpec& spec, std::uint64_t* state_words,
                                           std::uint64_t* undecided_words) {
  if (view_.varied()) return run<true>(spec, state_words, undecided_words);
  return run<false>(spec, state_words, undecided_words);
}

template class CpuNetwork<float>;
template class CpuNetwork<double>;

}  // namespace spinhop
