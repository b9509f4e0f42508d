// The subcommands: recall, images, maxcut (task shortcuts), run (any task, from a TOML file or a
// results file), merge and summarize.
#include "commands.hpp"

#include <charconv>
#include <functional>
#include <limits>
#include <cmath>
#include <cstdio>
#include <memory>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <filesystem>

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

constexpr double kNa = std::numeric_limits<double>::quiet_NaN();  // n/a

// The shortest text that reads back as the same double (0.1, not 0.10000000000000001).
std::string shortest(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (static_cast<unsigned char>(ch) < 0x20) continue;  // control characters dropped
    out += ch;
  }
  return out + "\"";
}

// What `spinhop summarize` prints of a point: its summary and, for max-cut, P(target) over
// all its graphs' trials.
struct PointFigures : PointSummary {
  double p_target = kNa;
};

// One column of `spinhop summarize`: its name, unit and value of a point (NaN: n/a).
struct SummaryColumn {
  const char* name;
  const char* unit;
  std::function<double(const PointFigures&)> get;
  bool time = false;  // printed with an SI prefix in the table
};

std::vector<SummaryColumn> summary_columns(bool cuts) {
  std::vector<SummaryColumn> c = {
      {"trials", "1", [](const PointSummary& s) { return static_cast<double>(s.trials); }},
      {"converged", "1", [](const PointSummary& s) { return s.trials ? static_cast<double>(s.converged) / s.trials : kNa; }},
      {"converged_lo", "1", [](const PointSummary& s) { return s.converged_ci.lo; }},
      {"converged_hi", "1", [](const PointSummary& s) { return s.converged_ci.hi; }},
      {"success", "1", [](const PointSummary& s) { return s.trials ? s.success_rate : kNa; }},
      {"success_lo", "1", [](const PointSummary& s) { return s.success_ci.lo; }},
      {"success_hi", "1", [](const PointSummary& s) { return s.success_ci.hi; }},
  };
  if (cuts) {
    c.push_back({"cut_mean", "edge weight", [](const PointSummary& s) { return s.cut.count ? s.cut.mean : kNa; }});
    c.push_back({"cut_best", "edge weight", [](const PointSummary& s) { return s.cut.count ? s.cut.max : kNa; }});
    c.push_back({"gap_mean", "1", [](const PointSummary& s) { return s.gap.count ? s.gap.mean : kNa; }});
    c.push_back({"p_target", "1", [](const PointFigures& s) { return s.p_target; }});
  } else {
    c.push_back({"accuracy", "1", [](const PointSummary& s) { return s.bit_accuracy.count ? s.bit_accuracy.mean : kNa; }});
  }
  c.push_back({"t_sol_mean", "s", [](const PointSummary& s) { return s.converged ? s.t_solution.mean : kNa; }, true});
  c.push_back({"t_sol_median", "s", [](const PointSummary& s) { return s.converged ? s.t_solution.median : kNa; }, true});
  c.push_back({"energy_exact_mean", "J", [](const PointSummary& s) { return s.converged ? s.energy_exact.mean : kNa; }, true});
  return c;
}

