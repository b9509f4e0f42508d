// The thread-per-row layout of one network, the network policy of the CUDA kernels (driver.hpp).
//
// Row j (dendrite j's synapses, device (i, j) at i*n + j for every i, soma j at (j, j)) belongs to
// one worker, which keeps the row's node quantities in RowVars. The work of a step is phases
// over rows separated by barriers; an `Exec` says who runs which rows and how they meet:
//
//   template <class F> void each(F f);     f(j, RowVars&) for every row j < n it owns
//   void sync();                           barrier between phases
//   template <class T, class F> T max(F);  maximum over rows of f(j, RowVars&) (T(0) if none)
//   template <class F> double min(F);      minimum over rows of f(j, RowVars&) (+inf if none)
//   template <class F> double sum(F);      sum over rows of f(j, RowVars&), in row order
//   void set_bit(std::uint64_t* words, int j);  sets bit j of shared words
//
// On the GPU a thread group is the Exec (one thread per row, registers for RowVars, shared
// memory for the per-neuron arrays); on the host the same code runs with every row in turn
// (HostRows below), which is how a machine without a GPU tests the kernels' algorithm.
#pragma once

#include "spinhop/physics/driver.hpp"
#include "spinhop/physics/stage.hpp"
#include "spinhop/physics/trial.hpp"

namespace spinhop {

// One row's quantities (a GPU thread's registers).
template <class Real>
struct RowVars : NeuronState<Real> {
  DendriteSums<Real> sums{Real(0), Real(0), Real(0)};
  Real g_soma = Real(0);
  double motion_end = 0.0;     // latest wall_motion_end() of the row's walls in the last step
  // collapsed: the row owner's column axon and its soma [m]; which side of its MTJ the column's
  // axons are on while they do not cross it; the row's sums over the columns that do not
  DendriteSums<Real> base{Real(0), Real(0), Real(0)};
  double xa = 0.0, xs = 0.0;
  int axon_side = -1;
};

// Where one network's arrays live (global or shared memory on the GPU, vectors on the host).
template <class Real>
struct RowStorage {
  double* x = nullptr;      // [n*n] wall positions (per-device layout) [m]
  Real* w = nullptr;        // [n*n] synapse voltages [V]
  double* g_m = nullptr;    // [n*n] 1/R_M per device (varied networks) [S]
  DeviceArrays<Real> params;  // [n*n] per field (varied networks)
  // per neuron
  Real* v_bus = nullptr;    // [kMaxStages][n] bus voltages of every stage of the step [V]
  Real* vc_bus = nullptr;   // [n] combined bus voltages of the stage being evaluated [V]
  Real *v_dw = nullptr, *v_in = nullptr, *g_bus = nullptr, *g_soma_track = nullptr;
  std::uint64_t* words = nullptr;
  std::uint32_t* keys = nullptr;
  Real *g_axon = nullptr, *g_somas = nullptr;  // collapsed: column-axon and soma conductances [S]
  int* active = nullptr;    // collapsed: [n] 1 while column i's axons cross their MTJ
};

template <class Real, class Exec, bool Varied, bool Extras, bool Collapsed>
class RowsNetwork {
 public:
  using RealType = Real;

  SPINHOP_HD RowsNetwork(Exec& ex, const PointSpec& spec, const RowStorage<Real>& st)
      : ex_(ex), spec_(spec), st_(st), n_(spec.task.n), v_tol_(static_cast<Real>(spec.integ.v_tol)) {
    net_.n = n_;
    net_.w = st.w;
    net_.v_dw = st.v_dw;
    net_.v_in = st.v_in;
    net_.g_bus = st.g_bus;
    net_.g_soma_track = st.g_soma_track;
    if constexpr (Varied) net_.params = st.params.as_const();
    net_.soma_nominal = integrator_params<Real>(spec.soma, spec.k_prefactor, spec.integ.i_depin);
    net_.axon_nominal = integrator_params<Real>(spec.axon, spec.k_prefactor, spec.integ.i_depin);
  }

