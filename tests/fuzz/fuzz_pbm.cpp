// libFuzzer target: the PBM (P1 / P4) image reader.
#include "fuzz_common.hpp"
#include "spinhop/pbm.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = spinhop::fuzz::write_input(data, size, ".pbm");
  spinhop::fuzz::expect_clean([&] { (void)spinhop::read_pbm(path); });
  return 0;
}
