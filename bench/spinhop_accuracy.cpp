// spinhop_accuracy: how far the default integrator settings are from converged answers.
//
// Each workload runs, trial for trial, with the settings under test (the defaults plus any
// --test options) and against references:
//  * the reference: rk23 in double at rtol 1e-9, atol 1e-11 m/s (10^5 tighter than the default);
//  * the perturbed reference: the same with every synapse source W_ij moved by a random relative
//    1e-9. A trial whose final state or time (by more than 0.1%) it changes is marginal: its
//    answer is set by round-off, not by the physics (model.md "slow tails": symmetric pairs of
//    neurons creeping together until round-off splits them). Marginal trials are counted apart;
//  * an independent check: the explicit fixed-displacement Euler scheme in double at 2 pm / 1 ps
//    and at 4 pm / 2 ps (about 1000x the default's steps), the reference of the issue that
//    introduced rk23. It is first order, so its two runs extrapolate to its zero-step limit
//    (2 t(h) - t(2h)); its final states and extrapolated times are compared with the reference.
// Over the trials that are not marginal it prints how many end in a different final state than
// the reference, the bias and spread of the time to solution and the exact energy, and the cost
// of the tested settings. Reference results are cached (--cache DIR), since they take minutes;
// the cache key is the options' text, so clear it when the integrator's code changes.
//
//   spinhop_accuracy [--workloads a,b,...] [--scale F] [--test NAME=VALUE ...]
//                    [--reference NAME=VALUE ...] [--reference2 NAME=VALUE ...]
//                    [--check NAME=VALUE ...] [--check2 NAME=VALUE ...] [--cache DIR]
//                    [--json FILE] [--threads T] [--details] [--list-cache]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "spinhop/backend.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/experiment.hpp"
#include "spinhop/options.hpp"
#include "spinhop/runner.hpp"
#include "spinhop/version.hpp"

using namespace spinhop;
namespace fs = std::filesystem;

