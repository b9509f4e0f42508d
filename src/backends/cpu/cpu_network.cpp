#include "backends/cpu/cpu_network.hpp"

#include <algorithm>

namespace spinhop {

namespace {

// Device parameters for the hot loops. Every field is a local scalar (nominal) or a local
// pointer (varied), and DeviceParams is assembled field by field inside the loop: GCC does not
// vectorise a loop that copies a whole struct, nor one that loads through struct members. A
// nominal network reaches these loops only when its soma equals its axon but for the leak
// (CpuNetwork::build checks and otherwise fills per-device arrays).
template <class Real, bool Varied>
struct ColumnParams {
  explicit ColumnParams(const NetworkView<Real>& v) : soma_leak(v.soma_nominal.leak) {
#define SPINHOP_COPY_NOMINAL(name, unit, meaning) name = v.axon_nominal.name;
    SPINHOP_DEVICE_FIELDS(SPINHOP_COPY_NOMINAL)
#undef SPINHOP_COPY_NOMINAL
  }
#define SPINHOP_SCALAR_FIELD(name, unit, meaning) Real name;
  SPINHOP_DEVICE_FIELDS(SPINHOP_SCALAR_FIELD)
#undef SPINHOP_SCALAR_FIELD
  Real soma_leak;
};

template <class Real>
struct ColumnParams<Real, true> {
  explicit ColumnParams(const NetworkView<Real>& v) {
#define SPINHOP_COPY_POINTER(name, unit, meaning) name = v.params.name;
    SPINHOP_DEVICE_FIELDS(SPINHOP_COPY_POINTER)
#undef SPINHOP_COPY_POINTER
  }
#define SPINHOP_POINTER_FIELD(name, unit, meaning) const Real* name;
  SPINHOP_DEVICE_FIELDS(SPINHOP_POINTER_FIELD)
#undef SPINHOP_POINTER_FIELD
  Real soma_leak = Real(0);  // unused: a varied soma has its own leak
};

// A field of storage slot d: the varied array's entry, or the nominal scalar (the soma's leak in
// the soma's row).
constexpr bool is_leak_field(const char* name) {
  return name[0] == 'l' && name[1] == 'e' && name[2] == 'a' && name[3] == 'k' && name[4] == 0;
}
template <class Real, bool IsLeak>
inline Real field_at(Real v, Real soma_leak, int, bool soma) {
  if constexpr (IsLeak) {
    return soma ? soma_leak : v;
  } else {
    (void)soma_leak;
    (void)soma;
    return v;
  }
}
template <class Real, bool IsLeak>
inline Real field_at(const Real* p, Real, int d, bool) { return p[d]; }

// Copies a ColumnParams into locals; SPINHOP_DEVICE_AT(d, soma) then assembles the parameters of
// storage slot d field by field.
#define SPINHOP_LOCAL_FIELD(name, unit, meaning) [[maybe_unused]] const auto name##_ = cp.name;
#define SPINHOP_COLUMN_LOCALS(cp)                 \
  SPINHOP_DEVICE_FIELDS(SPINHOP_LOCAL_FIELD)      \
  [[maybe_unused]] const Real soma_leak_ = cp.soma_leak
#define SPINHOP_INIT_FIELD(name, unit, meaning) \
  field_at<Real, is_leak_field(#name)>(name##_, soma_leak_, d_, soma_),
#define SPINHOP_DEVICE_AT(d, soma, out)             \
  const int d_ = (d);                               \
  const bool soma_ = (soma);                        \
  const DeviceParams<Real> out{SPINHOP_DEVICE_FIELDS(SPINHOP_INIT_FIELD)};

// Pass A over one padded column: every row's wall speed, the soma (row i) driven by its own
// dendrite and every other row by the axon bus. One loop of a multiple of 8 rows, no remainder.
template <class Real, bool Varied, bool Extras>
void scan_column(const ColumnParams<Real, Varied>& cp, const Real* __restrict x,
                 const Real* __restrict v_dend, Real* __restrict speed, int base, int rows, int i,
                 Real vb, Real v_tol) {
  SPINHOP_COLUMN_LOCALS(cp);
  for (int j = 0; j < rows; ++j) {
    const bool soma = j == i;
    const int d = base + j;
    SPINHOP_DEVICE_AT(d, soma, p)
    const Real v = step_velocity<Real, Extras>(p, soma ? v_dend[j] : vb);
    speed[j] = hd::max_(speed[j], wall_motion_speed(p, x[d], v, v_tol));
  }
}

// Pass B over one padded column: move every wall from x into xn, recompute the MTJ conductances,
// accumulate the dendrite row sums. canonical = i * n, the device index the random streams use.
template <class Real, bool Varied, bool Extras>
void advance_column(const ColumnParams<Real, Varied>& cp, const Real* __restrict x,
                    Real* __restrict xn, const Real* __restrict w,
                    const Real* __restrict v_dend, Real* __restrict sg, Real* __restrict sgw,
                    Real* __restrict sgww, int base, int rows, int i, int canonical, Real vb,
                    Real dt, const TrialKey& key, long long step, double kick_scale) {
  SPINHOP_COLUMN_LOCALS(cp);
  for (int j = 0; j < rows; ++j) {
    const bool soma = j == i;
    const int d = base + j;
    SPINHOP_DEVICE_AT(d, soma, p)
    const Real x0 = x[d];
    const Real v_track = soma ? v_dend[j] : vb;
    const Real v = step_velocity<Real, Extras>(p, v_track);
    Real xj;
    if constexpr (Extras) {
      const Real kick = thermal_kick(p, x0, v_track, v, key, canonical + j, step, kick_scale);
      xj = wall_advance_kicked(p, x0, v, dt, kick);
    } else {
      (void)key;
      (void)step;
      (void)kick_scale;
      xj = wall_advance(p, x0, v, dt);
    }
    xn[d] = xj;
    DendriteSums<Real> s{sg[j], sgw[j], sgww[j]};
    dendrite_accumulate(s, mtj_conductance(p, xj), w[d], soma);
    sg[j] = s.g;
    sgw[j] = s.gw;
    sgww[j] = s.gww;
  }
}

// Pass B without moving: the row sums at the current positions.
template <class Real, bool Varied>
void refresh_column(const ColumnParams<Real, Varied>& cp, const Real* __restrict x,
                    const Real* __restrict w, Real* __restrict sg, Real* __restrict sgw,
                    Real* __restrict sgww, int base, int rows, int i) {
  SPINHOP_COLUMN_LOCALS(cp);
  for (int j = 0; j < rows; ++j) {
    const bool soma = j == i;
    const int d = base + j;
    SPINHOP_DEVICE_AT(d, soma, p)
    DendriteSums<Real> s{sg[j], sgw[j], sgww[j]};
    dendrite_accumulate(s, mtj_conductance(p, x[d]), w[d], soma);
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

// Padding rows of the per-device arrays: no conductance, pinned at x = 0 by a negative drift.
template <class Real>
DeviceParams<Real> inert_params() {
  DeviceParams<Real> p{};
  p.inv_w = Real(1e9);
  p.len = Real(1e-7);
  p.leak = Real(-1);
  return p;
}

}  // namespace

// The network policy of the one driver, over CpuNetwork's padded columns.
template <class Real>
template <bool Varied, bool Extras, bool Collapsed>
class CpuNetwork<Real>::Columns {
 public:
  Columns(CpuNetwork& net, const PointSpec& spec)
      : m_(net), n_(net.n_), v_tol_(static_cast<Real>(spec.integ.v_tol)) {}

  void refresh() { sums(false, StepContext{0.0, 0, 0.0}); }

  void solve_nodes(bool loading) {
    for (int j = 0; j < n_; ++j) {
      const DendriteSums<Real> s{m_.sum_g_[j], m_.sum_gw_[j], m_.sum_gww_[j]};
      m_.power_[j] =
          neuron_nodes(m_.view_, j, s, m_.g_soma_[j], loading, &m_.v_bus_[j], &m_.v_dend_[j]);
    }
  }

  // Pass A: the fastest moving wall (0 if none moves). Collapsed: one axon per column stands for
  // all of the column's axons.
  double fastest_wall() {
    const int n = n_;
    Real vmax = 0;
    if constexpr (Collapsed) {
      const DeviceParams<Real> pa = m_.view_.axon_nominal, ps = m_.view_.soma_nominal;
      for (int i = 0; i < n; ++i) {
        vmax = hd::max_(vmax, wall_motion_speed(pa, m_.xa_[m_.cur_][i], wall_velocity(pa, m_.v_bus_[i]), v_tol_));
      }
      for (int j = 0; j < n; ++j) {
        vmax = hd::max_(vmax, wall_motion_speed(ps, m_.xs_[m_.cur_][j], wall_velocity(ps, m_.v_dend_[j]), v_tol_));
      }
      return static_cast<double>(vmax);
    }
    std::fill(m_.speed_.begin(), m_.speed_.end(), Real(0));
    const ColumnParams<Real, Varied> cp(m_.view_);
    const int stride = m_.stride_;
    for (int i = 0; i < n; ++i) {
      scan_column<Real, Varied, Extras>(cp, m_.x_[m_.cur_].data(), m_.v_dend_.data(), m_.speed_.data(),
                                        i * stride, stride, i, m_.v_bus_[i], v_tol_);
    }
    for (int j = 0; j < n; ++j) vmax = hd::max_(vmax, m_.speed_[j]);  // real rows only
    return static_cast<double>(vmax);
  }

  void step(const StepContext& s) {
    dt_ = s.dt;
    m_.v_bus_prev_ = m_.v_bus_;
    m_.v_dend_prev_ = m_.v_dend_;
    sums(true, s);
  }

  // The end of motion in the last step, from the positions and node voltages at its start (kept
  // for this: evaluating it in every step would cost the column loops ~1.5x).
  double last_motion() const {
    const Real dt = static_cast<Real>(dt_);
    const int old = 1 - m_.cur_;
    Real latest = Real(0);
    if constexpr (Collapsed) {
      const DeviceParams<Real> pa = m_.view_.axon_nominal, ps = m_.view_.soma_nominal;
      for (int i = 0; i < n_; ++i) {
        latest = hd::max_(latest, wall_motion_end(pa, m_.xa_[old][i], wall_velocity(pa, m_.v_bus_prev_[i]), v_tol_, dt));
        latest = hd::max_(latest, wall_motion_end(ps, m_.xs_[old][i], wall_velocity(ps, m_.v_dend_prev_[i]), v_tol_, dt));
      }
      return motion_end_time(latest, dt_);
    }
    const Real* x = m_.x_[old].data();
    for (int i = 0; i < n_; ++i) {
      for (int j = 0; j < n_; ++j) {
        const bool soma = j == i;
        const int d = i * m_.stride_ + j;
        const DeviceParams<Real> p = params_at<Varied>(m_.view_, d, soma);
        const Real v = step_velocity<Real, Extras>(p, soma ? m_.v_dend_prev_[j] : m_.v_bus_prev_[i]);
        latest = hd::max_(latest, wall_motion_end(p, x[d], v, v_tol_, dt));
      }
    }
    return motion_end_time(latest, dt_);
  }

  template <class F>
  void each_row(F f) {
    // the rows' energy arrays are separate (they vectorise); f sees each row as a RowEnergy
    double* __restrict power = m_.power_.data();
    double* __restrict power_prev = m_.power_prev_.data();
    double* __restrict energy = m_.energy_.data();
    for (int j = 0; j < n_; ++j) {
      RowEnergy r{power[j], power_prev[j], energy[j]};
      f(r);
      power[j] = r.power;
      power_prev[j] = r.power_prev;
      energy[j] = r.energy;
    }
  }

  double total_energy() const {
    double e = 0.0;
    for (int j = 0; j < n_; ++j) e = e + m_.energy_[j];
    return e;
  }

  void observe(const TimeLine& tl) {
    if (m_.observer_ == nullptr) return;
    double p = 0.0;
    for (int j = 0; j < n_; ++j) p += m_.power_[j];
    if constexpr (Collapsed) expand();
    m_.observer_->on_step(tl.t, tl.phase, m_.x_[m_.cur_].data(), m_.stride_, m_.v_dend_.data(), n_, p);
  }

  // Collapsed: write the column axons and somas into the per-device positions.
  void expand() {
    for (int i = 0; i < n_; ++i) {
      for (int j = 0; j < m_.stride_; ++j) {
        m_.x_[m_.cur_][static_cast<std::size_t>(i) * m_.stride_ + j] =
            j == i ? m_.xs_[m_.cur_][i] : m_.xa_[m_.cur_][i];
      }
    }
  }

 private:
  // Pass B: move every wall by one step (move = false: stay, just refresh), then recompute every
  // MTJ conductance and the dendrite row sums at the new positions.
  void sums(bool move, const StepContext& s) {
    const int n = n_;
    const Real dt = static_cast<Real>(s.dt);
    std::fill(m_.sum_g_.begin(), m_.sum_g_.end(), Real(0));
    std::fill(m_.sum_gw_.begin(), m_.sum_gw_.end(), Real(0));
    std::fill(m_.sum_gww_.begin(), m_.sum_gww_.end(), Real(0));
    const int stride = m_.stride_;
    if constexpr (Collapsed) {
      // one step per column and per soma, then the dendrite sums as a masked matrix-vector product
      const DeviceParams<Real> pa = m_.view_.axon_nominal, ps = m_.view_.soma_nominal;
      const int from = m_.cur_, to = move ? 1 - m_.cur_ : m_.cur_;
      for (int i = 0; i < n; ++i) {
        Real a = m_.xa_[from][i], x = m_.xs_[from][i];
        if (move) {
          a = wall_advance(pa, a, wall_velocity(pa, m_.v_bus_[i]), dt);
          x = wall_advance(ps, x, wall_velocity(ps, m_.v_dend_[i]), dt);
        }
        m_.xa_[to][i] = a;
        m_.xs_[to][i] = x;
        m_.g_axon_[i] = mtj_conductance(pa, a);
        m_.g_soma_[i] = mtj_conductance(ps, x);
      }
      m_.cur_ = to;
      for (int i = 0; i < n; ++i) {
        accumulate_column(m_.g_axon_[i], m_.g_soma_[i],
                          m_.w_.data() + static_cast<std::size_t>(i) * stride, m_.sum_g_.data(),
                          m_.sum_gw_.data(), m_.sum_gww_.data(), stride, i);
      }
      return;
    }
    const ColumnParams<Real, Varied> cp(m_.view_);
    const Real* x = m_.x_[m_.cur_].data();
    Real* xn = m_.x_[1 - m_.cur_].data();
    for (int i = 0; i < n; ++i) {
      if (move) {
        advance_column<Real, Varied, Extras>(cp, x, xn, m_.w_.data(), m_.v_dend_.data(),
                                             m_.sum_g_.data(), m_.sum_gw_.data(),
                                             m_.sum_gww_.data(), i * stride, stride, i, i * n,
                                             m_.v_bus_[i], dt, m_.key_, s.index, s.kick_scale);
      } else {
        refresh_column<Real, Varied>(cp, x, m_.w_.data(), m_.sum_g_.data(), m_.sum_gw_.data(),
                                     m_.sum_gww_.data(), i * stride, stride, i);
      }
    }
    if (move) m_.cur_ = 1 - m_.cur_;
    const Real* xs = m_.x_[m_.cur_].data();
    for (int j = 0; j < n; ++j) {
      const int d = j * stride + j;
      m_.g_soma_[j] = mtj_conductance(params_at<Varied>(m_.view_, d, true), xs[d]);
    }
  }

  CpuNetwork& m_;
  int n_;
  Real v_tol_;
  double dt_ = 0.0;
};

template <class Real>
void CpuNetwork<Real>::build(const PointSpec& spec, std::uint64_t local) {
  const int n = spec.task.n;
  n_ = n;
  // columns padded to a multiple of 8 rows (32 bytes of float): the inner loops have no
  // remainder; rows j >= n are inert and never read back
  stride_ = (n + 7) / 8 * 8;
  const std::size_t slots = static_cast<std::size_t>(n) * stride_;
  key_ = spec.key_of(local);
  const TrialKey key = key_;
  cur_ = 0;
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

  const DeviceParams<Real> soma = integrator_params<Real>(spec.soma, spec.k_prefactor, spec.integ.i_depin);
  const DeviceParams<Real> axon = integrator_params<Real>(spec.axon, spec.k_prefactor, spec.integ.i_depin);
  // the nominal column loops take a soma for an axon with its own leak; anything else needs the
  // per-device arrays
  DeviceParams<Real> soma_as_axon = soma;
  soma_as_axon.leak = axon.leak;
  per_device_ = spec.per_device != 0 || !same_params(soma_as_axon, axon);

  // neurons: pattern bits, distortion keys, inputs, sources (trial.hpp's phases 1 and 2)
  for (int j = 0; j < n; ++j) {
    const NeuronSeed seed = neuron_seed(spec, key, j);
    words_[j] = seed.word;
    keys_[j] = seed.key;
  }
  for (int j = 0; j < n; ++j) {
    const NeuronSources src = neuron_sources(spec, key, local, j, keys_.data());
    v_in_[j] = static_cast<Real>(src.v_in);
    v_dw_[j] = static_cast<Real>(src.v_dw);
  }
  // devices: synapse sources and (with variation) own parameters (phase 3)
  if (per_device_) {
    param_store_.resize(static_cast<std::size_t>(kDeviceFields) * slots);
    params_.carve(param_store_.data(), slots);
    const DeviceParams<Real> inert = inert_params<Real>();
    for (std::size_t s = 0; s < slots; ++s) params_.store(static_cast<int>(s), inert);
  }
  g_m_.resize(static_cast<std::size_t>(n) * n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const std::size_t d = static_cast<std::size_t>(i) * n + j;  // the canonical index
      const int slot = i * stride_ + j;
      const DeviceSetup ds = device_setup(spec, key, local, i, j, words_.data());
      w_[static_cast<std::size_t>(slot)] = static_cast<Real>(ds.w);
      g_m_[d] = 1.0 / ds.phys.r_m;
      if (per_device_) {
        params_.store(slot, integrator_params<Real>(ds.phys, spec.k_prefactor, spec.integ.i_depin));
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
  if (per_device_) v.params = params_.as_const();
  v.soma_nominal = soma;
  v.axon_nominal = axon;
  view_ = v;
}

template <class Real>
NetworkOutcome CpuNetwork<Real>::integrate(const PointSpec& spec, std::uint64_t* state_words,
                                           std::uint64_t* undecided_words) {
  const bool extras = spec.integ.extras();
  NetworkOutcome out;
  auto run = [&](auto policy) { out = integrate_trial(policy, spec.integ); };
  if (collapse_ && collapsible(spec)) {
    Columns<false, false, true> policy(*this, spec);
    out = integrate_trial(policy, spec.integ);
    policy.expand();  // the somas into the per-device positions for the read-out
  } else if (per_device_) {
    if (extras) {
      run(Columns<true, true, false>(*this, spec));
    } else {
      run(Columns<true, false, false>(*this, spec));
    }
  } else if (extras) {
    run(Columns<false, true, false>(*this, spec));
  } else {
    run(Columns<false, false, false>(*this, spec));
  }
  // read-out of the somas
  const int words = words_for(n_);
  for (int k = 0; k < words; ++k) state_words[k] = undecided_words[k] = 0;
  int undecided = 0;
  const Real hi = static_cast<Real>(spec.read_hi), lo = static_cast<Real>(spec.read_lo);
  for (int j = 0; j < n_; ++j) {
    const int d = j * stride_ + j;
    const Real len = per_device_ ? view_.params.len[d] : view_.soma_nominal.len;
    const int bit = wall_readout(x_[cur_][d], len, hi, lo);
    if (bit == 1) state_words[word_of(j)] |= bit_of(j);
    if (bit < 0) {
      undecided_words[word_of(j)] |= bit_of(j);
      ++undecided;
    }
  }
  out.undecided = undecided;
  return out;
}

template class CpuNetwork<float>;
template class CpuNetwork<double>;

}  // namespace spinhop