  // Builds trial `local` (trial.hpp's three phases) with every wall at x = 0.
  SPINHOP_HD void build(std::uint64_t local) {
    key_ = spec_.key_of(local);
    const int n = n_;
    ex_.each([&](int j, RowVars<Real>& r) {
      r = RowVars<Real>{};
      const NeuronSeed seed = neuron_seed(spec_, key_, j);
      st_.words[j] = seed.word;
      st_.keys[j] = seed.key;
    });
    ex_.sync();
    ex_.each([&](int j, RowVars<Real>&) {
      const NeuronSources src = neuron_sources(spec_, key_, local, j, st_.keys);
      st_.v_in[j] = static_cast<Real>(src.v_in);
      st_.v_dw[j] = static_cast<Real>(src.v_dw);
      for (int i = 0; i < n; ++i) {
        const int d = i * n + j;
        const DeviceSetup ds = device_setup(spec_, key_, local, i, j, st_.words);
        st_.w[d] = static_cast<Real>(ds.w);
        if constexpr (!Collapsed) st_.x[d] = 0.0;
        if constexpr (Varied) {
          st_.g_m[d] = 1.0 / ds.phys.r_m;
          const DeviceParams<Real> p = integrator_params<Real>(ds.phys, spec_.k_prefactor, spec_.integ.i_depin);
          st_.params.store(d, p);
          if constexpr (!Collapsed) st_.x[d] = initial_position(p);  // a device stuck ON starts at Len
        }
      }
    });
    ex_.sync();
    ex_.each([&](int j, RowVars<Real>& r) {
      if constexpr (Varied) {
        st_.g_bus[j] = static_cast<Real>(axon_bus_conductance(n, j, [&](int d) { return st_.g_m[d]; }));
        st_.g_soma_track[j] = static_cast<Real>(st_.g_m[j * n + j]);
      } else {
        // nominal: every device has the nominal R_M
        const double gm_axon = 1.0 / spec_.axon.r_m;
        st_.g_bus[j] = static_cast<Real>(axon_bus_conductance(n, j, [&](int) { return gm_axon; }));
        st_.g_soma_track[j] = static_cast<Real>(1.0 / spec_.soma.r_m);
      }
      error_scales<Real, Varied>(net_, j, n, r);
    });
    ex_.sync();
  }

  SPINHOP_HD void refresh() {
    if constexpr (Collapsed) {
      ex_.each([&](int j, RowVars<Real>& r) {
        publish_conductances(j, r, r.xa, r.xs);
        r.axon_side = mtj_side(net_.axon_nominal, r.xa);
        st_.active[j] = r.axon_side == 0 ? 1 : 0;
      });
      ex_.sync();
      ex_.each([&](int j, RowVars<Real>& r) {
        r.base = inactive_sums(j);
        r.sums = with_active(j, r.base);
      });
      base_dirty_ = false;
      ex_.sync();
      return;
    }
    const int n = n_;
    ex_.each([&](int j, RowVars<Real>& r) {
      r.sums = DendriteSums<Real>{Real(0), Real(0), Real(0)};
      for (int i = 0; i < n; ++i) {
        const int d = i * n + j;
        const DeviceParams<Real> p = params_at<Varied>(net_, d, i == j);
        const Real g = mtj_conductance(p, st_.x[d]);
        dendrite_accumulate(r.sums, g, net_.w[d], i == j);
        if (i == j) r.g_soma = g;
      }
    });
  }

  SPINHOP_HD void solve_nodes(bool loading, int s) {
    ex_.each([&](int j, RowVars<Real>& r) {
      r.power[s] = neuron_nodes(net_, j, r.sums, r.g_soma, loading, &r.v_bus[s], &r.v_dend[s]);
    });
    ex_.sync();  // every row is done reading the stage's old bus voltages
    ex_.each([&](int j, RowVars<Real>& r) { st_.v_bus[s * n_ + j] = r.v_bus[s]; });
    ex_.sync();
  }

