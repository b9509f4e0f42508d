#include "backends/cpu/cpu_network.hpp"
#include "spinhop/cancel.hpp"

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
void scan_column(const ColumnParams<Real, Varied>& cp, const double* __restrict x,
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

// The node voltages a column's walls see at every stage: column i's bus for the axons, each row's
// dendrite for its soma (stage k's at vbus[k], vdend[k * stride + j]).
template <class Real>
struct StageVolts {
  const Real* vbus;   // [kMaxStages] of column i
  const Real* vdend;  // [kMaxStages][stride]
  int stride;
};

// A stage over one padded column: every wall's position at the stage (written to xn on the last
// stage), its MTJ conductance and the dendrite row sums. canonical = i * n, the device index the
// random streams use.
template <class Real, bool Varied, bool Extras>
void stage_column(const ColumnParams<Real, Varied>& cp, const double* __restrict x,
                  double* __restrict xn, const Real* __restrict w, const Real* __restrict vc_dend,
                  Real* __restrict sg, Real* __restrict sgw, Real* __restrict sgww, int base,
                  int rows, int i, int canonical, Real vc_bus, const Scheme& sc, int s, double h,
                  bool last, const StageVolts<Real>& volts, const StepNoise& noise,
                  const TrialKey& key) {
  SPINHOP_COLUMN_LOCALS(cp);
  for (int j = 0; j < rows; ++j) {
    const bool soma = j == i;
    const int d = base + j;
    SPINHOP_DEVICE_AT(d, soma, p)
    double xj;
    if constexpr (Extras) {
      auto volt = [&](int k) { return soma ? volts.vdend[k * volts.stride + j] : volts.vbus[k]; };
      xj = stage_position<Real, Extras>(p, sc, s, x[d], h, soma ? vc_dend[j] : vc_bus, volt, noise,
                                        key, canonical + j);
    } else {
      (void)volts;
      (void)noise;
      (void)key;
      (void)canonical;
      xj = wall_position(p, x[d], h, stage_velocity(p, soma ? vc_dend[j] : vc_bus, static_cast<Real>(sc.c[s])));
    }
    if (last) xn[d] = xj;
    DendriteSums<Real> sum{sg[j], sgw[j], sgww[j]};
    dendrite_accumulate(sum, mtj_conductance(p, xj), w[d], soma);
    sg[j] = sum.g;
    sgw[j] = sum.gw;
    sgww[j] = sum.gww;
  }
}

// The row sums at the current positions.
template <class Real, bool Varied>
void refresh_column(const ColumnParams<Real, Varied>& cp, const double* __restrict x,
                    const Real* __restrict w, Real* __restrict sg, Real* __restrict sgw,
                    Real* __restrict sgww, int base, int rows, int i) {
  SPINHOP_COLUMN_LOCALS(cp);
  for (int j = 0; j < rows; ++j) {
    const bool soma = j == i;
    const int d = base + j;
    SPINHOP_DEVICE_AT(d, soma, p)
    DendriteSums<Real> sum{sg[j], sgw[j], sgww[j]};
    dendrite_accumulate(sum, mtj_conductance(p, x[d]), w[d], soma);
    sg[j] = sum.g;
    sgw[j] = sum.gw;
    sgww[j] = sum.gww;
  }
}

// Collapsed inner loop: column i's axons' contribution to every dendrite row sum except row i
// (its soma, whose W_ii = 0 adds nothing): the whole padded column, which vectorises without a
// remainder, then row i restored.
template <class Real>
void accumulate_axon_column(Real g_axon, const Real* __restrict w, Real* __restrict sg,
                            Real* __restrict sgw, Real* __restrict sgww, int rows, int i) {
  const DendriteSums<Real> saved{sg[i], sgw[i], sgww[i]};
  for (int j = 0; j < rows; ++j) {
    DendriteSums<Real> sum{sg[j], sgw[j], sgww[j]};
    dendrite_accumulate(sum, g_axon, w[j], false);
    sg[j] = sum.g;
    sgw[j] = sum.gw;
    sgww[j] = sum.gww;
  }
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
  using RealType = Real;

  Columns(CpuNetwork& net, const PointSpec& spec)
      : m_(net), n_(net.n_), v_tol_(static_cast<Real>(spec.integ.v_tol)) {}

  void refresh() {
    zero_sums();
    const int n = n_, stride = m_.stride_;
    if constexpr (Collapsed) {
      const DeviceParams<Real> pa = m_.view_.axon_nominal, ps = m_.view_.soma_nominal;
      for (int i = 0; i < n; ++i) {
        m_.g_axon_[i] = mtj_conductance(pa, m_.xa_[m_.cur_][i]);
        m_.g_soma_[i] = mtj_conductance(ps, m_.xs_[m_.cur_][i]);
        m_.axon_side_[i] = mtj_side(pa, m_.xa_[m_.cur_][i]);
        m_.active_[i] = m_.axon_side_[i] == 0 ? 1 : 0;
      }
      inactive_sums();
      with_active();
      base_dirty_ = false;
      return;
    }
    const ColumnParams<Real, Varied> cp(m_.view_);
    const double* x = m_.x_[m_.cur_].data();
    for (int i = 0; i < n; ++i) {
      refresh_column<Real, Varied>(cp, x, m_.w_.data(), m_.sum_g_.data(), m_.sum_gw_.data(),
                                   m_.sum_gww_.data(), i * stride, stride, i);
    }
    for (int j = 0; j < n; ++j) {
      const int d = j * stride + j;
      m_.g_soma_[j] = mtj_conductance(params_at<Varied>(m_.view_, d, true), x[d]);
    }
  }

  void solve_nodes(bool loading, int s) {
    for (int j = 0; j < n_; ++j) {
      const DendriteSums<Real> sum{m_.sum_g_[j], m_.sum_gw_[j], m_.sum_gww_[j]};
      NeuronState<Real>& r = m_.rows_[static_cast<std::size_t>(j)];
      r.power[s] = neuron_nodes(m_.view_, j, sum, m_.g_soma_[j], loading, &r.v_bus[s], &r.v_dend[s]);
    }
  }

  // The fastest moving wall, the free somas, the first kink ahead of a soma (the event walls: a
  // soma's kink changes its whole column's drive).
  Scan scan() {
    const int n = n_, stride = m_.stride_;
    Scan out;
    Real vmax = 0;
    double t_event = 1.0 / 0.0;
    if constexpr (Collapsed) {
      const DeviceParams<Real> pa = m_.view_.axon_nominal, ps = m_.view_.soma_nominal;
      for (int i = 0; i < n; ++i) {
        NeuronState<Real>& r = m_.rows_[static_cast<std::size_t>(i)];
        const double xa = m_.xa_[m_.cur_][i], xs = m_.xs_[m_.cur_][i];
        const Real va = wall_velocity(pa, r.v_bus[0]), vs = wall_velocity(ps, r.v_dend[0]);
        vmax = hd::max_(vmax, hd::max_(wall_motion_speed(pa, xa, va, v_tol_), wall_motion_speed(ps, xs, vs, v_tol_)));
        r.soma_free = wall_pinned(ps, xs, vs) ? 0 : 1;
        // the event walls: the somas and the column axons (each column's axons are one wall)
        t_event = hd::min_(t_event, hd::min_(time_to_kink(pa, xa, va), time_to_kink(ps, xs, vs)));
      }
      out.vmax = static_cast<double>(vmax);
      out.t_event = t_event;
      return out;
    }
    for (int j = 0; j < n; ++j) m_.v_dend_soa_[j] = m_.rows_[static_cast<std::size_t>(j)].v_dend[0];
    std::fill(m_.speed_.begin(), m_.speed_.end(), Real(0));
    const ColumnParams<Real, Varied> cp(m_.view_);
    const double* x = m_.x_[m_.cur_].data();
    for (int i = 0; i < n; ++i) {
      scan_column<Real, Varied, Extras>(cp, x, m_.v_dend_soa_.data(), m_.speed_.data(), i * stride,
                                        stride, i, m_.rows_[static_cast<std::size_t>(i)].v_bus[0], v_tol_);
    }
    for (int j = 0; j < n; ++j) {
      vmax = hd::max_(vmax, m_.speed_[j]);  // real rows only
      const int d = j * stride + j;
      const DeviceParams<Real> p = params_at<Varied>(m_.view_, d, true);
      const Real v = step_velocity<Real, Extras>(p, m_.v_dend_soa_[j]);
      m_.rows_[static_cast<std::size_t>(j)].soma_free = wall_pinned(p, x[d], v) ? 0 : 1;
      t_event = hd::min_(t_event, time_to_kink(p, x[d], v));
    }
    out.vmax = static_cast<double>(vmax);
    out.t_event = t_event;
    return out;
  }

  void stage(int s, double h, const Scheme& sc, const StepNoise& noise) {
    zero_sums();
    const int n = n_, stride = m_.stride_;
    const bool last = s == sc.stages - 1;
    const Real c = static_cast<Real>(sc.c[s]);
    if constexpr (Collapsed) {
      const DeviceParams<Real> pa = m_.view_.axon_nominal, ps = m_.view_.soma_nominal;
      const int from = m_.cur_, to = 1 - m_.cur_;
      for (int i = 0; i < n; ++i) {
        const NeuronState<Real>& r = m_.rows_[static_cast<std::size_t>(i)];
        const double xa = wall_position(pa, m_.xa_[from][i], h, stage_velocity(pa, r.vc_bus, c));
        const double xs = wall_position(ps, m_.xs_[from][i], h, stage_velocity(ps, r.vc_dend, c));
        if (last) {
          m_.xa_[to][i] = xa;
          m_.xs_[to][i] = xs;
        }
        m_.g_axon_[i] = mtj_conductance(pa, xa);
        m_.g_soma_[i] = mtj_conductance(ps, xs);
        // a column whose axons leave their side of the MTJ at this stage joins the crossing ones
        if (m_.active_[i] == 0 && mtj_side(pa, xa) != m_.axon_side_[i]) {
          m_.active_[i] = 1;
          base_dirty_ = true;
        }
      }
      if (base_dirty_) {
        inactive_sums();
        base_dirty_ = false;
      }
      with_active();
      return;
    }
    for (int j = 0; j < n; ++j) {
      const NeuronState<Real>& r = m_.rows_[static_cast<std::size_t>(j)];
      m_.vc_dend_soa_[j] = r.vc_dend;
      if constexpr (Extras) {
        for (int k = 0; k < s; ++k) {
          m_.vdend_k_[static_cast<std::size_t>(k) * stride + j] = r.v_dend[k];
          m_.vbus_k_[static_cast<std::size_t>(j) * kMaxStages + k] = r.v_bus[k];
        }
      }
    }
    const ColumnParams<Real, Varied> cp(m_.view_);
    const double* x = m_.x_[m_.cur_].data();
    double* xn = m_.x_[1 - m_.cur_].data();
    for (int i = 0; i < n; ++i) {
      const StageVolts<Real> volts{m_.vbus_k_.data() + static_cast<std::size_t>(i) * kMaxStages,
                                   m_.vdend_k_.data(), stride};
      stage_column<Real, Varied, Extras>(cp, x, xn, m_.w_.data(), m_.vc_dend_soa_.data(),
                                         m_.sum_g_.data(), m_.sum_gw_.data(), m_.sum_gww_.data(),
                                         i * stride, stride, i, i * n,
                                         m_.rows_[static_cast<std::size_t>(i)].vc_bus, sc, s, h,
                                         last, volts, noise, m_.key_);
    }
    // the somas' conductances at the stage (their positions once more, the same operations)
    for (int j = 0; j < n; ++j) {
      const int d = j * stride + j;
      const DeviceParams<Real> p = params_at<Varied>(m_.view_, d, true);
      const NeuronState<Real>& r = m_.rows_[static_cast<std::size_t>(j)];
      double xj;
      if constexpr (Extras) {
        xj = stage_position<Real, Extras>(p, sc, s, x[d], h, r.vc_dend, [&](int k) { return r.v_dend[k]; },
                                          noise, m_.key_, j * n + j);
      } else {
        xj = wall_position(p, x[d], h, stage_velocity(p, r.vc_dend, c));
      }
      m_.g_soma_[j] = mtj_conductance(p, xj);
    }
  }

  // The last stage becomes the state: its positions (written by the last stage pass) and its
  // node voltages and power as stage 0. The step's start is kept for its end of motion.
  void accept(double h, const Scheme& sc, const StepNoise&) {
    dt_ = h;
    m_.cur_ = 1 - m_.cur_;
    const int s = sc.stages - 1;
    if constexpr (Collapsed) {
      // a column whose axons are on one side of the MTJ again stops crossing
      const DeviceParams<Real> pa = m_.view_.axon_nominal;
      for (int i = 0; i < n_; ++i) {
        const int side = mtj_side(pa, m_.xa_[m_.cur_][i]);
        if (m_.active_[i] != 0 && side != 0) {
          m_.active_[i] = 0;
          m_.axon_side_[i] = side;
          base_dirty_ = true;
        }
      }
    }
    for (int j = 0; j < n_; ++j) {
      NeuronState<Real>& r = m_.rows_[static_cast<std::size_t>(j)];
      if constexpr (Extras) {
        for (int k = 0; k < s; ++k) {
          m_.prev_vbus_[static_cast<std::size_t>(j) * kMaxStages + k] = r.v_bus[k];
          m_.prev_vdend_[static_cast<std::size_t>(j) * kMaxStages + k] = r.v_dend[k];
        }
      }
      r.v_bus[0] = r.v_bus[s];
      r.v_dend[0] = r.v_dend[s];
      r.power[0] = r.power[s];
    }
    scheme_ = sc;
  }

  // Pinned walls that leave their track end in the step just evaluated (stage.hpp, departure()):
  // their end positions corrected; the earliest departure whose correction would change a
  // conductance (the step must be cut there), +infinity if none.
  double departure(double h, const Scheme& sc, const IntegratorConsts&) {
    const int n = n_, stride = m_.stride_, last = sc.stages - 1;
    const Real c = static_cast<Real>(sc.c[last]);
    const int from = m_.cur_, to = 1 - m_.cur_;
    double t = 1.0 / 0.0;
    auto apply = [&](const Departure& dep, double& x_end) {
      if (dep.cut) t = hd::min_(t, dep.t);
      else x_end = dep.x;
    };
    if constexpr (Collapsed) {
      const DeviceParams<Real> pa = m_.view_.axon_nominal, ps = m_.view_.soma_nominal;
      for (int i = 0; i < n; ++i) {
        const NeuronState<Real>& r = m_.rows_[static_cast<std::size_t>(i)];
        apply(spinhop::departure(pa, m_.xa_[from][i], h, stage_velocity(pa, r.vc_bus, c), r.v_bus[0],
                                 r.v_bus[last], m_.xa_[to][i]), m_.xa_[to][i]);
        apply(spinhop::departure(ps, m_.xs_[from][i], h, stage_velocity(ps, r.vc_dend, c), r.v_dend[0],
                                 r.v_dend[last], m_.xs_[to][i]), m_.xs_[to][i]);
      }
      return t;
    }
    const double* x = m_.x_[from].data();
    double* xn = m_.x_[to].data();
    for (int i = 0; i < n; ++i) {
      const NeuronState<Real>& r = m_.rows_[static_cast<std::size_t>(i)];
      const int ds = i * stride + i;
      const DeviceParams<Real> ps = params_at<Varied>(m_.view_, ds, true);
      apply(spinhop::departure(ps, x[ds], h, stage_velocity(ps, r.vc_dend, c), r.v_dend[0], r.v_dend[last],
                               xn[ds]), xn[ds]);
      // column i's axons, only where its bus voltage passes one of their stall voltages
      if (!passes_through(r.v_bus[0], r.v_bus[last], r.stall_lo, r.stall_hi)) continue;
      for (int m = 0; m < n; ++m) {
        const int d = i * stride + m;
        if (m == i) continue;
        const DeviceParams<Real> p = params_at<Varied>(m_.view_, d, false);
        apply(spinhop::departure(p, x[d], h, stage_velocity(p, r.vc_bus, c), r.v_bus[0], r.v_bus[last],
                                 xn[d]), xn[d]);
      }
    }
    return t;
  }

  // The end of motion in the last step, from its start (kept for this: evaluating it in every
  // step would cost the column loops ~1.5x) and the walls' mean velocities over it.
  double last_motion() const {
    const int old = 1 - m_.cur_, n = n_, stride = m_.stride_;
    const int s = scheme_.stages - 1;
    const Real c = static_cast<Real>(scheme_.c[s]);
    double latest = 0.0;
    if constexpr (Collapsed) {
      const DeviceParams<Real> pa = m_.view_.axon_nominal, ps = m_.view_.soma_nominal;
      for (int i = 0; i < n; ++i) {
        const NeuronState<Real>& r = m_.rows_[static_cast<std::size_t>(i)];
        latest = hd::max_(latest, hd::max_(wall_motion_end(pa, m_.xa_[old][i], stage_velocity(pa, r.vc_bus, c), v_tol_, dt_),
                                           wall_motion_end(ps, m_.xs_[old][i], stage_velocity(ps, r.vc_dend, c), v_tol_, dt_)));
      }
      return motion_end_time(latest, dt_);
    }
    const double* x = m_.x_[old].data();
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        const bool soma = j == i;
        const int d = i * stride + j;
        const DeviceParams<Real> p = params_at<Varied>(m_.view_, d, soma);
        const NeuronState<Real>& rn = m_.rows_[static_cast<std::size_t>(soma ? j : i)];
        const Real vc = soma ? rn.vc_dend : rn.vc_bus;
        const Real* prev = soma ? &m_.prev_vdend_[static_cast<std::size_t>(j) * kMaxStages]
                                : &m_.prev_vbus_[static_cast<std::size_t>(i) * kMaxStages];
        const Real v = mean_velocity<Real, Extras>(p, scheme_, s, vc, [&](int k) { return prev[k]; });
        latest = hd::max_(latest, wall_motion_end(p, x[d], v, v_tol_, dt_));
      }
    }
    return motion_end_time(latest, dt_);
  }

  template <class F>
  void each_row(F f) {
    for (int j = 0; j < n_; ++j) f(j, m_.rows_[static_cast<std::size_t>(j)]);
  }
  template <class T, class F>
  T max_rows(F f) {
    T m = T(0);
    for (int j = 0; j < n_; ++j) m = hd::max_(m, static_cast<T>(f(j, m_.rows_[static_cast<std::size_t>(j)])));
    return m;
  }

  double total_energy() const {
    double e = 0.0;
    for (int j = 0; j < n_; ++j) e = e + m_.rows_[static_cast<std::size_t>(j)].energy;
    return e;
  }

  void observe(const TimeLine& tl) {
    if (m_.observer_ == nullptr) return;
    double p = 0.0;
    for (int j = 0; j < n_; ++j) {
      p += m_.rows_[static_cast<std::size_t>(j)].power[0];
      m_.v_dend_soa_[j] = m_.rows_[static_cast<std::size_t>(j)].v_dend[0];
    }
    if constexpr (Collapsed) expand();
    m_.observer_->on_step(tl.t, tl.phase, m_.x_[m_.cur_].data(), m_.stride_, m_.v_dend_soa_.data(), n_, p);
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
  void zero_sums() {
    std::fill(m_.sum_g_.begin(), m_.sum_g_.end(), Real(0));
    std::fill(m_.sum_gw_.begin(), m_.sum_gw_.end(), Real(0));
    std::fill(m_.sum_gww_.begin(), m_.sum_gww_.end(), Real(0));
  }
  // Collapsed: the dendrite sums over the columns whose axons do not cross their MTJ (constant
  // conductance), in column order, into the base sums; then the sums are the base plus the
  // crossing columns, in column order (the order of the rows policy, the GPU's).
  void inactive_sums() {
    const int stride = m_.stride_;
    std::fill(m_.base_g_.begin(), m_.base_g_.end(), Real(0));
    std::fill(m_.base_gw_.begin(), m_.base_gw_.end(), Real(0));
    std::fill(m_.base_gww_.begin(), m_.base_gww_.end(), Real(0));
    for (int i = 0; i < n_; ++i) {
      if (m_.active_[i] != 0) continue;
      accumulate_axon_column(m_.g_axon_[i], m_.w_.data() + static_cast<std::size_t>(i) * stride,
                             m_.base_g_.data(), m_.base_gw_.data(), m_.base_gww_.data(), stride, i);
    }
  }
  void with_active() {
    const int stride = m_.stride_;
    m_.sum_g_ = m_.base_g_;
    m_.sum_gw_ = m_.base_gw_;
    m_.sum_gww_ = m_.base_gww_;
    for (int i = 0; i < n_; ++i) {
      if (m_.active_[i] == 0) continue;
      accumulate_axon_column(m_.g_axon_[i], m_.w_.data() + static_cast<std::size_t>(i) * stride,
                             m_.sum_g_.data(), m_.sum_gw_.data(), m_.sum_gww_.data(), stride, i);
    }
  }

  CpuNetwork& m_;
  int n_;
  Real v_tol_;
  double dt_ = 0.0;
  Scheme scheme_{};
  bool base_dirty_ = false;  // collapsed: a column stopped crossing; the base sums are stale
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
  for (auto& x : x_) x.assign(slots, 0.0);
  for (auto& x : xa_) x.assign(n, 0.0);
  for (auto& x : xs_) x.assign(n, 0.0);
  g_axon_.assign(n, Real(0));
  w_.assign(slots, Real(0));
  words_.resize(n);
  keys_.resize(n);
  v_dw_.resize(n);
  v_in_.resize(n);
  g_bus_.resize(n);
  g_soma_track_.resize(n);
  for (auto* a : {&sum_g_, &sum_gw_, &sum_gww_, &speed_, &v_dend_soa_, &vc_dend_soa_}) {
    a->assign(stride_, Real(0));
  }
  g_soma_.assign(n, Real(0));
  for (auto* a : {&base_g_, &base_gw_, &base_gww_}) a->assign(stride_, Real(0));
  active_.assign(n, 0);
  axon_side_.assign(n, -1);
  vdend_k_.assign(static_cast<std::size_t>(kMaxStages) * stride_, Real(0));
  for (auto* a : {&vbus_k_, &prev_vbus_, &prev_vdend_}) {
    a->assign(static_cast<std::size_t>(kMaxStages) * n, Real(0));
  }
  rows_.assign(n, NeuronState<Real>{});

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
        const DeviceParams<Real> p = integrator_params<Real>(ds.phys, spec.k_prefactor, spec.integ.i_depin);
        params_.store(slot, p);
        for (auto& x : x_) x[static_cast<std::size_t>(slot)] = initial_position(p);  // stuck ON: at Len
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
  for (int j = 0; j < n; ++j) {
    if (per_device_) {
      error_scales<Real, true>(view_, j, stride_, rows_[static_cast<std::size_t>(j)]);
    } else {
      error_scales<Real, false>(view_, j, stride_, rows_[static_cast<std::size_t>(j)]);
    }
  }
}

template <class Real>
NetworkOutcome CpuNetwork<Real>::integrate(const PointSpec& spec, std::uint64_t* state_words,
                                           std::uint64_t* undecided_words) {
  const bool extras = spec.integ.extras();
  NetworkOutcome out;
  auto run = [&](auto policy) { out = integrate_trial(policy, spec.integ, &cancel_request()); };
  if (collapse_ && collapsible(spec)) {
    Columns<false, false, true> policy(*this, spec);
    out = integrate_trial(policy, spec.integ, &cancel_request());
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
