#include "backends/cpu/cpu_network.hpp"

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

// Device parameters for the hot loops. Every field is a local scalar (nominal) or a local
// restrict pointer (varied), and DeviceParams is assembled field by field inside the loop: GCC
// does not vectorise a loop that copies a whole struct, nor one that loads through struct
// members. Nominal somas differ from nominal axons only in their leak.
template <class Real, bool Varied>
struct ColumnParams {
  explicit ColumnParams(const NetworkView<Real>& v)
      : g_ap(v.axon_nominal.g_ap), dg(v.axon_nominal.dg), x_lo(v.axon_nominal.x_lo),
        inv_w(v.axon_nominal.inv_w), len(v.axon_nominal.len), kg(v.axon_nominal.kg),
        leak(v.axon_nominal.leak), v_pin(v.axon_nominal.v_pin), soma_leak(v.soma_nominal.leak) {}
  Real g_ap, dg, x_lo, inv_w, len, kg, leak, v_pin, soma_leak;
};

template <class Real>
struct ColumnParams<Real, true> {
  explicit ColumnParams(const NetworkView<Real>& v)
      : g_ap(v.g_ap), dg(v.dg), x_lo(v.x_lo), inv_w(v.inv_w), len(v.len), kg(v.kg), leak(v.leak),
        v_pin(v.v_pin), soma_leak(v.leak) {}
  const Real *g_ap, *dg, *x_lo, *inv_w, *len, *kg, *leak, *v_pin, *soma_leak;
};

// Copies a ColumnParams into locals; SPINHOP_DEVICE_AT(d, soma) then assembles the parameters of
// storage slot d.
#define SPINHOP_COLUMN_LOCALS(cp)                    \
  [[maybe_unused]] const auto g_ap_ = cp.g_ap;       \
  [[maybe_unused]] const auto dg_ = cp.dg;           \
  [[maybe_unused]] const auto x_lo_ = cp.x_lo;       \
  [[maybe_unused]] const auto inv_w_ = cp.inv_w;     \
  [[maybe_unused]] const auto len_ = cp.len;         \
  [[maybe_unused]] const auto kg_ = cp.kg;           \
  [[maybe_unused]] const auto leak_ = cp.leak;       \
  [[maybe_unused]] const auto v_pin_ = cp.v_pin;     \
  [[maybe_unused]] const auto soma_leak_ = cp.soma_leak
template <class Real, bool Varied, class T>
inline DeviceParams<Real> assemble(T g_ap, T dg, T x_lo, T inv_w, T len, T kg, T leak, T v_pin,
                                   T soma_leak, int d, bool soma) {
  if constexpr (Varied) {
    (void)soma_leak;
    (void)soma;
    return DeviceParams<Real>{g_ap[d], dg[d], x_lo[d], inv_w[d], len[d], kg[d], leak[d], v_pin[d]};
  } else {
    (void)d;
    return DeviceParams<Real>{g_ap, dg, x_lo, inv_w, len, kg, soma ? soma_leak : leak, v_pin};
  }
}
#define SPINHOP_DEVICE_AT(d, soma) \
  assemble<Real, Varied>(g_ap_, dg_, x_lo_, inv_w_, len_, kg_, leak_, v_pin_, soma_leak_, d, soma)

// Pass A over one padded column: every row's wall speed, the soma (row i) driven by its own
// dendrite and every other row by the axon bus. One loop of a multiple of 8 rows, no remainder.
template <class Real, bool Varied, bool Extras>
void scan_column(const ColumnParams<Real, Varied>& cp, const Real* __restrict x,
                 const Real* __restrict v_dend, Real* __restrict speed, int base, int rows, int i,
                 Real vb, Real v_tol) {
  SPINHOP_COLUMN_LOCALS(cp);
  for (int j = 0; j < rows; ++j) {
    const bool soma = j == i;
    const DeviceParams<Real> p = SPINHOP_DEVICE_AT(base + j, soma);
    const Real v = velocity<Real, Extras>(p, soma ? v_dend[j] : vb);
    speed[j] = hd::max_(speed[j], wall_motion_speed(p, x[base + j], v, v_tol));
  }
}