  // The fastest moving wall at the state; which somas are free; the first kink ahead of a soma
  // (the somas are the event walls: a soma's kink changes its whole column's drive).
  SPINHOP_HD Scan scan() {
    const int n = n_;
    Scan out;
    out.vmax = static_cast<double>(ex_.template max<Real>([&](int j, RowVars<Real>& r) {
      if constexpr (Collapsed) {
        const DeviceParams<Real>&pa = net_.axon_nominal, &ps = net_.soma_nominal;
        const Real vs = wall_velocity(ps, r.v_dend[0]);
        r.soma_free = wall_pinned(ps, r.xs, vs) ? 0 : 1;
        return hd::max_(wall_motion_speed(pa, r.xa, wall_velocity(pa, r.v_bus[0]), v_tol_),
                        wall_motion_speed(ps, r.xs, vs, v_tol_));
      }
      Real speed = Real(0);
      for (int i = 0; i < n; ++i) {
        const int d = i * n + j;
        const bool soma = i == j;
        const DeviceParams<Real> p = params_at<Varied>(net_, d, soma);
        const Real v = step_velocity<Real, Extras>(p, soma ? r.v_dend[0] : st_.v_bus[i]);
        speed = hd::max_(speed, wall_motion_speed(p, st_.x[d], v, v_tol_));
        if (soma) r.soma_free = wall_pinned(p, st_.x[d], v) ? 0 : 1;
      }
      return speed;
    }));
    out.t_event = ex_.min([&](int j, RowVars<Real>& r) {
      if constexpr (Collapsed) {
        // the collapsed network's event walls are its somas and its column axons (each column's
        // axons are one wall)
        const DeviceParams<Real>&pa = net_.axon_nominal, &ps = net_.soma_nominal;
        return hd::min_(time_to_kink(pa, r.xa, wall_velocity(pa, r.v_bus[0])),
                        time_to_kink(ps, r.xs, wall_velocity(ps, r.v_dend[0])));
      }
      const int d = j * n + j;
      const DeviceParams<Real> p = params_at<Varied>(net_, d, true);
      return time_to_kink(p, st_.x[d], step_velocity<Real, Extras>(p, r.v_dend[0]));
    });
    return out;
  }

  SPINHOP_HD void stage(int s, double h, const Scheme& sc, const StepNoise& noise) {
    const int n = n_;
    publish_combined();
    if constexpr (Collapsed) {
      // a column whose axons leave their side of the MTJ at this stage joins the crossing ones
      const int joined = ex_.template max<int>([&](int j, RowVars<Real>& r) {
        double xa, xs;
        collapsed_positions(s, h, sc, r, &xa, &xs);
        publish_conductances(j, r, xa, xs);
        if (st_.active[j] == 0 && mtj_side(net_.axon_nominal, xa) != r.axon_side) {
          st_.active[j] = 1;
          return 1;
        }
        return 0;
      });
      ex_.sync();  // every column's conductance and crossing flag are published
      if (joined != 0 || base_dirty_) {
        ex_.each([&](int j, RowVars<Real>& r) { r.base = inactive_sums(j); });
        base_dirty_ = false;
      }
      ex_.each([&](int j, RowVars<Real>& r) { r.sums = with_active(j, r.base); });
      ex_.sync();  // every row is done with this stage's conductances
      return;
    }
    ex_.each([&](int j, RowVars<Real>& r) {
      r.sums = DendriteSums<Real>{Real(0), Real(0), Real(0)};
      for (int i = 0; i < n; ++i) {
        const int d = i * n + j;
        const bool soma = i == j;
        const DeviceParams<Real> p = params_at<Varied>(net_, d, soma);
        const double x = device_position(p, sc, s, h, noise, r, d, i, soma);
        const Real g = mtj_conductance(p, x);
        dendrite_accumulate(r.sums, g, net_.w[d], soma);
        if (soma) r.g_soma = g;
      }
    });
  }

