// Running an experiment from the command line: backend, output file, resume, shards, traces,
// progress on stderr, Ctrl-C, and the printed summaries.
#pragma once

#include <string>

#include "spinhop/experiment.hpp"

namespace spinhop::cli {

// Runs the experiment; returns the process exit code (0, or throws spinhop::Error).
int run_experiment(ExperimentConfig config, const RunControl& control,
                   const std::string& command_line);

// Called from signal handlers: asks the run to stop after the batch in hand.
void request_stop();
void install_stop_handlers();

}  // namespace spinhop::cli
