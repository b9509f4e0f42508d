// libFuzzer target: the TOML configuration reader of `spinhop run` (toml++ and the mapping of
// its tables onto options).
#include <sstream>

#include "cli/toml_config.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const spinhop::cli::TomlRunConfig config;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  spinhop::fuzz::expect_clean([&] { (void)config.from_config(in); });
  return 0;
}