namespace {

struct Workload {
  std::string name, label;
  std::vector<std::pair<std::string, std::string>> options;  // applied to a default config
};

// The workloads of the issue that introduced the error-controlled integrator, and two more.
std::vector<Workload> workloads() {
  return {
      {"recall60", "recall N=60 P=1", {{"task", "recall"}, {"neurons", "60"}, {"patterns", "1"}, {"trials", "200"}}},
      {"recall29", "recall N=29 P=3", {{"task", "recall"}, {"neurons", "29"}, {"patterns", "3"}, {"trials", "1000"}}},
      {"recall10", "recall N=10 P=3", {{"task", "recall"}, {"neurons", "10"}, {"patterns", "3"}, {"trials", "1000"}}},
      {"maxcut60", "max-cut G(60, 0.5), 100 graphs",
       {{"task", "maxcut"}, {"mapping", "paper"}, {"random-graph", "60"}, {"density", "0.5"}, {"graphs", "100"}, {"trials", "100"}}},
      {"maxcut100", "max-cut G(100, 0.5), 40 graphs",
       {{"task", "maxcut"}, {"mapping", "paper"}, {"random-graph", "100"}, {"density", "0.5"}, {"graphs", "40"}, {"trials", "40"}}},
      {"images", "images N=100, d=0.2", {{"task", "images"}, {"distortion", "0.2"}, {"trials", "300"}}},
      {"recall29var", "recall N=29 P=1, 5% variation",
       {{"task", "recall"}, {"neurons", "29"}, {"patterns", "1"}, {"sigma", "0.05"}, {"trials", "500"}}},
  };
}

struct Trial {
  NetworkOutcome o;
  std::vector<std::uint64_t> state, undecided;
};

struct RunResult {
  std::vector<Trial> trials;
  double seconds = 0;
};

ExperimentConfig config_of(const Workload& w, double scale,
                           const std::vector<std::pair<std::string, std::string>>& extra) {
  ExperimentConfig c;
  c.hopfield = false;
  for (const auto& [k, v] : w.options) apply_option(c, k, v);
  const double trials = std::max(1.0, std::floor(static_cast<double>(c.trials) * scale));
  c.trials = static_cast<std::uint64_t>(trials);
  if (c.task == "maxcut") c.graph_count = static_cast<int>(c.trials);  // one trial per graph
  for (const auto& [k, v] : extra) {
    if (k == "perturb-w") {
      c.sigma.w += std::stod(v);  // the same normal draws: every W_ij moved by about v, relative
    } else {
      apply_option(c, k, v);
    }
  }
  return c;
}

RunResult run(const ExperimentConfig& c, int threads) {
  const Experiment exp(c);
  const ExperimentPoint pt = exp.point(0);
  auto backend = make_cpu_backend(threads);
  RunResult r;
  r.trials.resize(c.trials);
  RunOptions ro;
  ro.trials = c.trials;
  ro.precision = parse_precision(c.precision);
  ro.hopfield = false;
  ro.score_threads = threads;
  const auto t0 = std::chrono::steady_clock::now();
  run_point(*backend, *pt.task, pt.config.model, pt.spec, 0, ro, [&](const ScoredBatch& b) {
    for (std::size_t k = 0; k < b.records.size(); ++k) {
      Trial& t = r.trials[b.first + k];
      t.o = b.outcome.trials[k];
      const std::size_t w = static_cast<std::size_t>(b.outcome.words);
      t.state.assign(b.outcome.state.begin() + k * w, b.outcome.state.begin() + (k + 1) * w);
      t.undecided.assign(b.outcome.undecided.begin() + k * w, b.outcome.undecided.begin() + (k + 1) * w);
    }
  });
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// Reference results on disk: one line per trial, doubles as hex floats.
void save(const std::string& path, const RunResult& r) {
  std::ofstream out(path);
  out << r.seconds << "\n";
  for (const Trial& t : r.trials) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%a %a %a %lld %d %d", t.o.t_solution, t.o.t_switch, t.o.energy,
                  t.o.steps, t.o.converged, t.o.undecided);
    out << buf;
    for (std::uint64_t w : t.state) out << " " << w;
    out << " |";
    for (std::uint64_t w : t.undecided) out << " " << w;
    out << "\n";
  }
}

bool load(const std::string& path, std::size_t trials, RunResult& r) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  if (!std::getline(in, line)) return false;
  r.seconds = std::stod(line);
  r.trials.clear();
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    Trial t;
    std::string a, b, c;
    ls >> a >> b >> c >> t.o.steps >> t.o.converged >> t.o.undecided;
    t.o.t_solution = std::strtod(a.c_str(), nullptr);
    t.o.t_switch = std::strtod(b.c_str(), nullptr);
    t.o.energy = std::strtod(c.c_str(), nullptr);
    std::string tok;
    bool und = false;
    while (ls >> tok) {
      if (tok == "|") {
        und = true;
        continue;
      }
      (und ? t.undecided : t.state).push_back(std::stoull(tok));
    }
    r.trials.push_back(t);
  }
  return r.trials.size() == trials;
}