  // The last stage becomes the state: its positions (the end of every wall's motion in the step
  // noted on the way) and, as stage 0 of the next step, its node voltages and power.
  SPINHOP_HD void accept(double h, const Scheme& sc, const StepNoise& noise) {
    commit(h, sc, noise);
    const int s = sc.stages - 1;
    ex_.each([&](int j, RowVars<Real>& r) {
      r.v_bus[0] = r.v_bus[s];
      r.v_dend[0] = r.v_dend[s];
      r.power[0] = r.power[s];
      st_.v_bus[j] = r.v_bus[s];
    });
    ex_.sync();
  }

  SPINHOP_HD void commit(double h, const Scheme& sc, const StepNoise& noise) {
    dt_ = h;
    const int n = n_;
    const int s = sc.stages - 1;
    // the driver looked for departures (adaptive steps, no noise or pinning): correct them
    const bool departures = sc.adaptive && !Extras;
    if constexpr (Collapsed) {
      ex_.each([&](int, RowVars<Real>& r) {
        const DeviceParams<Real>&pa = net_.axon_nominal, &ps = net_.soma_nominal;
        const Real c = static_cast<Real>(sc.c[s]);
        const Real va = stage_velocity(pa, r.vc_bus, c), vs = stage_velocity(ps, r.vc_dend, c);
        r.motion_end = hd::max_(wall_motion_end(pa, r.xa, va, v_tol_, h),
                                wall_motion_end(ps, r.xs, vs, v_tol_, h));
        double xa, xs;
        collapsed_positions(s, h, sc, r, &xa, &xs);
        if (departures) {
          xa = spinhop::departure(pa, r.xa, h, va, r.v_bus[0], r.v_bus[s], xa).x;
          xs = spinhop::departure(ps, r.xs, h, vs, r.v_dend[0], r.v_dend[s], xs).x;
        }
        r.xa = xa;
        r.xs = xs;
      });
      // a column whose axons are on one side of the MTJ again stops crossing
      const int left = ex_.template max<int>([&](int j, RowVars<Real>& r) {
        const int side = mtj_side(net_.axon_nominal, r.xa);
        if (st_.active[j] != 0 && side != 0) {
          st_.active[j] = 0;
          r.axon_side = side;
          return 1;
        }
        return 0;
      });
      ex_.sync();
      if (left != 0) base_dirty_ = true;
      return;
    }
    ex_.each([&](int j, RowVars<Real>& r) {
      r.motion_end = 0.0;
      for (int i = 0; i < n; ++i) {
        const int d = i * n + j;
        const bool soma = i == j;
        const DeviceParams<Real> p = params_at<Varied>(net_, d, soma);
        const Real vc = soma ? r.vc_dend : st_.vc_bus[i];
        const Real v = soma ? mean_velocity<Real, Extras>(p, sc, s, vc, [&](int k) { return r.v_dend[k]; })
                            : mean_velocity<Real, Extras>(p, sc, s, vc, [&](int k) { return st_.v_bus[k * n + i]; });
        r.motion_end = hd::max_(r.motion_end, wall_motion_end(p, st_.x[d], v, v_tol_, h));
        const double x_end = device_position(p, sc, s, h, noise, r, d, i, soma);
        if (departures) {
          const Real v0 = soma ? r.v_dend[0] : st_.v_bus[i], v1 = soma ? r.v_dend[s] : st_.v_bus[s * n + i];
          st_.x[d] = spinhop::departure(p, st_.x[d], h, v, v0, v1, x_end).x;
        } else {
          st_.x[d] = x_end;
        }
      }
    });
  }

