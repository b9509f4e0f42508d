// libFuzzer target: the rudy / Biq Mac graph reader and the optima table reader.
#include "fuzz_common.hpp"
#include "spinhop/graph.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = spinhop::fuzz::write_input(data, size, ".graph");
  spinhop::fuzz::expect_clean([&] {
    const spinhop::Graph g = spinhop::read_rudy(path);
    if (g.n <= 16) (void)spinhop::exact_maxcut(g);
  });
  spinhop::fuzz::expect_clean([&] { (void)spinhop::read_optima_tsv(path); });
  return 0;
}
