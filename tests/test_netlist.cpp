// Cross-validation against SPICE (issue 8): trials written as ngspice netlists, run by ngspice (an
// independent circuit simulator: implicit Gear integration with its own step control) and
// compared with spinhop's explicit integration of the same trial, variation included.
//
// Two comparisons per trial:
//  * with spinhop as users run it (default step, dx_max = 2 nm): identical final bits, time to
//    solution and energy within 2% (issue 8). Over 63 trials (recall N = 3, 5, 8 and max-cut
//    n = 8, nominal and 10% variation, docs/validation.md) the differences reach 1.6% (time) and
//    1.8% (energy), in the trials here 0.4% and 0.7%. They are spinhop's own discretisation,
//    first order in the step: they shrink in proportion to dx_max, and the energy, a left
//    Riemann sum over 2 nm steps, errs most while walls cross an MTJ (the power changes along the
//    crossing).
//  * with spinhop at a fine step (dx_max = 0.02 nm): the same physics must then agree to the
//    accuracy of the two integrations. Measured over the 63 trials: time to solution and energy
//    within 2.3e-4, trajectories within 0.76 nm (a 308 ns trial: a ~1e-4 timing offset,
//    accumulated while a soma creeps, becomes position while it moves fast; <= 0.18 nm in the
//    trials here). Both shrink with the steps: on the worst of them (recall N = 8, 2.3e-4),
//    ngspice at 10 ps and TRTOL 0.1 against spinhop at 0.005 nm agree to 2e-5, 1e-5 and 0.03 nm.
//    Asserted: 5e-4, 5e-4, 1 nm.
//
// ngspice's run time grows with the simulated time (~1-3 s per 100 ns at N = 8 here), so each
// case takes the first trial of its point that spinhop finishes within 150 ns with every soma
// decided. The excluded slow trials are the marginal ones whose timing depends on round-off
// (model.md section 8), the wrong ones for a timing comparison anyway.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "backends/cpu/cpu_network.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/netlist.hpp"
#include "spinhop/runner.hpp"

using namespace spinhop;

namespace {

// Every wall position after every step of spinhop's integration.
struct Trajectory : CpuNetwork<double>::StepObserver {
  std::vector<double> t;
  std::vector<std::vector<double>> x;  // [step][device i*N + j] [m]
  void on_step(double time, int, const double* pos, int stride, const double*, int n,
               double) override {
    t.push_back(time);
    std::vector<double> row(static_cast<std::size_t>(n) * n);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) row[i * n + j] = pos[i * stride + j];
    }
    x.push_back(std::move(row));
  }
};

VariationSigmas ten_percent() {
  VariationSigmas s;
  s.r_p = s.r_ap = s.r_m = s.area = s.length = s.mtj_width = s.mtj_position = s.leak = 0.1;
  s.w = s.v_dw = s.v_c = 0.1;
  return s;
}

