// spinhop_accuracy: how far the default integrator settings are from converged answers.
//
// Each workload runs twice, trial for trial: with the settings under test (the defaults, plus
// any --test options) and with a reference (by default the explicit fixed-displacement scheme in
// double precision at steps so fine the answer no longer changes: 2 pm, 1 ps). It prints, per
// workload, how many trials end in a different final state and, over the trials that end in the
// same state, the bias and spread of the time to solution and the exact energy, and the cost of
// the tested settings. Reference results are cached (--cache DIR), since they take minutes.
//
//   spinhop_accuracy [--workloads a,b,...] [--scale F] [--test NAME=VALUE ...]
//                    [--reference NAME=VALUE ...] [--cache DIR] [--json FILE] [--threads T]
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
       {{"task", "maxcut"}, {"random-graph", "60"}, {"density", "0.5"}, {"graphs", "100"}, {"trials", "100"}}},
      {"maxcut100", "max-cut G(100, 0.5), 40 graphs",
       {{"task", "maxcut"}, {"random-graph", "100"}, {"density", "0.5"}, {"graphs", "40"}, {"trials", "40"}}},
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
  for (const auto& [k, v] : extra) apply_option(c, k, v);
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

std::string key_of(const ExperimentConfig& c) {
  std::string s = to_toml(c);
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
  std::size_t trials = 0, differ = 0, compared = 0, over1 = 0, over5 = 0;
  double t_bias = 0, t_mean_abs = 0, t_p95 = 0, e_bias = 0, e_mean_abs = 0, e_p95 = 0;
  double steps_test = 0, steps_ref = 0, seconds_test = 0, seconds_ref = 0;
};

Comparison compare(const RunResult& test, const RunResult& ref) {
  Comparison c;
  c.trials = test.trials.size();
  std::vector<double> dt, de;
  double st = 0, sr = 0, et = 0, er = 0;
  for (std::size_t k = 0; k < c.trials; ++k) {
    const Trial &a = test.trials[k], &b = ref.trials[k];
    c.steps_test += static_cast<double>(a.o.steps);
    c.steps_ref += static_cast<double>(b.o.steps);
    const bool same = a.o.converged == b.o.converged && a.state == b.state && a.undecided == b.undecided;
    if (!same) {
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
  std::vector<std::string> names, test_opts, ref_opts;
  double scale = 1.0;
  std::string cache = "spinhop-accuracy-cache", json;
  int threads = 0;
  app.add_option("--workloads", names, "workloads (default: all): recall60, recall29, recall10, "
                                        "maxcut60, maxcut100, images, recall29var")->delimiter(',');
  app.add_option("--scale", scale, "fraction of each workload's trials");
  app.add_option("--test", test_opts, "NAME=VALUE options of the tested run (repeatable)");
  app.add_option("--reference", ref_opts, "NAME=VALUE options of the reference (replace the default reference)");
  app.add_option("--cache", cache, "folder for cached reference results");
  app.add_option("--json", json, "append one JSON object per workload to this file");
  app.add_option("--threads", threads, "CPU threads (0 = all)");
  CLI11_PARSE(app, argc, argv);
  try {
    std::vector<std::pair<std::string, std::string>> ref = {
        {"precision", "double"}, {"dx-max", "2e-12"}, {"dt-max", "1e-12"}};
    if (!ref_opts.empty()) ref = parse_pairs(ref_opts);
    const auto test = parse_pairs(test_opts);
    fs::create_directories(cache);
    std::printf("spinhop %s (%s), %s\n", SPINHOP_VERSION, SPINHOP_GIT_SHA,
                make_cpu_backend(threads)->device_name().c_str());
    std::printf("test:");
    for (const auto& [k, v] : test) std::printf(" --%s %s", k.c_str(), v.c_str());
    std::printf("%s\nreference:", test.empty() ? " the defaults" : "");
    for (const auto& [k, v] : ref) std::printf(" --%s %s", k.c_str(), v.c_str());
    std::printf("\n\n| workload | trials | final state differs | mean t bias | mean abs dt | 95th pct abs dt "
                "| trials > 1%% / > 5%% off | mean E_exact bias | mean abs dE | 95th pct abs dE "
                "| steps/trial (ref) | test trials/s |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const Workload& w : workloads()) {
      if (!names.empty() && std::find(names.begin(), names.end(), w.name) == names.end()) continue;
      const ExperimentConfig tc = config_of(w, scale, test);
      const ExperimentConfig rc = config_of(w, scale, ref);
      const std::string path = cache + "/" + w.name + "-" + key_of(rc) + ".txt";
      RunResult rr;
      if (!load(path, rc.trials, rr)) {
        std::fprintf(stderr, "  computing the reference of %s (cached in %s)...\n", w.name.c_str(), path.c_str());
        rr = run(rc, threads);
        save(path, rr);
      }
      const RunResult tr = run(tc, threads);
      const Comparison c = compare(tr, rr);
      std::printf("| %s | %zu | %zu | %+.3f%% | %.3f%% | %.3f%% | %zu / %zu | %+.3f%% | %.3f%% | %.3f%% | %.0f (%.0f) | %.0f |\n",
                  w.label.c_str(), c.trials, c.differ, 100 * c.t_bias, 100 * c.t_mean_abs, 100 * c.t_p95,
                  c.over1, c.over5, 100 * c.e_bias, 100 * c.e_mean_abs, 100 * c.e_p95, c.steps_test,
                  c.steps_ref, c.trials / c.seconds_test);
      std::fflush(stdout);
      if (!json.empty()) {
        std::ofstream out(json, std::ios::app);
        out << "{\"workload\": \"" << w.name << "\", \"trials\": " << c.trials << ", \"differ\": " << c.differ
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
