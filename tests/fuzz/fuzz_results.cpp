// libFuzzer target: the results-file reader on damaged and crafted HDF5 files (the seed corpus
// holds real results files of every task; the fuzzer flips their bytes).
#include "fuzz_common.hpp"
#include "spinhop/results_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = spinhop::fuzz::write_input(data, size, ".h5");
  spinhop::fuzz::expect_clean([&] {
    const spinhop::ResultsReader r(path);
    for (std::uint64_t p = 0; p < r.header().points && p < 4; ++p) {
      (void)r.point_summary(p);
      (void)r.group_summaries(p);
    }
    if (r.committed() > 0) (void)r.rows(0, std::min<std::uint64_t>(r.committed(), 64));
    (void)r.traces();
  });
  return 0;
}
