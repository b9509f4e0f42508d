// spinhop_bench: throughput of the backends on fixed, seeded workloads.
//
// For each backend and network size: trials per second, device-updates per second (one
// device-update = one DW-MTJ's right-hand side and state update in one integrator step, so a
// trial costs steps * N^2 of them), steps per trial and memory. Prints a table and, with --json,
// one JSON object per measurement for tracking.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "spinhop/backend.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/runner.hpp"
#include "spinhop/version.hpp"

using namespace spinhop;

namespace {

struct Measurement {
  std::string backend, device, layout, workload;
  int n = 0, threads = 0;
  std::uint64_t trials = 0;
  double seconds = 0, steps_mean = 0, updates = 0, success = 0, peak_rss_mb = 0;
};

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

bool collapse_off = false;
bool structured = false;  // --variation-model structured

// score_threads: host threads scoring the trials (the CPU backend's own count, so that a
// 1-thread measurement really runs on one core; 0 = all, for GPU backends).
Measurement measure(Backend& backend, int n, std::uint64_t trials, bool variation,
                    Precision precision, std::uint64_t seed, int score_threads) {
  ModelParams m;
  VariationSigmas sig;
  if (variation) {
    sig.r_p = sig.r_ap = sig.r_m = sig.area = sig.length = sig.mtj_width = sig.mtj_position =
        sig.leak = 0.05;
  }
  if (variation && structured) {
    // The same 5% with the structure of a variation file (docs/variation.md): lognormal
    // resistances and areas, R_P and R_AP correlated 0.8 (one barrier), 30% of every variance
    // die-to-die, 1e-4 of the devices stuck ON and 1e-4 stuck OFF.
    sig.lognormal = (1u << kParamRp) | (1u << kParamRap) | (1u << kParamRm) | (1u << kParamArea);
    sig.global_fraction = 0.3;
    sig.stuck_on = sig.stuck_off = 1e-4;
    sig.correlated = 1;
    for (int k = 0; k < kDeviceVarParams; ++k) sig.chol[k * kDeviceVarParams + k] = 1.0;
    sig.chol[kParamRap * kDeviceVarParams + kParamRp] = 0.8;
    sig.chol[kParamRap * kDeviceVarParams + kParamRap] = 0.6;
  }
  RecallTask task(n, 1);
  const PointSpec spec = make_point_spec(m, sig, task.spec(m), seed, 0);
  RunOptions warm;
  warm.trials = std::min<std::uint64_t>(trials, backend.preferred_batch(n));
  warm.precision = precision;
  warm.score_threads = score_threads;
  run_point(backend, task, m, spec, 0, warm, [](const ScoredBatch&) {});
  RunOptions ro;
  ro.trials = trials;
  ro.precision = precision;
  ro.score_threads = score_threads;
  std::vector<TrialRecord> recs;
  recs.reserve(trials);
  const auto t0 = std::chrono::steady_clock::now();
  run_point(backend, task, m, spec, 0, ro, [&](const ScoredBatch& b) {
    recs.insert(recs.end(), b.records.begin(), b.records.end());
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const PointSummary s = summarize(recs, n);
  Measurement r;
  r.backend = backend.name();
  r.device = backend.device_name();
  r.layout = backend.layout_description();
  r.workload = std::string("recall P=1 ") +
               (variation ? (structured ? "5% structured variation" : "5% variation") : "nominal") +
               ", " + to_string(precision) + (collapse_off ? ", per-device path" : "");
  r.n = n;
  r.trials = trials;
  r.seconds = secs;
  r.steps_mean = s.steps.mean;
  r.updates = s.device_updates;
  r.success = s.success_rate;
  r.peak_rss_mb = peak_rss_mb();
  return r;
}

std::string json(const Measurement& r) {
  std::ostringstream os;
  os << "{\"backend\":\"" << r.backend << "\",\"device\":\"" << r.device
     << "\",\"threads\":" << r.threads << ",\"workload\":\"" << r.workload << "\",\"n\":" << r.n
     << ",\"trials\":" << r.trials << ",\"seconds\":" << r.seconds
     << ",\"trials_per_second\":" << r.trials / r.seconds
     << ",\"device_updates_per_second\":" << r.updates / r.seconds
     << ",\"steps_per_trial\":" << r.steps_mean << ",\"success_rate\":" << r.success
     << ",\"peak_rss_mb\":" << r.peak_rss_mb << ",\"layout\":\"" << r.layout << "\",\"version\":\""
     << SPINHOP_VERSION << "\",\"git\":\"" << SPINHOP_GIT_SHA << "\"}";
  return os.str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"spinhop_bench: trials/s and device-updates/s per backend and network size"};
  std::vector<std::string> backends = {"cpu"};
  std::vector<int> sizes = {10, 29, 60, 100, 256};
  std::vector<int> threads = {1, 2};
  double seconds = 3.0;
  std::uint64_t min_trials = 0;
  bool variation = false, gpu_layouts = false, per_device = false;
  std::string precision = "float", json_path;
  std::uint64_t seed = 2024;
  app.add_option("--backend", backends, "cpu and/or cuda")->delimiter(',');
  app.add_option("--neurons", sizes, "network sizes")->delimiter(',');
  app.add_option("--threads", threads, "CPU thread counts")->delimiter(',');
  app.add_option("--seconds", seconds, "target seconds per measurement (sets the trial count)");
  app.add_option("--trials", min_trials, "fixed trials per measurement (overrides --seconds)");
  app.add_flag("--variation", variation, "5% variation on every device parameter");
  std::vector<std::string> models = {"classic"};
  app.add_option("--variation-model", models,
                 "with --variation: classic (independent truncated normals) and/or structured "
                 "(lognormal, correlated, die-to-die, defects), measured in turn in one run")
      ->delimiter(',');
  app.add_flag("--gpu-layouts", gpu_layouts, "also time the alternative GPU layouts");
  app.add_flag("--per-device", per_device,
               "no collapse: nominal networks on the per-device path (as with variation)");
  app.add_option("--precision", precision, "float or double");
  app.add_option("--json", json_path, "append one JSON object per measurement to this file");
  app.add_option("--seed", seed, "workload seed");
  CLI11_PARSE(app, argc, argv);
  collapse_off = per_device;
  try {
    const Precision prec = parse_precision(precision);
    std::ofstream js;
    if (!json_path.empty()) js.open(json_path, std::ios::app);
    std::printf("%-5s %4s %3s %9s %12s %14s %8s %8s  %s\n", "back", "N", "thr", "trials",
                "trials/s", "dev-upd/s", "steps", "RSS MB", "layout / device");
    auto report = [&](Measurement r, int thr) {
      r.threads = thr;
      std::printf("%-5s %4d %3d %9llu %12.1f %14.3e %8.0f %8.0f  %s\n", r.backend.c_str(), r.n, thr,
                  static_cast<unsigned long long>(r.trials), r.trials / r.seconds,
                  r.updates / r.seconds, r.steps_mean, r.peak_rss_mb,
                  (r.layout.empty() ? r.device : r.layout).c_str());
      std::fflush(stdout);
      if (js) js << json(r) << "\n";
    };
    for (const std::string& model : models) {
      if (model != "classic" && model != "structured")
        throw ParameterError("--variation-model " + model + ": must be classic or structured");
      structured = model == "structured";
      for (const std::string& b : backends) {
        if (b == "cpu") {
          for (int t : threads) {
            auto be = make_cpu_backend(t);
            be->set_collapse(!per_device);
            for (int n : sizes) {
              // calibrate: a short run sets the trial count for the target time
              std::uint64_t trials = min_trials;
              if (trials == 0) {
                const Measurement probe =
                    measure(*be, n, 2 * be->preferred_batch(n) / 4 + 2, variation, prec, seed, t);
                trials = std::max<std::uint64_t>(
                    4, static_cast<std::uint64_t>(seconds * probe.trials / probe.seconds));
              }
              report(measure(*be, n, trials, variation, prec, seed, t), t);
            }
          }
        } else if (b == "cuda") {
          auto be = make_cuda_backend(0);
          be->set_collapse(!per_device);
          std::vector<std::pair<bool, int>> layouts = {{true, -1}};
          if (gpu_layouts) layouts = {{true, -1}, {false, -1}, {true, 0}};
          for (int n : sizes) {
            for (auto [pack, xs] : layouts) {
              if (!pack && n > 32) continue;
              be->set_layout_preferences(pack, xs);
              std::uint64_t trials = min_trials;
              if (trials == 0) {
                const Measurement probe =
                    measure(*be, n, be->preferred_batch(n), variation, prec, seed, 0);
                trials = std::max<std::uint64_t>(
                    be->preferred_batch(n),
                    static_cast<std::uint64_t>(seconds * probe.trials / probe.seconds));
              }
              report(measure(*be, n, trials, variation, prec, seed, 0), 0);
            }
          }
        } else {
          throw ParameterError("--backend " + b + ": must be cpu or cuda");
        }
      }
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "spinhop_bench: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