  // Pinned walls that leave their track end in the step just evaluated (stage.hpp, departure()):
  // the earliest departure whose correction would change a conductance (the step must be cut
  // there), +infinity if none; commit() applies the corrections. Row j looks at its soma and at
  // column j's axons (neuron j's bus), the latter only where the bus voltage passes one of their
  // stall voltages.
  SPINHOP_HD double departure(double h, const Scheme& sc, const IntegratorConsts&) {
    const int n = n_, last = sc.stages - 1;
    const Real c = static_cast<Real>(sc.c[last]);
    return ex_.min([&](int j, RowVars<Real>& r) {
      double t = 1.0 / 0.0;
      auto cut = [&](const Departure& dep) {
        if (dep.cut) t = hd::min_(t, dep.t);
      };
      if constexpr (Collapsed) {
        const DeviceParams<Real>&pa = net_.axon_nominal, &ps = net_.soma_nominal;
        double xa, xs;
        collapsed_positions(last, h, sc, r, &xa, &xs);
        cut(spinhop::departure(pa, r.xa, h, stage_velocity(pa, r.vc_bus, c), r.v_bus[0], r.v_bus[last], xa));
        cut(spinhop::departure(ps, r.xs, h, stage_velocity(ps, r.vc_dend, c), r.v_dend[0], r.v_dend[last], xs));
        return t;
      }
      const int ds = j * n + j;
      const DeviceParams<Real> ps = params_at<Varied>(net_, ds, true);
      const double xs = wall_position(ps, st_.x[ds], h, stage_velocity(ps, r.vc_dend, c));
      cut(spinhop::departure(ps, st_.x[ds], h, stage_velocity(ps, r.vc_dend, c), r.v_dend[0], r.v_dend[last], xs));
      if (passes_through(r.v_bus[0], r.v_bus[last], r.stall_lo, r.stall_hi)) {
        for (int m = 0; m < n; ++m) {
          const int d = j * n + m;
          if (m == j) continue;
          const DeviceParams<Real> p = params_at<Varied>(net_, d, false);
          const Real v = stage_velocity(p, r.vc_bus, c);
          cut(spinhop::departure(p, st_.x[d], h, v, r.v_bus[0], r.v_bus[last], wall_position(p, st_.x[d], h, v)));
        }
      }
      return t;
    });
  }

  SPINHOP_HD double last_motion() {
    const double latest = ex_.template max<double>([&](int, RowVars<Real>& r) { return r.motion_end; });
    return motion_end_time(latest, dt_);
  }

  template <class F>
  SPINHOP_HD void each_row(F f) {
    ex_.each([&](int j, RowVars<Real>& r) { f(j, static_cast<NeuronState<Real>&>(r)); });
  }
  template <class T, class F>
  SPINHOP_HD T max_rows(F f) {
    return ex_.template max<T>([&](int j, RowVars<Real>& r) { return f(j, static_cast<NeuronState<Real>&>(r)); });
  }

  SPINHOP_HD double total_energy() {
    return ex_.sum([&](int, RowVars<Real>& r) { return r.energy; });
  }

  SPINHOP_HD void observe(const TimeLine&) {}

  // Soma j's read-out into the shared state and undecided words (cleared by the caller).
  SPINHOP_HD void read_out(std::uint64_t* state, std::uint64_t* undecided) {
    const int n = n_;
    const Real hi = static_cast<Real>(spec_.read_hi), lo = static_cast<Real>(spec_.read_lo);
    ex_.each([&](int j, RowVars<Real>& r) {
      int bit;
      if constexpr (Collapsed) {
        bit = wall_readout(r.xs, net_.soma_nominal.len, hi, lo);
      } else {
        const int d = j * n + j;
        bit = wall_readout(st_.x[d], params_at<Varied>(net_, d, true).len, hi, lo);
      }
      if (bit == 1) ex_.set_bit(state, j);
      if (bit < 0) ex_.set_bit(undecided, j);
    });
    ex_.sync();
  }

 private:
  // Every row's combined bus voltage into the shared array, for the other rows' axons.
  SPINHOP_HD void publish_combined() {
    ex_.each([&](int j, RowVars<Real>& r) { st_.vc_bus[j] = r.vc_bus; });
    ex_.sync();
  }

