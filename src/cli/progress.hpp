// Progress reports on stderr: a bar redrawn in place on a terminal, a line every ~10 s
// otherwise, nothing when quiet.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace spinhop::cli {

class Progress {
 public:
  Progress(std::uint64_t total, std::uint64_t points, bool enabled);
  // done: trials finished in this run (not counting resumed ones); point: current point
  void update(std::uint64_t done, std::uint64_t point);
  void finish();

 private:
  std::uint64_t total_, points_;
  bool enabled_, tty_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace spinhop::cli
