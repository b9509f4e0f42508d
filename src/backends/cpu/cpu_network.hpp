// The CPU integrator for one network at a time: storage, trial construction and the time loop.
// The reference implementation; the CUDA kernel follows the same sequence of shared functions.
#pragma once

#include <vector>

#include "spinhop/physics/outcome.hpp"
#include "spinhop/physics/trial_setup.hpp"

namespace spinhop {

struct KickContext;

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
  // device (i, j) is at positions()[i * stride() + j]
  const std::vector<Real>& positions() const { return x_[cur_]; }
  int stride() const { return stride_; }
  const std::vector<std::uint64_t>& pattern_words() const { return words_; }
  const std::vector<Real>& inputs() const { return v_in_; }

  // Optional observer called at the start and after every accepted step (waveform traces):
  // positions x (device (i, j) at i * stride + j), dendrite (soma track) voltages [n], total
  // source power [W].
  struct StepObserver {
    virtual ~StepObserver() = default;
    virtual void on_step(double t, int phase, const Real* x, int stride, const Real* v_dendrite,
                         int n, double power) = 0;
  };
  void set_observer(StepObserver* obs) { observer_ = obs; }
  // Nominal networks without noise: integrate one axon per neuron (its axons move in lockstep,
  // bit for bit). On by default; off gives the per-device path with the same results.
  void set_collapse(bool on) { collapse_ = on; }

 private:
  template <bool Varied, bool Extras, bool Collapsed>
  NetworkOutcome run(const PointSpec& spec, std::uint64_t* state_words,
                     std::uint64_t* undecided_words);
  template <bool Varied, bool Extras, bool Collapsed>
  Real scan_motion(Real v_tol);
  template <bool Varied, bool Extras, bool Move, bool Collapsed>
  void advance_and_sum(Real dt, const KickContext& kick);
  void solve_nodes(bool loading);
  template <bool Varied, bool Extras, bool Collapsed>
  double last_motion_time(double dt, Real v_tol) const;

  int n_ = 0;
  int stride_ = 0;  // storage rows per column (n padded to a multiple of 8)
  int cur_ = 0;
  TrialKey key_{};
  StepObserver* observer_ = nullptr;
  bool collapse_ = true;
  NetworkView<Real> view_{};
  std::vector<Real> x_[2];
  std::vector<Real> xa_[2], xs_[2], g_axon_;  // collapsed: one axon per column, the somas
  std::vector<Real> w_, g_ap_, dg_, x_lo_, inv_w_, len_, kg_, leak_, v_pin_;
  std::vector<double> g_m_;
  std::vector<Real> v_dw_, v_in_, g_bus_, g_soma_track_;
  std::vector<std::uint64_t> words_;
  std::vector<std::uint32_t> keys_;
  // per neuron j (row sums, node voltages, power)
  std::vector<Real> sum_g_, sum_gw_, sum_gww_, g_soma_, speed_;
  std::vector<Real> v_bus_, v_dend_, v_bus_prev_, v_dend_prev_;
  std::vector<double> power_, power_prev_, energy_;
};

extern template class CpuNetwork<float>;
extern template class CpuNetwork<double>;

}  // namespace spinhop
