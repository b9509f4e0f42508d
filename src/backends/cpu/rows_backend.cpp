// The "cpu-rows" backend: the CUDA kernels' thread-per-row algorithm (spinhop/physics/rows.hpp)
// run on the CPU, every row in turn. Slower than the cpu backend; it exists so that a machine
// without a GPU runs, and tests, the exact code path the kernels take (same policy, same driver,
// same phases), bit for bit against the CPU reference.
#include <memory>
#include <sstream>
#include <thread>

#include "run/worker_pool.hpp"
#include "spinhop/cancel.hpp"
#include "spinhop/backend.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/physics/rows.hpp"

namespace spinhop {

namespace {

// One worker's storage for one network, in the kernels' layout.
template <class Real>
struct RowsWorkspace {
  std::vector<Real> w, params, per_neuron;
  std::vector<double> x, g_m;
  std::vector<std::uint64_t> words, state, undecided;
  std::vector<std::uint32_t> keys;
  std::vector<int> active;
  std::vector<RowVars<Real>> vars;

  RowStorage<Real> carve(int n, bool varied) {
    const std::size_t nn = static_cast<std::size_t>(n) * n;
    x.assign(nn, 0.0);
    w.assign(nn, Real(0));
    g_m.assign(varied ? nn : 0, 0.0);
    params.assign(varied ? static_cast<std::size_t>(kDeviceFields) * nn : 0, Real(0));
    per_neuron.assign((kMaxStages + 7) * static_cast<std::size_t>(n), Real(0));
    words.assign(static_cast<std::size_t>(n), 0);
    keys.assign(static_cast<std::size_t>(n), 0);
    active.assign(static_cast<std::size_t>(n), 0);
    vars.assign(static_cast<std::size_t>(n), RowVars<Real>{});
    RowStorage<Real> st;
    st.x = x.data();
    st.w = w.data();
    if (varied) {
      st.g_m = g_m.data();
      st.params.carve(params.data(), nn);
    }
    Real* p = per_neuron.data();
    st.v_bus = p;
    p += kMaxStages * n;
    Real** arrays[] = {&st.vc_bus, &st.v_dw, &st.v_in, &st.g_bus, &st.g_soma_track, &st.g_axon, &st.g_somas};
    for (Real** a : arrays) {
      *a = p;
      p += n;
    }
    st.words = words.data();
    st.keys = keys.data();
    st.active = active.data();
    return st;
  }
};

template <class Real, bool Varied, bool Extras, bool Collapsed>
NetworkOutcome run_rows(const PointSpec& spec, std::uint64_t local, RowsWorkspace<Real>& ws,
                        std::uint64_t* state, std::uint64_t* undecided) {
  const int n = spec.task.n;
  const RowStorage<Real> st = ws.carve(n, Varied);
  HostRows<Real> ex{n, ws.vars.data()};
  RowsNetwork<Real, HostRows<Real>, Varied, Extras, Collapsed> net(ex, spec, st);
  net.build(local);
  NetworkOutcome out = integrate_trial(net, spec.integ, &cancel_request());
  const int words = words_for(n);
  for (int k = 0; k < words; ++k) state[k] = undecided[k] = 0;
  net.read_out(state, undecided);
  int count = 0;
  for (int j = 0; j < n; ++j) count += test_bit(undecided, j) ? 1 : 0;
  out.undecided = count;
  return out;
}

template <class Real>
NetworkOutcome run_rows_trial(const PointSpec& spec, std::uint64_t local, RowsWorkspace<Real>& ws,
                              std::uint64_t* state, std::uint64_t* undecided, bool collapse) {
  const bool varied = spec.per_device != 0, extras = spec.integ.extras();
  if (collapse && collapsible(spec)) return run_rows<Real, false, false, true>(spec, local, ws, state, undecided);
  if (varied) {
    return extras ? run_rows<Real, true, true, false>(spec, local, ws, state, undecided)
                  : run_rows<Real, true, false, false>(spec, local, ws, state, undecided);
  }
  return extras ? run_rows<Real, false, true, false>(spec, local, ws, state, undecided)
                : run_rows<Real, false, false, false>(spec, local, ws, state, undecided);
}

class RowsBackend final : public Backend {
 public:
  explicit RowsBackend(int threads) : pool_(threads), f_(threads), d_(threads) {}
  std::string name() const override { return "cpu-rows"; }
  std::string device_name() const override {
    std::ostringstream os;
    os << "the CUDA kernels' row algorithm on the CPU (" << pool_.size() << " thread"
       << (pool_.size() > 1 ? "s" : "") << ")";
    return os.str();
  }
  std::uint64_t preferred_batch(int n) const override {
    return static_cast<std::uint64_t>(n <= 32 ? 64 : 8) * static_cast<std::uint64_t>(pool_.size());
  }
  void run(const PointSpec& spec, Precision precision, std::uint64_t first, std::uint64_t count,
           BatchOutcome& out, std::uint64_t stride) override {
    out.resize(spec.task.n, count);
    pool_.parallel_for(count, [&](int worker, std::uint64_t k) {
      if (cancel_requested()) return;  // the batch is dropped: its remaining trials are skipped
      const std::size_t off = static_cast<std::size_t>(k) * out.words;
      const std::uint64_t local = first + k * stride;
      out.trials[k] =
          precision == Precision::Float
              ? run_rows_trial(spec, local, f_[static_cast<std::size_t>(worker)], &out.state[off], &out.undecided[off], collapse_)
              : run_rows_trial(spec, local, d_[static_cast<std::size_t>(worker)], &out.state[off], &out.undecided[off], collapse_);
    });
  }
  // like the CUDA backend: nominal networks may run the collapsed path (the default) or not
  void set_collapse(bool on) override { collapse_ = on; }

 private:
  WorkerPool pool_;
  bool collapse_ = true;
  std::vector<RowsWorkspace<float>> f_;
  std::vector<RowsWorkspace<double>> d_;
};

}  // namespace

std::unique_ptr<Backend> make_rows_backend(int threads) {
  return std::make_unique<RowsBackend>(worker_threads(threads));
}

}  // namespace spinhop
