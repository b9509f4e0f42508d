// The one table of result-defining options. The command-line flags, the TOML configuration keys,
// the `config` stored in every results file, the sweepable parameters and the Python keywords
// are all generated from it, so their names cannot drift apart.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "spinhop/experiment.hpp"

namespace spinhop {

using OptionTarget = std::variant<double*, int*, std::uint64_t*, std::string*, bool*,
                                  std::vector<std::string>*, std::function<void(double)>>;

struct OptionSpec {
  const char* name;    // long option without --, and the TOML key
  const char* shorts;  // e.g. "-n" or ""
  const char* help;    // with the unit
  const char* group;
  OptionTarget target;
  const char* tasks;   // "" for every task, else a comma list of task names
  const char* unit;    // SI unit ("1" for counts and fractions); "" for text and flags
  const char* sweep;   // the sweep axis it sets ("" = not sweepable); usually `name`
  std::vector<const char*> aliases;  // other names the sweep accepts (the paper's symbols)
  bool stored = true;  // part of the resolved config (false: a shortcut that sets others)
};

// Every option, bound to c (the targets point into it).
std::vector<OptionSpec> option_table(ExperimentConfig& c);
// Whether the option belongs to task `task`.
bool option_applies(const OptionSpec& o, const std::string& task);

// "NAME=start:stop:step" (inclusive, step > 0) or "NAME=v1,v2,...". NAME: any sweepable option of
// the task (its name or an alias, e.g. W, V_C, N, P, distortion, sigma). ParameterError names
// what is wrong.
std::vector<SweepAxis> parse_sweeps(const std::vector<std::string>& specs, const std::string& task);
// Sets the sweep axis `axis` (a canonical sweep name) of c to value.
void set_parameter(ExperimentConfig& c, const std::string& axis, double value);
// (axis, unit) of every sweepable parameter of the task.
std::vector<std::pair<std::string, std::string>> sweepable_parameters(const std::string& task);

// Sets option `name` (its long name, e.g. "neurons", "t-max", "sigma"; "task" too) of c from
// its text form: numbers, true/false, text; a list option (image, graph, sweep) appends. Throws
// ParameterError naming the option for an unknown name or a malformed value.
void apply_option(ExperimentConfig& c, const std::string& name, const std::string& value);

// The resolved config as TOML (key = value, keys as the option names, full precision): stored in
// every results file and accepted by `spinhop run FILE`. Paths are made absolute.
std::string to_toml(const ExperimentConfig& c);
// Makes the image and graph paths absolute (so a stored config re-runs from anywhere).
void absolutize_paths(ExperimentConfig& c);
// A string as a TOML basic string (quoted, '"' and '\\' escaped): how to_toml writes paths.
std::string toml_quote(const std::string& s);
// Every file the configuration names, as (option, path), in a fixed order.
std::vector<std::pair<std::string, std::string>> input_files(const ExperimentConfig& c);

}  // namespace spinhop
