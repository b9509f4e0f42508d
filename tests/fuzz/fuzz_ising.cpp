// libFuzzer target: the Ising / QUBO readers (sparse text, .npy, CSV) and the bit-row files of
// recall, on the same bytes under each name.
#include "fuzz_common.hpp"
#include "spinhop/ising_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (const char* suffix : {".npy", ".csv", ".txt"}) {
    const std::string path = spinhop::fuzz::write_input(data, size, suffix);
    for (bool qubo : {false, true}) {
      spinhop::fuzz::expect_clean([&] {
        const spinhop::IsingProblem p = spinhop::read_ising(path, "", qubo);
        double k = 0;
        if (p.n <= 64) (void)spinhop::ising_as_graph(p, &k);
      });
    }
    spinhop::fuzz::expect_clean([&] {
      int n = 0;
      (void)spinhop::read_bit_rows(path, "pattern", 64, &n);
    });
  }
  return 0;
}
