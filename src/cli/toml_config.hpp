// TOML configuration files of `spinhop run` (docs/cli.md, "Configuration files").
#pragma once

#include <CLI/CLI.hpp>
#include <istream>
#include <string>
#include <vector>

namespace spinhop::cli {

// Reads a TOML 1.0 file (toml++): top-level keys, or keys under [run], are the run command's
// options (t_max and t-max alike; values of the option's TOML type: a number for a number, an
// integer for a count, true/false for a flag, a string or an array of strings for lists), and
// [sweep] holds one axis per key as an array of numbers. Any other section, an unknown key or a
// wrong type is an InputError naming the line.
class TomlRunConfig : public CLI::Config {
 public:
  // the run subcommand, for the check of unknown keys (set once the commands are registered)
  void set_run_command(const CLI::App* run) { run_ = run; }
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
  // spinhop writes its configurations itself (to_toml); CLI11's writer is not used
  std::string to_config(const CLI::App*, bool, bool, std::string) const override { return {}; }

 private:
  const CLI::App* run_ = nullptr;
};

}  // namespace spinhop::cli