// Pass B over one padded column: move (Move), recompute the MTJ conductances, accumulate the
// dendrite row sums. canonical = i * n, the device index the random streams use.
template <class Real, bool Varied, bool Extras, bool Move>
void advance_column(const ColumnParams<Real, Varied>& cp, const Real* __restrict x,
                    Real* __restrict xn, const Real* __restrict w, const Real* __restrict v_dend,
                    Real* __restrict sg, Real* __restrict sgw, Real* __restrict sgww, int base,
                    int rows, int i, int canonical, Real vb, Real dt, const KickContext& kick) {
  SPINHOP_COLUMN_LOCALS(cp);
  for (int j = 0; j < rows; ++j) {
    const bool soma = j == i;
    const int d = base + j;
    const DeviceParams<Real> p = SPINHOP_DEVICE_AT(d, soma);
    Real xj = x[d];
    if constexpr (Move) {
      xj = step_wall<Real, Extras>(p, xj, soma ? v_dend[j] : vb, dt, kick, canonical + j);
      xn[d] = xj;
    }
    DendriteSums<Real> s{sg[j], sgw[j], sgww[j]};
    dendrite_accumulate(s, mtj_conductance(p, xj), w[d], soma);
    sg[j] = s.g;
    sgw[j] = s.gw;
    sgww[j] = s.gww;
  }
}

// Collapsed pass B's inner loop: column i's contribution to every dendrite row sum, the soma's
// conductance in row i and the column's axon conductance elsewhere (the operations, and the
// order per row, of advance_column). Row i is first run with the axon conductance over the whole
// padded column, which vectorises without a remainder, then redone from its saved sums.
template <class Real>
void accumulate_column(Real g_axon, Real g_soma, const Real* __restrict w, Real* __restrict sg,
                       Real* __restrict sgw, Real* __restrict sgww, int rows, int i) {
  DendriteSums<Real> saved{sg[i], sgw[i], sgww[i]};
  for (int j = 0; j < rows; ++j) {
    DendriteSums<Real> s{sg[j], sgw[j], sgww[j]};
    dendrite_accumulate(s, g_axon, w[j], false);
    sg[j] = s.g;
    sgw[j] = s.gw;
    sgww[j] = s.gww;
  }
  dendrite_accumulate(saved, g_soma, w[i], true);
  sg[i] = saved.g;
  sgw[i] = saved.gw;
  sgww[i] = saved.gww;
}

}  // namespace

