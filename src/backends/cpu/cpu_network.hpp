// The CPU reference's network: storage in padded columns, trial construction, and the network
// policy the one driver (spinhop/physics/driver.hpp) runs with vectorised column loops.
#pragma once

#include <vector>

#include "spinhop/physics/driver.hpp"
#include "spinhop/physics/stage.hpp"
#include "spinhop/physics/trial.hpp"

namespace spinhop {

template <class Real>
class CpuNetwork {
 public:
  // Build trial `local` of the point: weights, inputs, sources, per-device parameters, x = 0.
  void build(const PointSpec& spec, std::uint64_t local);
  // Integrate the built trial to convergence or t_max; fills the outcome and the final read-out.
  NetworkOutcome integrate(const PointSpec& spec, std::uint64_t* state_words,
                           std::uint64_t* undecided_words);

  int n() const { return n_; }
  const NetworkView<Real>& view() const { return view_; }
  // device (i, j) is at positions()[i * stride() + j] [m]
  const std::vector<double>& positions() const { return x_[cur_]; }
  int stride() const { return stride_; }
  const std::vector<std::uint64_t>& pattern_words() const { return words_; }
  const std::vector<Real>& inputs() const { return v_in_; }

  // Optional observer called at the start and after every accepted step (waveform traces):
  // positions x (device (i, j) at i * stride + j), dendrite (soma track) voltages [n], total
  // source power [W].
  struct StepObserver {
    virtual ~StepObserver() = default;
    virtual void on_step(double t, int phase, const double* x, int stride, const Real* v_dendrite,
                         int n, double power) = 0;
  };
  void set_observer(StepObserver* obs) { observer_ = obs; }
  // Nominal networks without noise: integrate one axon per neuron (its axons move in lockstep,
  // bit for bit). On by default; off gives the per-device path with the same results.
  void set_collapse(bool on) { collapse_ = on; }

  template <bool Varied, bool Extras, bool Collapsed>
  class Columns;  // the network policy (cpu_network.cpp)

 private:
  int n_ = 0;
  int stride_ = 0;  // storage rows per column (n padded to a multiple of 8)
  TrialKey key_{};
  StepObserver* observer_ = nullptr;
  bool collapse_ = true;
  bool per_device_ = false;  // the per-device parameter arrays are filled
  NetworkView<Real> view_{};
  // positions, double-buffered: the start of the last step is kept for its end of motion [m]
  int cur_ = 0;
  std::vector<double> x_[2];                  // [n][stride]
  std::vector<double> xa_[2], xs_[2];         // collapsed: one axon per column, the somas
  std::vector<Real> g_axon_;
  std::vector<Real> w_;
  std::vector<Real> param_store_;             // kDeviceFields blocks of [n][stride]
  DeviceArrays<Real> params_{};
  std::vector<double> g_m_;
  std::vector<Real> v_dw_, v_in_, g_bus_, g_soma_track_;
  std::vector<std::uint64_t> words_;
  std::vector<std::uint32_t> keys_;
  std::vector<NeuronState<Real>> rows_;       // the driver's per-neuron state
  // per row j, contiguous for the column loops (copied from rows_ before a pass)
  std::vector<Real> sum_g_, sum_gw_, sum_gww_, g_soma_, speed_, v_dend_soa_, vc_dend_soa_;
  std::vector<Real> vdend_k_, vbus_k_;        // depinning: every stage's node voltages
  std::vector<Real> prev_vbus_, prev_vdend_;  // depinning: those of the last accepted step
  // collapsed: which columns' axons cross their MTJ, the side of the others, the row sums over
  // those others
  std::vector<int> active_, axon_side_;
  std::vector<Real> base_g_, base_gw_, base_gww_;
};

extern template class CpuNetwork<float>;
extern template class CpuNetwork<double>;

}  // namespace spinhop