void print_summaries(const std::string& path, const std::string& format) {
  const ResultsReader rd(path);
  const ResultsHeader& h = rd.header();
  const std::vector<SummaryColumn> cols = summary_columns(h.task == "maxcut" || h.task == "ising");
  std::vector<PointFigures> sums;
  for (std::uint64_t p = 0; p < h.points; ++p) {  // exact, a few passes
    PointFigures f;
    static_cast<PointSummary&>(f) = rd.point_summary(p);
    if (h.task == "maxcut" || h.task == "ising") {
      double hits = 0, trials = 0;  // P(target) of the point: over the graphs that have a reference
      for (const GroupSummary& g : rd.group_summaries(p)) {
        if (std::isnan(g.p_target)) continue;
        hits += g.p_target * static_cast<double>(g.summary.trials);
        trials += static_cast<double>(g.summary.trials);
      }
      if (trials > 0) f.p_target = hits / trials;
    }
    sums.push_back(f);
  }
  if (format == "csv") {
    std::printf("point");
    for (const SweepAxis& a : h.axes) std::printf(",%s", a.name.c_str());
    for (const SummaryColumn& c : cols) std::printf(",%s [%s]", c.name, c.unit);
    std::printf("\n");
    for (std::uint64_t p = 0; p < h.points; ++p) {
      std::printf("%llu", static_cast<unsigned long long>(p));
      for (std::size_t a = 0; a < h.axes.size(); ++a) std::printf(",%s", shortest(h.point_values[p][a]).c_str());
      for (const SummaryColumn& c : cols) {
        const double v = c.get(sums[p]);
        if (std::isnan(v)) std::printf(",");  // n/a: empty
        else std::printf(",%s", shortest(v).c_str());
      }
      std::printf("\n");
    }
    return;
  }
  if (format == "json") {
    std::printf("{\"file\": %s, \"task\": %s, \"complete\": %s, \"units\": {", json_string(path).c_str(),
                json_string(h.task).c_str(), rd.complete() ? "true" : "false");
    for (std::size_t k = 0; k < cols.size(); ++k) std::printf("%s\"%s\": \"%s\"", k ? ", " : "", cols[k].name, cols[k].unit);
    std::printf("}, \"points\": [");
    for (std::uint64_t p = 0; p < h.points; ++p) {
      std::printf("%s\n  {\"point\": %llu", p ? "," : "", static_cast<unsigned long long>(p));
      for (std::size_t a = 0; a < h.axes.size(); ++a) {
        std::printf(", %s: %s", json_string(h.axes[a].name).c_str(), shortest(h.point_values[p][a]).c_str());
      }
      for (const SummaryColumn& c : cols) {
        const double v = c.get(sums[p]);
        if (std::isnan(v)) std::printf(", \"%s\": null", c.name);
        else std::printf(", \"%s\": %s", c.name, shortest(v).c_str());
      }
      std::printf("}");
    }
    std::printf("\n]}\n");
    return;
  }
  std::printf("%s: task %s, %llu point(s) x %llu trials, seed %llu, shard %llu/%llu, %llu rows%s\n",
              path.c_str(), h.task.c_str(), static_cast<unsigned long long>(h.points),
              static_cast<unsigned long long>(h.trials_per_point), static_cast<unsigned long long>(h.seed),
              static_cast<unsigned long long>(h.shard_index), static_cast<unsigned long long>(h.shard_count),
              static_cast<unsigned long long>(rd.committed()), rd.complete() ? "" : " (run not finished)");
  std::printf("  made by spinhop %s (%s) on %s, %s, %s\n", h.spinhop_version.c_str(), h.git_sha.c_str(),
              h.backend.c_str(), h.device.c_str(), h.created.c_str());
  std::printf("  success = converged and right, [lo, hi] its 95%% Wilson interval; times and energies of converged trials\n");
  std::printf("%6s", "point");
  for (const SweepAxis& a : h.axes) std::printf(" %10s", a.name.c_str());
  std::printf(" %7s %9s %17s", "trials", "converged", "success [95% CI]");
  for (std::size_t k = 7; k < cols.size(); ++k) std::printf(" %11s", cols[k].name);
  std::printf("\n");
  for (std::uint64_t p = 0; p < h.points; ++p) {
    const PointFigures& s = sums[p];
    std::printf("%6llu", static_cast<unsigned long long>(p));
    for (std::size_t a = 0; a < h.axes.size(); ++a) std::printf(" %10.6g", h.point_values[p][a]);
    char ci[40];
    std::snprintf(ci, sizeof ci, "%.3f [%.3f,%.3f]", s.success_rate, s.success_ci.lo, s.success_ci.hi);
    if (s.trials == 0) std::snprintf(ci, sizeof ci, "n/a");
    char conv[16] = "n/a";
    if (s.trials) std::snprintf(conv, sizeof conv, "%.4f", static_cast<double>(s.converged) / static_cast<double>(s.trials));
    std::printf(" %7llu %9s %17s", static_cast<unsigned long long>(s.trials), conv, ci);
    for (std::size_t k = 7; k < cols.size(); ++k) {
      const double v = cols[k].get(s);
      if (std::isnan(v)) std::printf(" %11s", "n/a");
      else if (cols[k].time) std::printf(" %11s", si(v, cols[k].unit).c_str());
      else std::printf(" %11.4g", v);
    }
    std::printf("\n");
  }
  std::fflush(stdout);
  for (std::uint64_t p = 0; p < h.points; ++p) {
    const std::string censored = censoring_warning(sums[p]);
    if (!censored.empty()) {
      std::fprintf(stderr, "spinhop: warning: point %llu: %s\n", static_cast<unsigned long long>(p),
                   censored.c_str());
    }
  }
}

