// The thread-per-row layout of one network, the network policy of the CUDA kernels (driver.hpp).
//
// Row j (dendrite j's synapses, device (i, j) at i*n + j for every i, soma j at (j, j)) belongs to
// one worker, which keeps the row's node quantities in RowVars. The work of a step is phases
// over rows separated by barriers; an `Exec` says who runs which rows and how they meet:
//
//   template <class F> void each(F f);     f(j, RowVars&) for every row j < n it owns
//   void sync();                           barrier between phases
//   template <class T, class F> T max(F);  maximum over rows of f(j, RowVars&)
//   template <class F> double sum(F);      sum over rows of f(j, RowVars&), in row order
//   void set_bit(std::uint64_t* words, int j);  sets bit j of shared words
//
// On the GPU a thread group is the Exec (one thread per row, registers for RowVars, shared
// memory for the per-neuron arrays); on the host the same code runs with every row in turn
// (HostRows below), which is how a machine without a GPU tests the kernels' algorithm.
#pragma once

#include "spinhop/physics/driver.hpp"
#include "spinhop/physics/trial.hpp"

namespace spinhop {

// One row's quantities (a GPU thread's registers).
template <class Real>
struct RowVars {
  RowEnergy e;
  DendriteSums<Real> sums{Real(0), Real(0), Real(0)};
  Real g_soma = Real(0), v_dend = Real(0), v_bus = Real(0);
  Real motion_end = Real(0);  // latest wall_motion_end() of the row's walls in the last step
  Real xa = Real(0), xs = Real(0);  // collapsed: the row owner's column axon and its soma [m]
};

// Where one network's arrays live (global or shared memory on the GPU, vectors on the host).
template <class Real>
struct RowStorage {
  Real* x = nullptr;        // [n*n] wall positions (per-device layout) [m]
  Real* w = nullptr;        // [n*n] synapse voltages [V]
  double* g_m = nullptr;    // [n*n] 1/R_M per device (varied networks) [S]
  DeviceArrays<Real> params;  // [n*n] per field (varied networks)
  // per neuron
  Real *v_bus = nullptr, *v_dw = nullptr, *v_in = nullptr, *g_bus = nullptr,
       *g_soma_track = nullptr;
  std::uint64_t* words = nullptr;
  std::uint32_t* keys = nullptr;
  Real *g_axon = nullptr, *g_somas = nullptr;  // collapsed: column-axon and soma conductances [S]
};

template <class Real, class Exec, bool Varied, bool Extras, bool Collapsed>
class RowsNetwork {
 public:
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
        if constexpr (!Collapsed) st_.x[d] = Real(0);
        if constexpr (Varied) {
          st_.g_m[d] = 1.0 / ds.phys.r_m;
          st_.params.store(d, integrator_params<Real>(ds.phys, spec_.k_prefactor, spec_.integ.i_depin));
        }
      }
    });
    ex_.sync();
    ex_.each([&](int j, RowVars<Real>&) {
      if constexpr (Varied) {
        st_.g_bus[j] = static_cast<Real>(axon_bus_conductance(n, j, [&](int d) { return st_.g_m[d]; }));
        st_.g_soma_track[j] = static_cast<Real>(st_.g_m[j * n + j]);
      } else {
        // nominal: every device has the nominal R_M
        const double gm_axon = 1.0 / spec_.axon.r_m;
        st_.g_bus[j] = static_cast<Real>(axon_bus_conductance(n, j, [&](int) { return gm_axon; }));
        st_.g_soma_track[j] = static_cast<Real>(1.0 / spec_.soma.r_m);
      }
    });
    ex_.sync();
  }

  SPINHOP_HD void refresh() {
    if constexpr (Collapsed) {
      publish_conductances();
      ex_.each([&](int j, RowVars<Real>& r) { r.sums = collapsed_row_sums(j, r); });
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

  SPINHOP_HD void solve_nodes(bool loading) {
    ex_.each([&](int j, RowVars<Real>& r) {
      r.e.power = neuron_nodes(net_, j, r.sums, r.g_soma, loading, &r.v_bus, &r.v_dend);
    });
    ex_.sync();  // every row is done reading the old bus voltages
    ex_.each([&](int j, RowVars<Real>& r) { st_.v_bus[j] = r.v_bus; });
    ex_.sync();
  }

  SPINHOP_HD double fastest_wall() {
    const int n = n_;
    const Real vmax = ex_.template max<Real>([&](int j, RowVars<Real>& r) {
      if constexpr (Collapsed) {
        const DeviceParams<Real>&pa = net_.axon_nominal, &ps = net_.soma_nominal;
        return hd::max_(wall_motion_speed(pa, r.xa, wall_velocity(pa, r.v_bus), v_tol_),
                        wall_motion_speed(ps, r.xs, wall_velocity(ps, r.v_dend), v_tol_));
      }
      Real speed = Real(0);
      for (int i = 0; i < n; ++i) {
        const int d = i * n + j;
        const bool soma = i == j;
        const DeviceParams<Real> p = params_at<Varied>(net_, d, soma);
        const Real v = step_velocity<Real, Extras>(p, soma ? r.v_dend : st_.v_bus[i]);
        speed = hd::max_(speed, wall_motion_speed(p, st_.x[d], v, v_tol_));
      }
      return speed;
    });
    return static_cast<double>(vmax);
  }

  SPINHOP_HD void step(const StepContext& s) {
    dt_ = s.dt;
    const Real dt = static_cast<Real>(s.dt);
    const int n = n_;
    if constexpr (Collapsed) {
      const DeviceParams<Real>&pa = net_.axon_nominal, &ps = net_.soma_nominal;
      ex_.each([&](int, RowVars<Real>& r) {
        const Real va = wall_velocity(pa, r.v_bus), vs = wall_velocity(ps, r.v_dend);
        r.motion_end = hd::max_(wall_motion_end(pa, r.xa, va, v_tol_, dt),
                                wall_motion_end(ps, r.xs, vs, v_tol_, dt));
        r.xa = wall_advance(pa, r.xa, va, dt);
        r.xs = wall_advance(ps, r.xs, vs, dt);
      });
      ex_.sync();  // every row is done with the old conductances
      refresh();
      return;
    }
    ex_.each([&](int j, RowVars<Real>& r) {
      r.sums = DendriteSums<Real>{Real(0), Real(0), Real(0)};
      r.motion_end = Real(0);
      for (int i = 0; i < n; ++i) {
        const int d = i * n + j;
        const bool soma = i == j;
        const DeviceParams<Real> p = params_at<Varied>(net_, d, soma);
        const Real xd = st_.x[d];
        const Real v_track = soma ? r.v_dend : st_.v_bus[i];
        const Real v = step_velocity<Real, Extras>(p, v_track);
        r.motion_end = hd::max_(r.motion_end, wall_motion_end(p, xd, v, v_tol_, dt));
        Real xn;
        if constexpr (Extras) {
          const Real kick = thermal_kick(p, xd, v_track, v, key_, d, s.index, s.kick_scale);
          xn = wall_advance_kicked(p, xd, v, dt, kick);
        } else {
          xn = wall_advance(p, xd, v, dt);
        }
        st_.x[d] = xn;
        const Real g = mtj_conductance(p, xn);
        dendrite_accumulate(r.sums, g, net_.w[d], soma);
        if (soma) r.g_soma = g;
      }
    });
  }

  SPINHOP_HD double last_motion() {
    const Real latest = ex_.template max<Real>([&](int, RowVars<Real>& r) { return r.motion_end; });
    return motion_end_time(latest, dt_);
  }

  template <class F>
  SPINHOP_HD void each_row(F f) {
    ex_.each([&](int, RowVars<Real>& r) { f(r.e); });
  }

  SPINHOP_HD double total_energy() {
    return ex_.sum([&](int, RowVars<Real>& r) { return r.e.energy; });
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
  // Collapsed: column j's axon and soma j conductances into the shared arrays.
  SPINHOP_HD void publish_conductances() {
    const DeviceParams<Real>&pa = net_.axon_nominal, &ps = net_.soma_nominal;
    ex_.each([&](int j, RowVars<Real>& r) {
      st_.g_axon[j] = mtj_conductance(pa, r.xa);
      st_.g_somas[j] = r.g_soma = mtj_conductance(ps, r.xs);
    });
    ex_.sync();
  }

  // Collapsed: dendrite j's row sums from the column and soma conductances.
  SPINHOP_HD DendriteSums<Real> collapsed_row_sums(int j, const RowVars<Real>&) const {
    DendriteSums<Real> s{Real(0), Real(0), Real(0)};
    for (int i = 0; i < n_; ++i) {
      const bool soma = i == j;
      dendrite_accumulate(s, soma ? st_.g_somas[i] : st_.g_axon[i], net_.w[i * n_ + j], soma);
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
  double dt_ = 0.0;  // the last step [s]
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
  double sum(F f) {
    double s = 0.0;
    for (int j = 0; j < n; ++j) s = s + f(j, vars[j]);
    return s;
  }
  void set_bit(std::uint64_t* words, int j) { words[word_of(j)] |= bit_of(j); }
};

}  // namespace spinhop
