// The command line: the result-defining options of the library's one option table
// (spinhop/options.hpp) as CLI11 flags, and the run-control options.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "spinhop/experiment.hpp"
#include "spinhop/options.hpp"

namespace spinhop::cli {

// Adds the result-defining options of `task` ("": of every task), bound to c.
void add_experiment_options(CLI::App& app, ExperimentConfig& c, const std::string& task);
// Adds the run-control options (backend, output, resume, shard, progress...).
void add_control_options(CLI::App& app, RunControl& r);

}  // namespace spinhop::cli
