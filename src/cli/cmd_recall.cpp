// spinhop recall: random-pattern recall (Fig. 5) from the command line.
#include <chrono>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "options.hpp"
#include "report.hpp"
#include "spinhop/runner.hpp"

namespace spinhop::cli {

namespace {

struct RecallOptions {
  CommonOptions common;
  int neurons = 60;
  int patterns = 1;
};

void run_recall(RecallOptions& o) {
  o.common.finalize();
  RecallTask task(o.neurons, o.patterns);
  auto backend = make_backend(o.common.backend_options());
  const ModelParams& m = o.common.model;
  const PointSpec spec = make_point_spec(m, o.common.sigma, task.spec(m), o.common.seed, 0);
  RunOptions ro;
  ro.trials = o.common.trials;
  ro.batch = o.common.batch;
  ro.precision = parse_precision(o.common.precision);
  std::printf("spinhop recall: N=%d, P=%d, %llu trials, seed %llu\n", o.neurons, o.patterns,
              static_cast<unsigned long long>(ro.trials),
              static_cast<unsigned long long>(o.common.seed));
  std::printf("  backend             %s on %s, %s\n", backend->name().c_str(),
              backend->device_name().c_str(), to_string(ro.precision));
  std::printf("  V_DW                %s (%s rule), charge-up %s\n", si(spec.v_dw, "V", 4).c_str(),
              to_string(m.vdw_rule), si(m.charge_up_time(), "s").c_str());
  std::vector<TrialRecord> records;
  const auto t0 = std::chrono::steady_clock::now();
  run_point(*backend, task, m, spec, 0, ro, [&](const ScoredBatch& b) {
    records.insert(records.end(), b.records.begin(), b.records.end());
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const PointSummary s = summarize(records, o.neurons);
  ThroughputFigures tp;
  tp.seconds = secs;
  tp.trials_per_second = records.size() / secs;
  tp.device_updates_per_second = s.device_updates / secs;
  print_point_summary(s, tp);
}

}  // namespace

void register_recall(CLI::App& app) {
  auto opts = std::make_shared<RecallOptions>();
  CLI::App* sub = app.add_subcommand("recall", "random-pattern recall: P random patterns stored, random inputs");
  sub->add_option("--neurons,-n", opts->neurons, "neurons N (the network has N^2 devices)")
      ->capture_default_str();
  sub->add_option("--patterns,-p", opts->patterns, "stored random patterns P")->capture_default_str();
  add_run_options(*sub, opts->common);
  add_model_options(*sub, opts->common);
  add_variation_options(*sub, opts->common);
  sub->callback([opts] { run_recall(*opts); });
}

}  // namespace spinhop::cli
