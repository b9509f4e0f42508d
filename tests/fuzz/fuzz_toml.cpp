// libFuzzer target: the TOML readers - the configuration of `spinhop run` (toml++ and the
// mapping of its tables onto options) and variation files (docs/variation.md), on the same bytes.
#include <sstream>

#include "cli/toml_config.hpp"
#include "fuzz_common.hpp"
#include "spinhop/variation_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const spinhop::cli::TomlRunConfig config;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  spinhop::fuzz::expect_clean([&] { (void)config.from_config(in); });
  const std::string path = spinhop::fuzz::write_input(data, size, ".toml");
  spinhop::fuzz::expect_clean([&] {
    spinhop::VariationSigmas s;
    spinhop::read_variation_file(path, s);
  });
  return 0;
}