std::string scratch_dir() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("spinhop_netlist_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

// Read-out as -1/0/1 per soma from a backend's batch.
std::vector<int> readout(const BatchOutcome& out) {
  std::vector<int> bits(static_cast<std::size_t>(out.n));
  for (int j = 0; j < out.n; ++j) bits[j] = out.is_undecided(0, j) ? -1 : (out.bit(0, j) ? 1 : 0);
  return bits;
}

NetworkOutcome run_one(const PointSpec& spec, std::uint64_t local, BatchOutcome& out) {
  out.resize(spec.task.n, 1);
  make_cpu_backend(1)->run(spec, Precision::Double, local, 1, out);
  return out.trials[0];
}

// The first trial in [0, 64) that converges within t_limit with every soma decided; -1 if none.
long pick_trial(const PointSpec& spec, double t_limit) {
  auto backend = make_cpu_backend(1);
  BatchOutcome out;
  out.resize(spec.task.n, 64);
  backend->run(spec, Precision::Double, 0, 64, out);
  for (std::size_t k = 0; k < 64; ++k) {
    if (out.trials[k].converged && out.trials[k].undecided == 0 &&
        out.trials[k].t_solution < t_limit) {
      return static_cast<long>(k);
    }
  }
  return -1;
}

struct Agreement {
  bool bits_default = false, bits_fine = false;
  double t_spice = 0, t_default = 0, t_fine = 0;       // [s]
  double e_spice = 0, e_default = 0, e_fine = 0;       // [J]
  double dx_soma = 0, dx_axon = 0;                     // vs the fine run [m]
  double dx_soma_default = 0, dx_axon_default = 0;     // vs the default run [m]
  double wall_spice = 0;                               // [s]
};

// Largest |x_spice - x_spinhop| over spinhop's steps, somas and axons separately.
void trajectory_difference(const NgspiceTrace& tr, const Trajectory& traj, int n, double* soma,
                           double* axon) {
  *soma = *axon = 0;
  for (std::size_t k = 0; k < traj.t.size(); ++k) {
    for (int j = 0; j < n; ++j) {
      const double d = std::fabs(tr.at(tr.soma_x[j], traj.t[k]) - traj.x[k][j * n + j]);
      *soma = std::max(*soma, d);
    }
    for (std::size_t a = 0; a < tr.axon_x.size(); ++a) {
      const double d =
          std::fabs(tr.at(tr.axon_x[a], traj.t[k]) - traj.x[k][tr.axon_device[a]]);
      *axon = std::max(*axon, d);
    }
  }
}

Agreement compare_with_ngspice(const PointSpec& spec, std::uint64_t local,
                               const std::string& name) {
  const int n = spec.task.n;
  const std::string dir = scratch_dir();
  NetlistOptions opt;
  opt.title = "spinhop test " + name;
  opt.output = dir + "/" + name + ".dat";
  const std::string cir = dir + "/" + name + ".cir";
  write_ngspice_netlist(cir, spec, local, opt);
  Agreement a;
  a.wall_spice = run_ngspice(cir);
  const NgspiceTrace tr = read_ngspice_output(opt.output);
  EXPECT_EQ(tr.n, n);
  EXPECT_EQ(static_cast<int>(tr.axon_x.size()), n * (n - 1));

  // spinhop as users run it
  BatchOutcome out;
  const NetworkOutcome def = run_one(spec, local, out);
  const std::vector<int> bits_default = readout(out);
  // spinhop at a fine step, with its trajectories
  PointSpec fine = spec;
  fine.integ.dx_max = 0.02e-9;
  const NetworkOutcome fin = run_one(fine, local, out);
  const std::vector<int> bits_fine = readout(out);

  const std::vector<int> bits_spice = ngspice_readout(tr, spec, local);
  a.bits_default = bits_spice == bits_default;
  a.bits_fine = bits_spice == bits_fine;
  a.t_spice = tr.solution_time();
  a.e_spice = tr.energy_at(a.t_spice);
  a.t_default = def.t_solution;
  a.e_default = def.energy;
  a.t_fine = fin.t_solution;
  a.e_fine = fin.energy;

  for (int pass = 0; pass < 2; ++pass) {
    CpuNetwork<double> net;
    net.build(pass == 0 ? fine : spec, local);
    Trajectory traj;
    net.set_observer(&traj);
    std::vector<std::uint64_t> st((n + 63) / 64), ud(st.size());
    net.integrate(pass == 0 ? fine : spec, st.data(), ud.data());
    trajectory_difference(tr, traj, n, pass == 0 ? &a.dx_soma : &a.dx_soma_default,
                          pass == 0 ? &a.dx_axon : &a.dx_axon_default);
  }
  std::printf(
      "[ngspice] %-16s trial %2llu  bits %s  t_sol %.4f ns: default %+.2e fine %+.2e  "
      "E %.5g pJ: default %+.2e fine %+.2e  max|dx| nm soma/axon: fine %.3f/%.3f default "
      "%.2f/%.2f  ngspice %.2f s\n",
      name.c_str(), static_cast<unsigned long long>(local),
      a.bits_default && a.bits_fine ? "same" : "DIFFER", a.t_spice * 1e9,
      a.t_spice / a.t_default - 1, a.t_spice / a.t_fine - 1, a.e_spice * 1e12,
      a.e_spice / a.e_default - 1, a.e_spice / a.e_fine - 1, a.dx_soma * 1e9, a.dx_axon * 1e9,
      a.dx_soma_default * 1e9, a.dx_axon_default * 1e9, a.wall_spice);
  std::error_code ec;
  std::filesystem::remove(cir, ec);
  std::filesystem::remove(cir + ".log", ec);
  std::filesystem::remove(opt.output, ec);
  std::filesystem::remove(dir, ec);  // if empty
  return a;
}

void check_agreement(const Agreement& a) {
  EXPECT_TRUE(a.bits_default);
  EXPECT_TRUE(a.bits_fine);
  ASSERT_TRUE(std::isfinite(a.t_spice)) << "ngspice's walls still move at the stop time";
  // against spinhop's default step: issue 8's 2%
  EXPECT_NEAR(a.t_spice / a.t_default, 1.0, 0.02);
  EXPECT_NEAR(a.e_spice / a.e_default, 1.0, 0.02);
  // against the fine step: the accuracy of ngspice's own integration
  EXPECT_NEAR(a.t_spice / a.t_fine, 1.0, 5e-4);
  EXPECT_NEAR(a.e_spice / a.e_fine, 1.0, 5e-4);
  EXPECT_LT(a.dx_soma, 1e-9);
  EXPECT_LT(a.dx_axon, 1e-9);
}

void recall_case(int n, bool varied) {
  if (!ngspice_available()) GTEST_SKIP() << "ngspice is not installed";
  ModelParams m;
  RecallTask task(n, 1);
  const PointSpec spec =
      make_point_spec(m, varied ? ten_percent() : VariationSigmas{}, task.spec(m), 2024, 0);
  const long local = pick_trial(spec, 150e-9);
  ASSERT_GE(local, 0);
  check_agreement(compare_with_ngspice(spec, static_cast<std::uint64_t>(local),
                                       "recall_n" + std::to_string(n) + (varied ? "_var" : "")));
}

// One G(8, 0.5) graph; its nominal trial converges (not every graph does: symmetric nodes can
// oscillate forever, model.md section 8).
void maxcut_case(bool varied) {
  if (!ngspice_available()) GTEST_SKIP() << "ngspice is not installed";
  ModelParams m;
  MaxCutTask task({random_graph(8, 0.5, 11, 0)}, 1.05);
  const PointSpec spec =
      make_point_spec(m, varied ? ten_percent() : VariationSigmas{}, task.spec(m), 2024, 0);
  const long local = pick_trial(spec, 150e-9);
  ASSERT_GE(local, 0);
  check_agreement(compare_with_ngspice(spec, static_cast<std::uint64_t>(local),
                                       std::string("maxcut_n8") + (varied ? "_var" : "")));
}

}  // namespace