  // Device (i, j)'s position at stage s (its node voltages: the row's own dendrite for the soma,
  // column i's bus for an axon).
  SPINHOP_HD double device_position(const DeviceParams<Real>& p, const Scheme& sc, int s, double h,
                                    const StepNoise& noise, const RowVars<Real>& r, int d, int i,
                                    bool soma) const {
    const int n = n_;
    if (soma) {
      return stage_position<Real, Extras>(p, sc, s, st_.x[d], h, r.vc_dend,
                                          [&](int k) { return r.v_dend[k]; }, noise, key_, d);
    }
    return stage_position<Real, Extras>(p, sc, s, st_.x[d], h, st_.vc_bus[i],
                                        [&](int k) { return st_.v_bus[k * n + i]; }, noise, key_, d);
  }

  // Collapsed: the column axon's and the soma's positions at stage s.
  SPINHOP_HD void collapsed_positions(int s, double h, const Scheme& sc, const RowVars<Real>& r,
                                      double* xa, double* xs) const {
    const DeviceParams<Real>&pa = net_.axon_nominal, &ps = net_.soma_nominal;
    const Real c = static_cast<Real>(sc.c[s]);
    *xa = wall_position(pa, r.xa, h, stage_velocity(pa, r.vc_bus, c));
    *xs = wall_position(ps, r.xs, h, stage_velocity(ps, r.vc_dend, c));
  }

  // Collapsed: column j's axon and soma j conductances into the shared arrays.
  SPINHOP_HD void publish_conductances(int j, RowVars<Real>& r, double xa, double xs) {
    st_.g_axon[j] = mtj_conductance(net_.axon_nominal, xa);
    st_.g_somas[j] = r.g_soma = mtj_conductance(net_.soma_nominal, xs);
  }

  // Collapsed: dendrite j's sums over the columns whose axons do not cross their MTJ (their
  // conductance is constant), in column order; the soma's own column adds nothing (W_jj = 0).
  SPINHOP_HD DendriteSums<Real> inactive_sums(int j) const {
    DendriteSums<Real> s{Real(0), Real(0), Real(0)};
    for (int i = 0; i < n_; ++i) {
      if (i != j && st_.active[i] == 0) dendrite_accumulate(s, st_.g_axon[i], net_.w[i * n_ + j], false);
    }
    return s;
  }
  // ... and then the crossing columns, in column order.
  SPINHOP_HD DendriteSums<Real> with_active(int j, DendriteSums<Real> s) const {
    for (int i = 0; i < n_; ++i) {
      if (i != j && st_.active[i] != 0) dendrite_accumulate(s, st_.g_axon[i], net_.w[i * n_ + j], false);
    }
    return s;
  }

  Exec& ex_;
  const PointSpec& spec_;
  RowStorage<Real> st_;
  NetworkView<Real> net_{};
  int n_;
  Real v_tol_;
  TrialKey key_{};
  double dt_ = 0.0;          // the last step [s]
  bool base_dirty_ = false;  // collapsed: a column stopped crossing; the base sums are stale
};

// The host Exec: every row in turn, barriers are no-ops. Runs the GPU's algorithm on the CPU.
template <class Real>
struct HostRows {
  int n = 0;
  RowVars<Real>* vars = nullptr;  // [n]

  template <class F>
  void each(F f) {
    for (int j = 0; j < n; ++j) f(j, vars[j]);
  }
  void sync() {}
  template <class T, class F>
  T max(F f) {
    T m = T(0);
    for (int j = 0; j < n; ++j) m = hd::max_(m, static_cast<T>(f(j, vars[j])));
    return m;
  }
  template <class F>
  double min(F f) {
    double m = 1.0 / 0.0;
    for (int j = 0; j < n; ++j) m = hd::min_(m, static_cast<double>(f(j, vars[j])));
    return m;
  }
  template <class F>
  double sum(F f) {
    double s = 0.0;
    for (int j = 0; j < n; ++j) s = s + f(j, vars[j]);
    return s;
  }
  void set_bit(std::uint64_t* words, int j) { words[word_of(j)] |= bit_of(j); }
};

}  // namespace spinhop