// The cache key: the workload's options, its trial count and the reference's options as given
// (not the resolved config, whose defaults change between versions).
std::string key_of(const Workload& w, const ExperimentConfig& c,
                   const std::vector<std::pair<std::string, std::string>>& ref) {
  std::string s = w.name + " " + std::to_string(c.trials);
  for (const auto& [k, v] : ref) s += " " + k + "=" + v;
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a of the resolved config
  for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double pos = q * (v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  const double f = pos - i;
  return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}

struct Comparison {
  std::size_t trials = 0, marginal = 0, differ = 0, compared = 0, over1 = 0, over5 = 0;
  std::size_t check_differ = 0;  // final states of the reference that differ from the check's
  double check_max_dt = 0;       // and the largest relative time difference between the two
  double extrapolated_max_dt = 0;  // the same for the check extrapolated to zero step
  double t_bias = 0, t_mean_abs = 0, t_p95 = 0, e_bias = 0, e_mean_abs = 0, e_p95 = 0;
  double steps_test = 0, rejected_test = 0, steps_ref = 0, seconds_test = 0, seconds_ref = 0;
};

bool same_state(const Trial& a, const Trial& b) {
  return a.o.converged == b.o.converged && a.state == b.state && a.undecided == b.undecided;
}

// Whether the two references disagree on a trial: its answer is not set by the physics alone.
bool marginal(const Trial& a, const Trial& b) {
  if (!same_state(a, b)) return true;
  return a.o.converged && std::fabs(a.o.t_solution / b.o.t_solution - 1) > 1e-3;
}

// One line per trial that is marginal, ends elsewhere or is more than 0.5% off (--details).
void print_details(const std::string& name, const RunResult& test, const RunResult& ref,
                   const RunResult& ref2, const RunResult& check) {
  for (std::size_t k = 0; k < test.trials.size(); ++k) {
    const Trial &a = test.trials[k], &b = ref.trials[k], &b2 = ref2.trials[k], &ch = check.trials[k];
    const bool off = a.o.converged && b.o.converged && std::fabs(a.o.t_solution / b.o.t_solution - 1) > 5e-3;
    if (!marginal(b, b2) && same_state(a, b) && same_state(b, ch) && !off) continue;
    std::printf("  %s trial %zu: t_sol test %.6g%s ref %.6g ref2 %.6g%s check %.6g%s ns; steps %lld / %lld\n",
                name.c_str(), k, 1e9 * a.o.t_solution, same_state(a, b) ? "" : " (other state)",
                1e9 * b.o.t_solution, 1e9 * b2.o.t_solution, same_state(b, b2) ? "" : " (other state)",
                1e9 * ch.o.t_solution, same_state(b, ch) ? "" : " (other state)", a.o.steps, b.o.steps);
  }
}

Comparison compare(const RunResult& test, const RunResult& ref, const RunResult& ref2,
                   const RunResult& check, const RunResult& check2) {
  Comparison c;
  c.trials = test.trials.size();
  std::vector<double> dt, de;
  double st = 0, sr = 0, et = 0, er = 0;
  for (std::size_t k = 0; k < c.trials; ++k) {
    const Trial &a = test.trials[k], &b = ref.trials[k];
    if (marginal(b, ref2.trials[k])) {
      ++c.marginal;
      continue;
    }
    // how well the two converged references of different methods agree
    // (the check is first order: two step sizes extrapolate to its limit, 2 t(h) - t(2h))
    const Trial &ch = check.trials[k], &ch2 = check2.trials[k];
    if (!same_state(b, ch)) {
      ++c.check_differ;
    } else if (b.o.converged) {
      c.check_max_dt = std::max(c.check_max_dt, std::fabs(ch.o.t_solution / b.o.t_solution - 1));
      if (same_state(ch, ch2)) {
        const double t_lim = 2 * ch.o.t_solution - ch2.o.t_solution;
        c.extrapolated_max_dt = std::max(c.extrapolated_max_dt, std::fabs(t_lim / b.o.t_solution - 1));
      }
    }
    c.steps_test += static_cast<double>(a.o.steps);
    c.rejected_test += static_cast<double>(a.o.rejected);
    c.steps_ref += static_cast<double>(b.o.steps);
    if (!same_state(a, b)) {
      ++c.differ;
      continue;
    }
    if (!a.o.converged) continue;  // both at t_max: nothing to compare
    ++c.compared;
    const double rt = a.o.t_solution / b.o.t_solution - 1, re = a.o.energy / b.o.energy - 1;
    dt.push_back(std::fabs(rt));
    de.push_back(std::fabs(re));
    c.over1 += std::fabs(rt) > 0.01;
    c.over5 += std::fabs(rt) > 0.05;
    st += a.o.t_solution;
    sr += b.o.t_solution;
    et += a.o.energy;
    er += b.o.energy;
  }
  c.steps_test /= std::max<std::size_t>(c.trials, 1);
  c.rejected_test /= std::max<std::size_t>(c.trials, 1);
  c.steps_ref /= std::max<std::size_t>(c.trials, 1);
  c.t_bias = sr > 0 ? st / sr - 1 : std::nan("");
  c.e_bias = er > 0 ? et / er - 1 : std::nan("");
  double sum_t = 0, sum_e = 0;
  for (double v : dt) sum_t += v;
  for (double v : de) sum_e += v;
  c.t_mean_abs = dt.empty() ? std::nan("") : sum_t / dt.size();
  c.e_mean_abs = de.empty() ? std::nan("") : sum_e / de.size();
  c.t_p95 = quantile(dt, 0.95);
  c.e_p95 = quantile(de, 0.95);
  c.seconds_test = test.seconds;
  c.seconds_ref = ref.seconds;
  return c;
}

std::vector<std::pair<std::string, std::string>> parse_pairs(const std::vector<std::string>& v) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& s : v) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw ParameterError("expected NAME=VALUE, got '" + s + "'");
    out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"spinhop_accuracy: the default integrator against a converged reference, trial for trial"};
  std::vector<std::string> names, test_opts, ref_opts, ref2_opts, check_opts, check2_opts;
  bool list_cache = false, details = false;
  double scale = 1.0;
  std::string cache = "spinhop-accuracy-cache", json;
  int threads = 0;
  app.add_option("--workloads", names, "workloads (default: all): recall60, recall29, recall10, "
                                        "maxcut60, maxcut100, images, recall29var")->delimiter(',');
  app.add_option("--scale", scale, "fraction of each workload's trials");
  app.add_option("--test", test_opts, "NAME=VALUE options of the tested run (repeatable)");
  app.add_option("--reference", ref_opts, "NAME=VALUE options of the first reference (replace its defaults)");
  app.add_option("--reference2", ref2_opts, "NAME=VALUE options of the second reference (replace its defaults)");
  app.add_option("--check", check_opts, "NAME=VALUE options of the independent check (replace its defaults)");
  app.add_option("--check2", check2_opts, "NAME=VALUE options of the check at twice the step (replace its defaults)");
  app.add_option("--cache", cache, "folder for cached reference results");
  app.add_option("--json", json, "append one JSON object per workload to this file");
  app.add_option("--threads", threads, "CPU threads (0 = all)");
  app.add_flag("--details", details, "list every trial that is marginal, ends elsewhere or is > 0.5% off");
  app.add_flag("--list-cache", list_cache, "print the reference cache file of every workload and stop");
  CLI11_PARSE(app, argc, argv);
  try {
    std::vector<std::pair<std::string, std::string>> ref = {
        {"integrator", "rk23"}, {"precision", "double"}, {"rtol", "1e-9"}, {"atol", "1e-11"}};
    if (!ref_opts.empty()) ref = parse_pairs(ref_opts);
    std::vector<std::pair<std::string, std::string>> ref2 = ref;
    ref2.emplace_back("perturb-w", "1e-9");
    if (!ref2_opts.empty()) ref2 = parse_pairs(ref2_opts);
    std::vector<std::pair<std::string, std::string>> check = {
        {"integrator", "euler"}, {"precision", "double"}, {"dx-max", "2e-12"}, {"dt-max", "1e-12"}};
    if (!check_opts.empty()) check = parse_pairs(check_opts);
    std::vector<std::pair<std::string, std::string>> check2 = {
        {"integrator", "euler"}, {"precision", "double"}, {"dx-max", "4e-12"}, {"dt-max", "2e-12"}};
    if (!check2_opts.empty()) check2 = parse_pairs(check2_opts);
    const auto test = parse_pairs(test_opts);
    fs::create_directories(cache);
    std::printf("spinhop %s (%s), %s\n", SPINHOP_VERSION, SPINHOP_GIT_SHA,
                make_cpu_backend(threads)->device_name().c_str());
    std::printf("test:");
    for (const auto& [k, v] : test) std::printf(" --%s %s", k.c_str(), v.c_str());
    std::printf("%s\nreference:", test.empty() ? " the defaults" : "");
    for (const auto& [k, v] : ref) std::printf(" --%s %s", k.c_str(), v.c_str());
    std::printf("\nperturbed reference (marginal trials: the two disagree):");
    for (const auto& [k, v] : ref2) std::printf(" --%s %s", k.c_str(), v.c_str());
    std::printf("\nindependent check (final states):");
    for (const auto& [k, v] : check) std::printf(" --%s %s", k.c_str(), v.c_str());
    std::printf(", extrapolated with");
    for (const auto& [k, v] : check2) std::printf(" --%s %s", k.c_str(), v.c_str());
    std::printf("\n\n| workload | trials | marginal | final state differs | reference vs check: states differ, max rel. dt (extrapolated) | mean t bias | mean abs dt | 95th pct abs dt "
                "| trials > 1%% / > 5%% off | mean E_exact bias | mean abs dE | 95th pct abs dE "
                "| steps + rejected per trial (ref) | test trials/s |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const Workload& w : workloads()) {
      if (!names.empty() && std::find(names.begin(), names.end(), w.name) == names.end()) continue;
      const ExperimentConfig tc = config_of(w, scale, test);
      const ExperimentConfig rc = config_of(w, scale, ref), rc2 = config_of(w, scale, ref2),
                             rc3 = config_of(w, scale, check), rc4 = config_of(w, scale, check2);
      auto reference = [&](const ExperimentConfig& cfg, const std::vector<std::pair<std::string, std::string>>& opts) {
        const std::string path = cache + "/" + w.name + "-" + key_of(w, cfg, opts) + ".txt";
        if (list_cache) std::printf("%s %s\n", w.name.c_str(), path.c_str());
        RunResult r;
        if (!list_cache && !load(path, cfg.trials, r)) {
          std::fprintf(stderr, "  computing a reference of %s (cached in %s)...\n", w.name.c_str(), path.c_str());
          r = run(cfg, threads);
          save(path, r);
        }
        return r;
      };
      const RunResult rr = reference(rc, ref), rr2 = reference(rc2, ref2), rr3 = reference(rc3, check),
                      rr4 = reference(rc4, check2);
      if (list_cache) continue;
      const RunResult tr = run(tc, threads);
      const Comparison c = compare(tr, rr, rr2, rr3, rr4);
      std::printf("| %s | %zu | %zu | %zu | %zu, %.1e, %.1e | %+.3f%% | %.3f%% | %.3f%% | %zu / %zu | %+.3f%% | %.3f%% | %.3f%% | %.0f + %.0f (%.0f) | %.0f |\n",
                  w.label.c_str(), c.trials, c.marginal, c.differ, c.check_differ, c.check_max_dt, c.extrapolated_max_dt, 100 * c.t_bias, 100 * c.t_mean_abs, 100 * c.t_p95,
                  c.over1, c.over5, 100 * c.e_bias, 100 * c.e_mean_abs, 100 * c.e_p95, c.steps_test,
                  c.rejected_test, c.steps_ref, c.trials / c.seconds_test);
      if (details) print_details(w.name, tr, rr, rr2, rr3);
      std::fflush(stdout);
      if (!json.empty()) {
        std::ofstream out(json, std::ios::app);
        out << "{\"workload\": \"" << w.name << "\", \"trials\": " << c.trials << ", \"marginal\": " << c.marginal << ", \"differ\": " << c.differ << ", \"check_differ\": " << c.check_differ
            << ", \"t_bias\": " << c.t_bias << ", \"t_mean_abs\": " << c.t_mean_abs << ", \"t_p95\": " << c.t_p95
            << ", \"over1\": " << c.over1 << ", \"over5\": " << c.over5 << ", \"e_bias\": " << c.e_bias
            << ", \"e_mean_abs\": " << c.e_mean_abs << ", \"e_p95\": " << c.e_p95 << ", \"steps\": " << c.steps_test
            << ", \"seconds\": " << c.seconds_test << ", \"test\": \"";
        for (const auto& [k, v] : test) out << k << "=" << v << " ";
        out << "\"}\n";
      }
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "spinhop_accuracy: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
