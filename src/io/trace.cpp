// Waveforms of single trials, recorded from the CPU reference (bit-identical to the GPU's).
#include <vector>

#include "backends/cpu/cpu_network.hpp"
#include "spinhop/results_file.hpp"

namespace spinhop {

namespace {

template <class Real>
Trace record(const PointSpec& spec, std::uint64_t point, std::uint64_t local,
             const std::vector<std::pair<int, int>>& axons) {
  struct Recorder : CpuNetwork<Real>::StepObserver {
    Trace* tr;
    const CpuNetwork<Real>* net;
    void on_step(double t, int phase, const double* x, int stride, const Real* v_dend, int n,
                 double power) override {
      tr->t.push_back(t);
      tr->phase.push_back(phase);
      tr->power.push_back(power);
      const Real* g_track = net->view().g_soma_track;
      for (int j = 0; j < n; ++j) {
        tr->soma_x.push_back(static_cast<double>(x[j * stride + j]));
        tr->soma_current.push_back(static_cast<double>(v_dend[j]) * static_cast<double>(g_track[j]));
      }
      for (auto [i, j] : tr->axons) tr->axon_x.push_back(static_cast<double>(x[i * stride + j]));
    }
  };
  Trace tr;
  tr.point = point;
  tr.trial = local;
  tr.n = spec.task.n;
  tr.axons = axons;
  CpuNetwork<Real> net;
  net.build(spec, local);
  Recorder rec;
  rec.tr = &tr;
  rec.net = &net;
  net.set_observer(&rec);
  std::vector<std::uint64_t> state((tr.n + 63) / 64), undecided(state.size());
  net.integrate(spec, state.data(), undecided.data());
  return tr;
}

}  // namespace

Trace record_trace(const PointSpec& spec, std::uint64_t point, std::uint64_t local,
                   Precision precision, const std::vector<std::pair<int, int>>& axons) {
  return precision == Precision::Float ? record<float>(spec, point, local, axons)
                                       : record<double>(spec, point, local, axons);
}

}  // namespace spinhop