TEST(Netlist, RecallN3Nominal) { recall_case(3, false); }
TEST(Netlist, RecallN3Variation) { recall_case(3, true); }
TEST(Netlist, RecallN5Nominal) { recall_case(5, false); }
TEST(Netlist, RecallN5Variation) { recall_case(5, true); }
TEST(Netlist, RecallN8Nominal) { recall_case(8, false); }
TEST(Netlist, RecallN8Variation) { recall_case(8, true); }
TEST(Netlist, MaxCutN8Nominal) { maxcut_case(false); }
TEST(Netlist, MaxCutN8Variation) { maxcut_case(true); }

// The netlist holds the trial's own draws: N^2 device instances, one source per synapse, and
// per-instance parameters exactly when the devices vary. No ngspice needed.
TEST(Netlist, WritesEveryDeviceAndSource) {
  ModelParams m;
  RecallTask task(4, 2);
  for (bool varied : {false, true}) {
    const PointSpec spec =
        make_point_spec(m, varied ? ten_percent() : VariationSigmas{}, task.spec(m), 5, 0);
    NetlistOptions opt;
    opt.t_stop = 50e-9;
    const std::string text = ngspice_netlist(spec, 3, opt);
    int somas = 0, axons = 0, synapses = 0, with_params = 0;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("Xs", 0) == 0) ++somas;
      if (line.rfind("Xa", 0) == 0) ++axons;
      if (line.rfind("Vw", 0) == 0) ++synapses;
      if ((line.rfind("Xs", 0) == 0 || line.rfind("Xa", 0) == 0) &&
          line.find("rp=") != std::string::npos) {
        ++with_params;
      }
    }
    EXPECT_EQ(somas, 4);
    EXPECT_EQ(axons, 12);
    EXPECT_EQ(synapses, 12);
    EXPECT_EQ(with_params, varied ? 16 : 0);
    EXPECT_NE(text.find(".tran 1e-11 5e-08 0 1e-10 uic"), std::string::npos);
    EXPECT_NE(text.find("method=gear"), std::string::npos);
    // the first synapse source carries the trial's W_01 (with its voltage error)
    const TrialCircuit c = rebuild_circuit(spec, 3);
    const std::size_t at = text.find("Vw0_1 ");
    ASSERT_NE(at, std::string::npos);
    EXPECT_DOUBLE_EQ(std::strtod(text.c_str() + text.find("DC ", at) + 3, nullptr), c.w[1]);
  }
}

