#include "options.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <variant>

#include "spinhop/errors.hpp"
#include "spinhop/options.hpp"

namespace spinhop::cli {

namespace {

// A whole number that fits 64 bits: CLI11 alone wraps "-1" and saturates "99999999999999999999"
// (two seeds that silently become one).
const CLI::Validator kUnsigned64(
    [](std::string& text) -> std::string {
      std::uint64_t v = 0;
      const char* end = text.data() + text.size();
      const auto r = std::from_chars(text.data(), end, v);
      if (text.empty() || r.ec != std::errc() || r.ptr != end) {
        return "'" + text + "' is not a whole number from 0 to 18446744073709551615";
      }
      return "";
    },
    "UINT");

}  // namespace

void add_experiment_options(CLI::App& app, ExperimentConfig& c, const std::string& task) {
  for (const OptionSpec& o : option_table(c)) {
    if (!task.empty() && !option_applies(o, task)) continue;
    std::string names = std::string("--") + o.name;
    if (*o.shorts) names += std::string(",") + o.shorts;
    CLI::Option* opt = std::visit(
        [&](auto& t) -> CLI::Option* {
          using T = std::decay_t<decltype(t)>;
          if constexpr (std::is_same_v<T, bool*>) {
            return app.add_flag(names, *t, o.help);
          } else if constexpr (std::is_same_v<T, double*>) {
            CLI::Option* x = app.add_option(names, *t, o.help);
            if (!std::isnan(*t)) x->capture_default_str();
            return x;
          } else if constexpr (std::is_same_v<T, std::function<void(double)>>) {
            return app.add_option_function<double>(names, t, o.help);
          } else if constexpr (std::is_same_v<T, std::uint64_t*>) {
            return app.add_option(names, *t, o.help)->capture_default_str()->check(kUnsigned64);
          } else {
            return app.add_option(names, *t, o.help)->capture_default_str();
          }
        },
        const_cast<OptionTarget&>(o.target));
    opt->group(o.group);
  }
}

void add_control_options(CLI::App& app, RunControl& r) {
  const char* g = "Run control";
  app.add_option("--output,-o", r.output, "write every trial to this HDF5 file")
      ->group(g)
      ->check([](const std::string& p) { return p.empty() ? std::string("the output path is empty") : std::string(); });
  app.add_flag("--force", r.force, "overwrite an existing --output file")->group(g);
  app.add_flag("--resume", r.resume, "continue the run that --output holds")->group(g);
  app.add_option("--shard", r.shard, "K/N: run only the trials whose global index is K mod N")
      ->group(g)->capture_default_str();
  app.add_option("--traces", r.traces, "store waveforms of the first K trials of every point")->group(g);
  app.add_option("--trace-axons", r.trace_axons,
                 "axons to trace as i:j (neuron i's axon onto dendrite j); default neuron 0's")
      ->group(g);
  app.add_option("--backend", r.backend, "auto (GPU if usable), cpu, cuda, or cpu-rows (the GPU's algorithm on the CPU, for checks)")->group(g)->capture_default_str();
  app.add_option("--device", r.device, "CUDA device ordinal")->group(g)->capture_default_str();
  app.add_option("--devices", r.devices, "several CUDA devices in one process, e.g. 0,1,2,3")
      ->group(g)->delimiter(',');
  app.add_option("--threads", r.threads, "CPU worker threads (0 = all; at most the hardware threads)")->group(g)->capture_default_str();
  app.add_flag("--oversubscribe", r.oversubscribe, "allow more --threads than hardware threads (up to 1024)")->group(g);
  app.add_option("--batch", r.batch, "trials per backend call (0 = backend's choice)")->group(g)->check(kUnsigned64);
  app.add_flag("--quiet,-q", r.quiet, "print nothing but errors")->group(g);
  app.add_flag("--dry-run", r.dry_run, "check the configuration, print the plan and stop")->group(g);
  app.add_flag("--no-progress{false}", r.progress, "no progress reports on stderr")->group(g);
}

}  // namespace spinhop::cli
