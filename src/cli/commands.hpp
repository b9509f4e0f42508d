#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace spinhop::cli {

// Adds every subcommand; each runs from its parse callback. command_line is stored in results.
void register_commands(CLI::App& app, const std::string& command_line);
void register_netlist(CLI::App& app);

}  // namespace spinhop::cli