TEST(Netlist, RefusesWhatSpiceCannotRepresent) {
  ModelParams m;
  RecallTask task(3, 1);
  NetlistOptions opt;
  opt.t_stop = 50e-9;
  {
    ModelParams s = m;
    s.load_mode = LoadMode::Stationary;
    EXPECT_THROW(ngspice_netlist(make_point_spec(s, {}, task.spec(s), 1, 0), 0, opt),
                 ParameterError);
  }
  {
    ModelParams s = m;
    s.thermal_noise = true;
    EXPECT_THROW(ngspice_netlist(make_point_spec(s, {}, task.spec(s), 1, 0), 0, opt),
                 ParameterError);
  }
  {
    ModelParams s = m;
    s.i_depin = 1e-6;
    EXPECT_THROW(ngspice_netlist(make_point_spec(s, {}, task.spec(s), 1, 0), 0, opt),
                 ParameterError);
  }
}

TEST(Netlist, ReadsWrdataAndLocatesTheEnd) {
  const std::string path = scratch_dir() + "/synthetic.dat";
  {
    std::ofstream f(path);
    f << " time v(xs0) v(xs1) v(xa0_1) v(xa1_0) speed tleft v(power) v(energy)\n";
    // soma 1 is 10 nm from its end at 2 ns, at 20 m/s: it arrives at 2.5 ns
    f << " 1e-9 50 10 0 0 100 1e-9 1 0\n";
    f << " 2e-9 100 90 0 1 20 0.5e-9 1 1\n";
    f << " 3e-9 100 100 0 2 0 0 1 2\n";
  }
  const NgspiceTrace tr = read_ngspice_output(path);
  ASSERT_EQ(tr.n, 2);
  ASSERT_EQ(tr.axon_x.size(), 2u);
  EXPECT_EQ(tr.axon_device[1], 2);  // device (1, 0)
  EXPECT_DOUBLE_EQ(tr.soma_x[1][1], 90e-9);
  EXPECT_DOUBLE_EQ(tr.energy[2], 2e-12);
  EXPECT_DOUBLE_EQ(tr.power[0], 1e-3);
  EXPECT_NEAR(tr.solution_time(), 2.5e-9, 1e-15);
  EXPECT_NEAR(tr.energy_at(2.5e-9), 1.5e-12, 1e-24);
  std::filesystem::remove(path);
  EXPECT_THROW(read_ngspice_output(path), IoError);
  std::error_code ec;
  std::filesystem::remove(std::filesystem::path(path).parent_path(), ec);  // if empty
}

TEST(Netlist, NgspiceFailureIsAnIoError) {
  if (!ngspice_available()) GTEST_SKIP() << "ngspice is not installed";
  const std::string path = scratch_dir() + "/broken.cir";
  {
    std::ofstream f(path);
    f << "* broken\nR1 a 0 1k\nB1 a 0 I = nosuchfunction(v(a))\n.tran 1n 10n\n.end\n";
  }
  EXPECT_THROW(run_ngspice(path), IoError);
  std::error_code ec;
  std::filesystem::remove(path, ec);
  std::filesystem::remove(path + ".log", ec);
  std::filesystem::remove(std::filesystem::path(path).parent_path(), ec);  // if empty
}
