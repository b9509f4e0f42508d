#include "cpu_network.hpp"

#include <algorithm>

namespace spinhop {

// What a step of the Extras path needs to draw thermal kicks.
struct KickContext {
  TrialKey key;
  long long step;
  double scale;  // rms kick of this step [m]; 0 = no noise
};

namespace {

// Device parameters with the nominal/varied choice made at compile time. Same values as
// device_at().
template <class Real, bool Varied>
inline DeviceParams<Real> params_at(const NetworkView<Real>& v, int d, bool is_soma) {
  if constexpr (Varied) {
    return device_at(v, d, is_soma);
  } else {
    return is_soma ? v.soma_nominal : v.axon_nominal;
  }
}

// Velocity as the step sees it: plain (fast path) or with the depinning threshold.
template <class Real, bool Extras>
inline Real velocity(const DeviceParams<Real>& p, Real v_track) {
  if constexpr (Extras) {
    return wall_velocity_pinned(p, v_track);
  } else {
    return wall_velocity(p, v_track);
  }
}

// Moves one wall by one step of dt; thermal kick on the Extras path.
template <class Real, bool Extras>
inline Real step_wall(const DeviceParams<Real>& p, Real x, Real v_track, Real dt,
                      const KickContext& k, int d) {
  const Real v = velocity<Real, Extras>(p, v_track);
  if constexpr (Extras) {
    const Real kick = thermal_kick(p, x, v_track, v, k.key, d, k.step, k.scale);
    return wall_advance_kicked(p, x, v, dt, kick);
  } else {
    (void)k;
    (void)d;
    return wall_advance(p, x, v, dt);
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
        leak(v.axon_nominal.leak), v_pin(v.axon_nominal.v_pin) {}
  Real g_ap, dg, x_lo, inv_w, len, kg, leak, v_pin;
};

template <class Real>
struct AxonParams<Real, true> {
  explicit AxonParams(const NetworkView<Real>& v)
      : g_ap(v.g_ap), dg(v.dg), x_lo(v.x_lo), inv_w(v.inv_w), len(v.len), kg(v.kg), leak(v.leak),
        v_pin(v.v_pin) {}
  const Real *g_ap, *dg, *x_lo, *inv_w, *len, *kg, *leak, *v_pin;
};

// Copies an AxonParams into locals; SPINHOP_AXON_AT(d) then assembles device d's parameters.
#define SPINHOP_AXON_LOCALS(ap)                   \
  [[maybe_unused]] const auto g_ap_ = ap.g_ap;    \
  [[maybe_unused]] const auto dg_ = ap.dg;        \
  [[maybe_unused]] const auto x_lo_ = ap.x_lo;    \
  [[maybe_unused]] const auto inv_w_ = ap.inv_w;  \
  [[maybe_unused]] const auto len_ = ap.len;      \
  [[maybe_unused]] const auto kg_ = ap.kg;        \
  [[maybe_unused]] const auto leak_ = ap.leak;    \
  [[maybe_unused]] const auto v_pin_ = ap.v_pin
template <class Real, bool Varied, class T>
inline DeviceParams<Real> assemble(T g_ap, T dg, T x_lo, T inv_w, T len, T kg, T leak, T v_pin,
                                   int d) {
  if constexpr (Varied) {
    return DeviceParams<Real>{g_ap[d], dg[d], x_lo[d], inv_w[d], len[d], kg[d], leak[d], v_pin[d]};
  } else {
    (void)d;
    return DeviceParams<Real>{g_ap, dg, x_lo, inv_w, len, kg, leak, v_pin};
  }
}
#define SPINHOP_AXON_AT(d) \
  assemble<Real, Varied>(g_ap_, dg_, x_lo_, inv_w_, len_, kg_, leak_, v_pin_, d)

// The two hot loops, over a run of axons [j0, j1) of one column.
template <class Real, bool Varied, bool Extras>
void scan_axons(const AxonParams<Real, Varied>& params, const Real* __restrict x,
                Real* __restrict speed, int base, int j0, int j1, Real vb, Real v_tol) {
  SPINHOP_AXON_LOCALS(params);
  for (int j = j0; j < j1; ++j) {
    const DeviceParams<Real> p = SPINHOP_AXON_AT(base + j);
    const Real v = velocity<Real, Extras>(p, vb);
    speed[j] = hd::max_(speed[j], wall_motion_speed(p, x[base + j], v, v_tol));
  }
}

template <class Real, bool Varied, bool Extras, bool Move>
void advance_axons(const AxonParams<Real, Varied>& params, const Real* __restrict x,
                   Real* __restrict xn, const Real* __restrict w, Real* __restrict sg,
                   Real* __restrict sgw, Real* __restrict sgww, int base, int j0, int j1, Real vb,
                   Real dt, const KickContext& kick) {
  SPINHOP_AXON_LOCALS(params);
  for (int j = j0; j < j1; ++j) {
    const int d = base + j;
    const DeviceParams<Real> p = SPINHOP_AXON_AT(d);
    Real xj = x[d];
    if constexpr (Move) {
      xj = step_wall<Real, Extras>(p, xj, vb, dt, kick, d);
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
  key_ = spec.key_of(local);
  const TrialKey key = key_;
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
  std::vector<Real>* params[8] = {&g_ap_, &dg_, &x_lo_, &inv_w_, &len_, &kg_, &leak_, &v_pin_};
  if (per_device) {
    for (auto* a : params) a->resize(nn);
  }
  g_m_.resize(nn);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const std::size_t d = static_cast<std::size_t>(i) * n + j;
      w_[d] = static_cast<Real>(device_w(spec, key, local, i, j, words_[i], words_[j]));
      const PhysicalDevice phys = device_physical(spec, key, i, j);
      g_m_[d] = 1.0 / phys.r_m;
      if (per_device) {
        const DeviceParams<Real> p = integrator_params<Real>(phys, spec.k_prefactor, spec.integ.i_depin);
        const Real fields[8] = {p.g_ap, p.dg, p.x_lo, p.inv_w, p.len, p.kg, p.leak, p.v_pin};
        for (int q = 0; q < 8; ++q) (*params[q])[d] = fields[q];
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
    v.v_pin = v_pin_.data();
  }
  v.soma_nominal = integrator_params<Real>(spec.soma, spec.k_prefactor, spec.integ.i_depin);
  v.axon_nominal = integrator_params<Real>(spec.axon, spec.k_prefactor, spec.integ.i_depin);
  view_ = v;
}

// Pass A: the fastest moving wall at the current state (0 if none moves). Column i is split
// around its soma (row i) so the inner loops run over axons only.
template <class Real>
template <bool Varied, bool Extras>
Real CpuNetwork<Real>::scan_motion(Real v_tol) {
  const int n = n_;
  const Real* x = x_[cur_].data();
  Real* speed = speed_.data();
  std::fill(speed_.begin(), speed_.end(), Real(0));
  const AxonParams<Real, Varied> axons(view_);
  for (int i = 0; i < n; ++i) {
    const int base = i * n;
    const Real vb = v_bus_[i];
    scan_axons<Real, Varied, Extras>(axons, x, speed, base, 0, i, vb, v_tol);
    const DeviceParams<Real> ps = params_at<Real, Varied>(view_, base + i, true);
    const Real vs = velocity<Real, Extras>(ps, v_dend_[i]);
    speed[i] = hd::max_(speed[i], wall_motion_speed(ps, x[base + i], vs, v_tol));
    scan_axons<Real, Varied, Extras>(axons, x, speed, base, i + 1, n, vb, v_tol);
  }
  Real vmax = 0;
  for (int j = 0; j < n; ++j) vmax = hd::max_(vmax, speed[j]);
  return vmax;
}

// Pass B: move every wall by one step of dt (Move = false: stay, just refresh), then recompute
// every MTJ conductance and the dendrite row sums at the new positions.
template <class Real>
template <bool Varied, bool Extras, bool Move>
void CpuNetwork<Real>::advance_and_sum(Real dt, const KickContext& kick) {
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
    advance_axons<Real, Varied, Extras, Move>(axons, x, xn, w, sg, sgw, sgww, base, 0, i, vb, dt,
                                              kick);
    {  // the soma of neuron i, driven by its own dendrite
      const int d = base + i;
      const DeviceParams<Real> p = params_at<Real, Varied>(view_, d, true);
      Real xi = x[d];
      if constexpr (Move) {
        xi = step_wall<Real, Extras>(p, xi, v_dend_[i], dt, kick, d);
        xn[d] = xi;
      }
      DendriteSums<Real> s{sg[i], sgw[i], sgww[i]};
      dendrite_accumulate(s, mtj_conductance(p, xi), w[d], true);
      sg[i] = s.g;
      sgw[i] = s.gw;
      sgww[i] = s.gww;
    }
    advance_axons<Real, Varied, Extras, Move>(axons, x, xn, w, sg, sgw, sgww, base, i + 1, n, vb,
                                              dt, kick);
  }
  if constexpr (Move) cur_ = 1 - cur_;
  const Real* xs = x_[cur_].data();
  for (int j = 0; j < n; ++j) {
    const int d = j * n + j;
    g_soma_[j] = mtj_conductance(params_at<Real, Varied>(view_, d, true), xs[d]);
  }
}

template <class Real>
void CpuNetwork<Real>::solve_nodes(bool loading) {
  for (int j = 0; j < n_; ++j) {
    const DendriteSums<Real> s{sum_g_[j], sum_gw_[j], sum_gww_[j]};
    power_[j] = neuron_nodes(view_, j, s, g_soma_[j], loading, &v_bus_[j], &v_dend_[j]);
  }
}

// When the last wall stopped inside the previous step (positions x_prev, node voltages *_prev).
template <class Real>
template <bool Varied, bool Extras>
double CpuNetwork<Real>::last_motion_time(double dt, Real v_tol) const {
  const int n = n_;
  const Real* x = x_[1 - cur_].data();
  double last = 0.0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const bool soma = j == i;
      const int d = i * n + j;
      const DeviceParams<Real> p = params_at<Real, Varied>(view_, d, soma);
      const Real v = velocity<Real, Extras>(p, soma ? v_dend_prev_[j] : v_bus_prev_[i]);
      last = hd::max_(last, wall_motion_time(p, x[d], v, v_tol, dt));
    }
  }
  return last;
}

template <class Real>
template <bool Varied, bool Extras>
NetworkOutcome CpuNetwork<Real>::run(const PointSpec& spec, std::uint64_t* state_words,
                                     std::uint64_t* undecided_words) {
  const IntegratorConsts& c = spec.integ;
  const Real v_tol = static_cast<Real>(c.v_tol);
  TimeLine tl;
  NetworkOutcome out;
  KickContext kick{key_, 0, 0.0};
  advance_and_sum<Varied, Extras, false>(Real(0), kick);
  solve_nodes(true);
  auto observe = [&] {
    if (observer_ == nullptr) return;
    double p = 0.0;
    for (int j = 0; j < n_; ++j) p += power_[j];
    observer_->on_step(tl.t, tl.phase, x_[cur_].data(), v_dend_.data(), n_, p);
  };
  observe();
  for (;;) {
    const double vmax = static_cast<double>(scan_motion<Varied, Extras>(v_tol));
    const StepDecision decision = decide_step(c, tl, vmax);
    if (decision == StepDecision::Converged) {
      const double last =
          tl.prev_step_relaxing ? last_motion_time<Varied, Extras>(tl.dt_prev, v_tol) : 0.0;
      out.t_solution = solution_time(tl, last);
      if (tl.prev_step_relaxing) {
        for (int j = 0; j < n_; ++j) energy_[j] = energy_[j] - power_prev_[j] * (tl.dt_prev - last);
      }
      out.converged = 1;
      break;
    }
    if (decision == StepDecision::SwitchOff) {
      switch_off_inputs(tl);
      solve_nodes(false);
      observe();
      continue;
    }
    if (decision == StepDecision::TimedOut) {
      out.t_solution = tl.t;
      out.converged = 0;
      break;
    }
    const double dt = step_length(c, tl, vmax);
    for (int j = 0; j < n_; ++j) energy_[j] = energy_[j] + power_[j] * dt;
    std::swap(power_, power_prev_);
    v_bus_prev_ = v_bus_;
    v_dend_prev_ = v_dend_;
    if constexpr (Extras) {
      kick.step = tl.steps;
      kick.scale = thermal_kick_scale(c, dt);
    }
    advance_and_sum<Varied, Extras, true>(static_cast<Real>(dt), kick);
    finish_step(c, tl, dt);
    solve_nodes(tl.phase == kLoading);
    observe();
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
  const bool extras = spec.integ.extras();
  if (view_.varied()) {
    return extras ? run<true, true>(spec, state_words, undecided_words)
                  : run<true, false>(spec, state_words, undecided_words);
  }
  return extras ? run<false, true>(spec, state_words, undecided_words)
                : run<false, false>(spec, state_words, undecided_words);
}

template class CpuNetwork<float>;
template class CpuNetwork<double>;

}  // namespace spinhop
