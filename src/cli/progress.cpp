#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace spinhop::cli {

namespace {
ProgressSink g_sink;  // empty: stderr
}  // namespace

void set_progress_sink(ProgressSink sink) { g_sink = std::move(sink); }
bool has_progress_sink() { return static_cast<bool>(g_sink); }

Progress::Progress(std::uint64_t total, std::uint64_t points, bool enabled)
    : total_(total), points_(points), enabled_(enabled), tty_(!g_sink && isatty(STDERR_FILENO) != 0) {
  start_ = last_ = std::chrono::steady_clock::now();
}

void Progress::update(std::uint64_t done, std::uint64_t point) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  // a sink (a notebook) is told every 2 s: it redraws one line
  if (since < (tty_ ? 0.2 : g_sink ? 2.0 : 10.0) && done < total_) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? done / secs : 0;
  const double eta = rate > 0 ? (total_ - done) / rate : 0;
  const double frac = total_ ? static_cast<double>(done) / total_ : 1.0;
  char line[256];
  std::snprintf(line, sizeof line, "point %llu/%llu  %llu/%llu trials  %.1f trials/s  ETA %.0f s",
                static_cast<unsigned long long>(point + 1), static_cast<unsigned long long>(points_),
                static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), rate,
                eta);
  if (g_sink) {
    g_sink(line, frac);
    return;
  }
  if (tty_) {
    const int width = 24;
    const int fill = static_cast<int>(frac * width);
    std::fprintf(stderr, "\r[%.*s%*s] %s ", fill, "########################", width - fill, "", line);
    drawn_ = true;
  } else {
    std::fprintf(stderr, "spinhop: %s\n", line);
  }
  std::fflush(stderr);
}

void Progress::finish() {
  if (enabled_ && tty_ && drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace spinhop::cli
