// The subcommands: recall, images, maxcut (task shortcuts), run (any task, from a TOML file or a
// results file), merge and summarize.
#include "commands.hpp"

#include <cstdio>
#include <memory>

#include "options.hpp"
#include "report.hpp"
#include "run.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/results_file.hpp"

namespace spinhop::cli {

namespace {

struct RunArgs {
  ExperimentConfig config;
  RunControl control;
  std::string from;  // results file whose stored config to re-run
};

void add_task_command(CLI::App& app, const TaskKindInfo& kind, const std::string& command_line) {
  auto args = std::make_shared<RunArgs>();
  args->config.task = kind.name;
  CLI::App* sub = app.add_subcommand(kind.name, kind.help);
  add_experiment_options(*sub, args->config, kind.name);
  add_control_options(*sub, args->control);
  sub->callback([args, command_line] { run_experiment(args->config, args->control, command_line); });
}

void print_summaries(const std::string& path) {
  const ResultsReader rd(path);
  const ResultsHeader& h = rd.header();
  std::printf("%s: task %s, %llu point(s) x %llu trials, seed %llu, shard %llu/%llu, %llu rows%s\n",
              path.c_str(), h.task.c_str(), static_cast<unsigned long long>(h.points),
              static_cast<unsigned long long>(h.trials_per_point), static_cast<unsigned long long>(h.seed),
              static_cast<unsigned long long>(h.shard_index), static_cast<unsigned long long>(h.shard_count),
              static_cast<unsigned long long>(rd.committed()), rd.complete() ? "" : " (run not finished)");
  std::printf("  made by spinhop %s (%s) on %s, %s, %s\n", h.spinhop_version.c_str(), h.git_sha.c_str(),
              h.backend.c_str(), h.device.c_str(), h.created.c_str());
  std::printf("%6s", "point");
  for (const SweepAxis& a : h.axes) std::printf(" %12s", a.name.c_str());
  std::printf(" %8s %9s %9s %11s %11s %11s %11s\n", "trials", "success", "accuracy", "t_sol mean",
              "t_sol med", "E exact", "E paper");
  for (std::uint64_t p = 0; p < h.points; ++p) {
    const PointSummary s = rd.point_summary(p);  // exact, a few passes over the point's rows
    std::printf("%6llu", static_cast<unsigned long long>(p));
    for (std::size_t a = 0; a < h.axes.size(); ++a) std::printf(" %12.6g", h.point_values[p][a]);
    std::printf(" %8llu %9.4f %9.4f %11s %11s %11s %11s\n", static_cast<unsigned long long>(s.trials),
                s.success_rate, s.bit_accuracy.mean, si(s.t_solution.mean, "s").c_str(),
                si(s.t_solution.median, "s").c_str(), si(s.energy_exact.mean, "J").c_str(),
                si(s.energy_paper.mean, "J").c_str());
  }
}

}  // namespace

void register_commands(CLI::App& app, const std::string& command_line) {
  for (const TaskKindInfo& kind : task_kinds()) add_task_command(app, kind, command_line);

  {  // run: any task; the configuration from `spinhop run FILE.toml` or --from results.h5
    auto args = std::make_shared<RunArgs>();
    CLI::App* sub = app.add_subcommand(
        "run", "run any task: spinhop run experiment.toml [options], or --from results.h5");
    sub->add_option("--task", args->config.task, "the task kind: recall, images, maxcut")->capture_default_str();
    add_experiment_options(*sub, args->config, "");
    add_control_options(*sub, args->control);
    sub->add_option("--from", args->from,
                    "re-run the configuration stored in this results file (options given here "
                    "override it)");
    sub->callback([args, command_line] { run_experiment(args->config, args->control, command_line); });
  }
  {
    auto out = std::make_shared<std::string>();
    auto inputs = std::make_shared<std::vector<std::string>>();
    auto force = std::make_shared<bool>(false);
    CLI::App* sub = app.add_subcommand(
        "merge", "join the shard files of one run: spinhop merge OUT.h5 SHARD.h5...");
    sub->add_option("output", *out, "merged results file")->required();
    sub->add_option("shards", *inputs, "shard results files (every shard of the run)")->required();
    sub->add_flag("--force", *force, "overwrite OUT.h5");
    sub->callback([out, inputs, force] {
      merge_results(*out, *inputs, *force);
      std::printf("merged %zu shards into %s\n", inputs->size(), out->c_str());
    });
  }
  register_netlist(app);
  {
    auto path = std::make_shared<std::string>();
    CLI::App* sub = app.add_subcommand(
        "summarize", "recompute and print the per-point summary of a results file");
    sub->add_option("file", *path, "results file")->required();
    sub->callback([path] { print_summaries(*path); });
  }
}

}  // namespace spinhop::cli