// Runs `python3 -m MODULE ARGS...` on the package beside this build (or the source tree's).
[[noreturn]] void run_python_module(const std::string& module, const std::vector<std::string>& rest) {
  const char* python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  std::string path = SPINHOP_PYTHON_DIR;
  if (const char* old = std::getenv("PYTHONPATH")) path += std::string(":") + old;
  setenv("PYTHONPATH", path.c_str(), 1);
  std::vector<std::string> args = {python, "-m", module};
  args.insert(args.end(), rest.begin(), rest.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  execvp(python, argv.data());
  throw IoError(std::string("cannot run ") + python + " for " + module + ": " + std::strerror(errno));
}

// `spinhop plot`: the quick look of spinhop.plot.
void plot_results(const std::string& file, const std::string& image) {
  (void)ResultsReader(file);  // a missing or broken file: spinhop's own error first
  std::vector<std::string> args = {file};
  if (!image.empty()) args.insert(args.end(), {"-o", image});
  run_python_module("spinhop.plot", args);
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
      install_stop_handlers();  // Ctrl-C: a message, and no partial output
      merge_results(*out, *inputs, *force);
      std::printf("merged %zu shards into %s\n", inputs->size(), out->c_str());
    });
  }
  register_netlist(app);
  {  // plot: the Python package's quick look (spinhop.plot), run with Debian's python3
    auto file = std::make_shared<std::string>();
    auto image = std::make_shared<std::string>();
    CLI::App* sub = app.add_subcommand("plot", "a quick-look figure of a results file: spinhop plot R.h5 [-o R.png]");
    sub->add_option("file", *file, "results file")->required();
    sub->add_option("-o,--output", *image, "image to write (.png, .pdf, .svg; default FILE.png)");
    sub->callback([file, image] { plot_results(*file, *image); });
  }
  {  // sensitivity: spinhop.variation's study (each parameter alone, then all; yield bisection)
    CLI::App* sub = app.add_subcommand(
        "sensitivity",
        "each variation parameter alone, then all: spinhop sensitivity TASK --sigma 0.1 [--trials N] "
        "[--target 0.99] [-o fig.png] [-- task options] (docs/variation.md)");
    sub->prefix_command();
    sub->callback([sub] { run_python_module("spinhop.variation", sub->remaining()); });
  }
  {
    auto path = std::make_shared<std::string>();
    CLI::App* sub = app.add_subcommand(
        "summarize", "recompute and print the per-point summary of a results file");
    auto format = std::make_shared<std::string>("table");
    sub->add_option("file", *path, "results file")->required();
    sub->add_option("--format", *format, "table (one line per point), csv or json (n/a: empty / null)")
        ->check(CLI::IsMember({"table", "csv", "json"}))
        ->capture_default_str();
    sub->callback([path, format] { print_summaries(*path, *format); });
  }
}

}  // namespace spinhop::cli
