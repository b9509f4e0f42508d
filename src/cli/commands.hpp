#pragma once

#include <CLI/CLI.hpp>

namespace spinhop::cli {

// Adds every subcommand; each runs from its parse callback.
void register_commands(CLI::App& app);

void register_recall(CLI::App& app);

}  // namespace spinhop::cli
