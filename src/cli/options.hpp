// Command-line options shared by the spinhop subcommands: every model parameter, variation,
// backend and run settings. Values are SI; the help text gives each unit.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "spinhop/backend.hpp"
#include "spinhop/model.hpp"
#include "spinhop/variation.hpp"

namespace spinhop::cli {

struct CommonOptions {
  ModelParams model;
  VariationSigmas sigma;
  std::string vdw_rule = "authors";
  std::string load_mode = "fixed";
  std::string backend = "auto";
  std::string precision = "float";
  int threads = 0;
  int device = 0;
  std::uint64_t seed = 1;
  std::uint64_t trials = 100;
  std::uint64_t batch = 0;
  bool quiet = false;

  // Resolve the string choices into the model; validates every parameter.
  void finalize();
  BackendOptions backend_options() const { return BackendOptions{backend, threads, device}; }
};

void add_model_options(CLI::App& app, CommonOptions& o);
void add_variation_options(CLI::App& app, CommonOptions& o);
void add_run_options(CLI::App& app, CommonOptions& o);

}  // namespace spinhop::cli