template <class Real>
void CpuNetwork<Real>::build(const PointSpec& spec, std::uint64_t local) {
  const int n = spec.task.n;
  n_ = n;
  // columns padded to a multiple of 8 rows (32 bytes of float): the inner loops have no
  // remainder; rows j >= n are inert and never read back
  stride_ = (n + 7) / 8 * 8;
  const std::size_t slots = static_cast<std::size_t>(n) * stride_;
  cur_ = 0;
  key_ = spec.key_of(local);
  const TrialKey key = key_;
  for (auto& x : x_) x.assign(slots, Real(0));
  for (auto& x : xa_) x.assign(n, Real(0));
  for (auto& x : xs_) x.assign(n, Real(0));
  g_axon_.assign(n, Real(0));
  w_.assign(slots, Real(0));
  words_.resize(n);
  keys_.resize(n);
  v_dw_.resize(n);
  v_in_.resize(n);
  g_bus_.resize(n);
  g_soma_track_.resize(n);
  for (auto* a : {&sum_g_, &sum_gw_, &sum_gww_, &speed_, &v_dend_, &v_dend_prev_}) {
    a->assign(stride_, Real(0));
  }
  for (auto* a : {&g_soma_, &v_bus_, &v_bus_prev_}) a->assign(n, Real(0));
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
    // padding rows: no conductance, pinned at x = 0 by a negative drift
    const Real inert[8] = {Real(0), Real(0), Real(0), Real(1e9), Real(1e-7), Real(0), Real(-1), Real(0)};
    for (int q = 0; q < 8; ++q) params[q]->assign(slots, inert[q]);
  }
  g_m_.resize(static_cast<std::size_t>(n) * n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const std::size_t d = static_cast<std::size_t>(i) * n + j;  // the canonical index
      const std::size_t slot = static_cast<std::size_t>(i) * stride_ + j;
      w_[slot] = static_cast<Real>(device_w(spec, key, local, i, j, words_[i], words_[j]));
      const PhysicalDevice phys = device_physical(spec, key, i, j);
      g_m_[d] = 1.0 / phys.r_m;
      if (per_device) {
        const DeviceParams<Real> p = integrator_params<Real>(phys, spec.k_prefactor, spec.integ.i_depin);
        const Real fields[8] = {p.g_ap, p.dg, p.x_lo, p.inv_w, p.len, p.kg, p.leak, p.v_pin};
        for (int q = 0; q < 8; ++q) (*params[q])[slot] = fields[q];
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

// Pass A: the fastest moving wall at the current state (0 if none moves). Collapsed: a nominal
// network without noise, whose axons of one neuron are identical devices on one bus from one
// start, so they move in lockstep to the bit: one axon per column stands for all.
template <class Real>
template <bool Varied, bool Extras, bool Collapsed>
Real CpuNetwork<Real>::scan_motion(Real v_tol) {
  const int n = n_;
  Real vmax = 0;
  if constexpr (Collapsed) {
    const DeviceParams<Real> pa = view_.axon_nominal, ps = view_.soma_nominal;
    const Real* xa = xa_[cur_].data();
    const Real* xs = xs_[cur_].data();
    for (int i = 0; i < n; ++i) {
      vmax = hd::max_(vmax, wall_motion_speed(pa, xa[i], wall_velocity(pa, v_bus_[i]), v_tol));
    }
    for (int j = 0; j < n; ++j) {
      vmax = hd::max_(vmax, wall_motion_speed(ps, xs[j], wall_velocity(ps, v_dend_[j]), v_tol));
    }
    return vmax;
  }
  const Real* x = x_[cur_].data();
  Real* speed = speed_.data();
  std::fill(speed_.begin(), speed_.end(), Real(0));
  const ColumnParams<Real, Varied> cp(view_);
  for (int i = 0; i < n; ++i) {
    scan_column<Real, Varied, Extras>(cp, x, v_dend_.data(), speed, i * stride_, stride_, i,
                                      v_bus_[i], v_tol);
  }
  for (int j = 0; j < n; ++j) vmax = hd::max_(vmax, speed[j]);  // real rows only
  return vmax;
}

// Pass B: move every wall by one step of dt (Move = false: stay, just refresh), then recompute
// every MTJ conductance and the dendrite row sums at the new positions.
template <class Real>
template <bool Varied, bool Extras, bool Move, bool Collapsed>
void CpuNetwork<Real>::advance_and_sum(Real dt, const KickContext& kick) {
  const int n = n_;
  std::fill(sum_g_.begin(), sum_g_.end(), Real(0));
  std::fill(sum_gw_.begin(), sum_gw_.end(), Real(0));
  std::fill(sum_gww_.begin(), sum_gww_.end(), Real(0));
  if constexpr (Collapsed) {
    // one step per column and per soma, then the dendrite sums as a masked matrix-vector product
    const DeviceParams<Real> pa = view_.axon_nominal, ps = view_.soma_nominal;
    const Real* xa = xa_[cur_].data();
    const Real* xs = xs_[cur_].data();
    Real* xa_n = xa_[Move ? 1 - cur_ : cur_].data();
    Real* xs_n = xs_[Move ? 1 - cur_ : cur_].data();
    for (int i = 0; i < n; ++i) {
      Real a = xa[i], s = xs[i];
      if constexpr (Move) {
        a = wall_advance(pa, a, wall_velocity(pa, v_bus_[i]), dt);
        s = wall_advance(ps, s, wall_velocity(ps, v_dend_[i]), dt);
        xa_n[i] = a;
        xs_n[i] = s;
      }
      g_axon_[i] = mtj_conductance(pa, a);
      g_soma_[i] = mtj_conductance(ps, s);
    }
    if constexpr (Move) cur_ = 1 - cur_;
    for (int i = 0; i < n; ++i) {
      accumulate_column(g_axon_[i], g_soma_[i], w_.data() + static_cast<std::size_t>(i) * stride_,
                        sum_g_.data(), sum_gw_.data(), sum_gww_.data(), stride_, i);
    }
    return;
  }
  const Real* x = x_[cur_].data();
  Real* xn = x_[Move ? 1 - cur_ : cur_].data();
  const ColumnParams<Real, Varied> cp(view_);
  for (int i = 0; i < n; ++i) {
    advance_column<Real, Varied, Extras, Move>(cp, x, xn, w_.data(), v_dend_.data(), sum_g_.data(),
                                               sum_gw_.data(), sum_gww_.data(), i * stride_,
                                               stride_, i, i * n, v_bus_[i], dt, kick);
  }
  if constexpr (Move) cur_ = 1 - cur_;
  const Real* xs = x_[cur_].data();
  for (int j = 0; j < n; ++j) {
    const int d = j * stride_ + j;
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
template <bool Varied, bool Extras, bool Collapsed>
double CpuNetwork<Real>::last_motion_time(double dt, Real v_tol) const {
  const int n = n_;
  double last = 0.0;
  if constexpr (Collapsed) {
    const DeviceParams<Real> pa = view_.axon_nominal, ps = view_.soma_nominal;
    const Real* xa = xa_[1 - cur_].data();
    const Real* xs = xs_[1 - cur_].data();
    for (int i = 0; i < n; ++i) {
      last = hd::max_(last, wall_motion_time(pa, xa[i], wall_velocity(pa, v_bus_prev_[i]), v_tol, dt));
      last = hd::max_(last, wall_motion_time(ps, xs[i], wall_velocity(ps, v_dend_prev_[i]), v_tol, dt));
    }
    return last;
  }
  const Real* x = x_[1 - cur_].data();
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const bool soma = j == i;
      const int d = i * stride_ + j;
      const DeviceParams<Real> p = params_at<Real, Varied>(view_, d, soma);
      const Real v = velocity<Real, Extras>(p, soma ? v_dend_prev_[j] : v_bus_prev_[i]);
      last = hd::max_(last, wall_motion_time(p, x[d], v, v_tol, dt));
    }
  }
  return last;
}

template <class Real>
template <bool Varied, bool Extras, bool Collapsed>
NetworkOutcome CpuNetwork<Real>::run(const PointSpec& spec, std::uint64_t* state_words,
                                     std::uint64_t* undecided_words) {
  const IntegratorConsts& c = spec.integ;
  const Real v_tol = static_cast<Real>(c.v_tol);
  TimeLine tl;
  NetworkOutcome out;
  KickContext kick{key_, 0, 0.0};
  advance_and_sum<Varied, Extras, false, Collapsed>(Real(0), kick);
  solve_nodes(true);
  auto observe = [&] {
    if (observer_ == nullptr) return;
    double p = 0.0;
    for (int j = 0; j < n_; ++j) p += power_[j];
    const Real* x = x_[cur_].data();
    if constexpr (Collapsed) {  // expand the columns for the observer
      for (int i = 0; i < n_; ++i) {
        for (int j = 0; j < stride_; ++j) {
          x_[cur_][static_cast<std::size_t>(i) * stride_ + j] = j == i ? xs_[cur_][i] : xa_[cur_][i];
        }
      }
    }
    observer_->on_step(tl.t, tl.phase, x, stride_, v_dend_.data(), n_, p);
  };
  observe();
  for (;;) {
    const double vmax = static_cast<double>(scan_motion<Varied, Extras, Collapsed>(v_tol));
    const StepDecision decision = decide_step(c, tl, vmax);
    if (decision == StepDecision::Converged) {
      const double last =
          tl.prev_step_relaxing ? last_motion_time<Varied, Extras, Collapsed>(tl.dt_prev, v_tol) : 0.0;
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
    advance_and_sum<Varied, Extras, true, Collapsed>(static_cast<Real>(dt), kick);
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
  if constexpr (Collapsed) {
    for (int j = 0; j < n_; ++j) x_[cur_][static_cast<std::size_t>(j) * stride_ + j] = xs_[cur_][j];
  }
  const Real* x = x_[cur_].data();
  const int words = (n_ + 63) / 64;
  for (int k = 0; k < words; ++k) state_words[k] = undecided_words[k] = 0;
  int undecided = 0;
  for (int j = 0; j < n_; ++j) {
    const int d = j * stride_ + j;
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
    return extras ? run<true, true, false>(spec, state_words, undecided_words)
                  : run<true, false, false>(spec, state_words, undecided_words);
  }
  if (extras) return run<false, true, false>(spec, state_words, undecided_words);
  return collapse_ ? run<false, false, true>(spec, state_words, undecided_words)
                   : run<false, false, false>(spec, state_words, undecided_words);
}

template class CpuNetwork<float>;
template class CpuNetwork<double>;

}  // namespace spinhop
