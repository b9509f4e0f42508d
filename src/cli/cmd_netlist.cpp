// spinhop netlist: one trial as an ngspice netlist, and with --compare the cross-validation:
// ngspice run in batch mode against spinhop's CPU reference (double precision) on that trial.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "commands.hpp"
#include "options.hpp"
#include "report.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/netlist.hpp"
#include "spinhop/results_file.hpp"

namespace spinhop::cli {

namespace {

struct NetlistArgs {
  ExperimentConfig config;
  std::uint64_t point = 0;
  std::uint64_t trial = 0;
  std::string output = "trial.cir";
  double t_stop = 0;
  bool compare = false;
};

void run_netlist(NetlistArgs& a) {
  absolutize_paths(a.config);
  const Experiment exp(a.config);
  if (a.point >= exp.points()) {
    throw ParameterError("--point " + std::to_string(a.point) + ": the run has " +
                         std::to_string(exp.points()) + " point(s)");
  }
  if (a.trial >= a.config.trials) {
    throw ParameterError("--trial " + std::to_string(a.trial) + ": the point has " +
                         std::to_string(a.config.trials) + " trials (raise --trials)");
  }
  const ExperimentPoint pt = exp.point(a.point);
  NetlistOptions opt;
  opt.t_stop = a.t_stop;
  const std::filesystem::path cir = std::filesystem::absolute(a.output);
  opt.output = cir.stem().string() + ".dat";
  write_ngspice_netlist(cir.string(), pt.spec, a.trial, opt);
  std::printf("netlist of point %llu, trial %llu (N = %d): %s\n",
              static_cast<unsigned long long>(a.point), static_cast<unsigned long long>(a.trial),
              pt.spec.task.n, cir.c_str());
  if (!a.compare) return;

  // ngspice, in the netlist's directory (the netlist writes its waveforms there)
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(cir.parent_path());
  double spice_s = 0;
  try {
    spice_s = run_ngspice(cir.string());
  } catch (...) {
    std::filesystem::current_path(cwd);
    throw;
  }
  std::filesystem::current_path(cwd);
  const NgspiceTrace sp = read_ngspice_output((cir.parent_path() / opt.output).string());
  // spinhop's reference on the same trial, and its waveform for the overlay
  auto cpu = make_cpu_backend(1);
  BatchOutcome ref;
  const auto t0 = std::chrono::steady_clock::now();
  cpu->run(pt.spec, Precision::Double, a.trial, 1, ref);
  const double spin_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Trace tr = record_trace(pt.spec, a.point, a.trial, Precision::Double, {});
  const int n = pt.spec.task.n;
  const std::vector<int> bits = ngspice_readout(sp, pt.spec, a.trial);
  int same = 0;
  for (int j = 0; j < n; ++j) {
    const int mine = ref.is_undecided(0, j) ? -1 : (ref.bit(0, j) ? 1 : 0);
    same += mine == bits[static_cast<std::size_t>(j)];
  }
  double max_dx = 0;
  for (std::size_t s = 0; s < tr.t.size(); ++s) {
    for (int j = 0; j < n; ++j) {
      const double d = std::fabs(tr.soma_x[s * n + j] - sp.at(sp.soma_x[static_cast<std::size_t>(j)], tr.t[s]));
      max_dx = std::max(max_dx, d);
    }
  }
  const NetworkOutcome& o = ref.trials[0];
  const double t_sp = sp.solution_time();
  std::printf("  %-22s %14s %14s %10s\n", "", "spinhop (CPU)", "ngspice", "difference");
  std::printf("  %-22s %14s %14s\n", "final read-out", "", same == n ? "identical" : "DIFFERENT");
  std::printf("  %-22s %14s %14s %9.3f%%\n", "time to solution", si(o.t_solution, "s", 6).c_str(),
              si(t_sp, "s", 6).c_str(), 100 * (t_sp / o.t_solution - 1));
  const double e_sp = sp.energy_at(o.t_solution);
  std::printf("  %-22s %14s %14s %9.3f%%\n", "energy (to spinhop's t)", si(o.energy, "J", 6).c_str(),
              si(e_sp, "J", 6).c_str(), 100 * (e_sp / o.energy - 1));
  std::printf("  %-22s %14s\n", "max soma deviation", si(max_dx, "m", 3).c_str());
  std::printf("  %-22s %14s %14s %9.0fx\n", "wall time", si(spin_s, "s").c_str(), si(spice_s, "s").c_str(),
              spice_s / spin_s);
  // spinhop's soma trajectories beside the ngspice waveforms, for tools/spice_compare.py
  const std::string csv = (cir.parent_path() / (cir.stem().string() + ".spinhop.csv")).string();
  std::ofstream out(csv);
  out << "t";
  for (int j = 0; j < n; ++j) out << ",soma_" << j;
  out << "\n";
  out.precision(12);
  for (std::size_t s = 0; s < tr.t.size(); ++s) {
    out << tr.t[s];
    for (int j = 0; j < n; ++j) out << "," << tr.soma_x[s * n + j];
    out << "\n";
  }
  std::printf("  waveforms: %s (ngspice), %s (spinhop)\n",
              (cir.parent_path() / opt.output).c_str(), csv.c_str());
  if (same != n) throw Error("ngspice and spinhop disagree on the final read-out");
}

}  // namespace

void register_netlist(CLI::App& app) {
  auto a = std::make_shared<NetlistArgs>();
  CLI::App* sub = app.add_subcommand(
      "netlist", "write one trial as an ngspice netlist (--compare: run ngspice against spinhop)");
  sub->add_option("--task", a->config.task, "recall, images or maxcut")->capture_default_str();
  add_experiment_options(*sub, a->config, "");
  sub->add_option("--point", a->point, "sweep point of the trial")->capture_default_str();
  sub->add_option("--trial", a->trial, "trial index inside the point")->capture_default_str();
  sub->add_option("-o,--output", a->output, "netlist file")->capture_default_str();
  sub->add_option("--t-stop", a->t_stop,
                  "simulated time [s] (default: spinhop's time to solution + 10% + 10 ns)");
  sub->add_flag("--compare", a->compare,
                "run ngspice (ngspice -b) and compare with spinhop: read-out, time, energy, "
                "trajectories, wall time");
  sub->callback([a] { run_netlist(*a); });
}

}  // namespace spinhop::cli
