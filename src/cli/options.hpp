// The command line: one table of the options that define a run's results (CLI flags, TOML config
// keys and the stored config are generated from it, so they cannot drift apart), and the run
// control options.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "spinhop/experiment.hpp"

namespace spinhop::cli {

// Which task-specific options a subcommand offers.
enum class TaskOptions { Recall, Images, MaxCut, All };

// Adds every result-defining option, bound to c.
void add_experiment_options(CLI::App& app, ExperimentConfig& c, TaskOptions which);
// Adds the run-control options (backend, output, resume, shard, progress...).
void add_control_options(CLI::App& app, RunControl& r);

// The resolved config as TOML (key = value, keys as the option names, full precision): stored in
// every results file and accepted by `spinhop run FILE`. Paths are made absolute.
std::string to_toml(const ExperimentConfig& c);

// Makes the image and graph paths absolute (so a stored config re-runs from anywhere).
void absolutize_paths(ExperimentConfig& c);

}  // namespace spinhop::cli
