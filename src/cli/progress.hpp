// Progress reports on stderr: a bar redrawn in place on a terminal, a line every ~10 s
// otherwise, nothing when quiet.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace spinhop::cli {

// Where progress goes instead of stderr (the Python module: a notebook's output): the line and
// the fraction done. Empty: stderr.
using ProgressSink = std::function<void(const std::string& line, double fraction)>;
void set_progress_sink(ProgressSink sink);
bool has_progress_sink();

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
