// Shared by the libFuzzer targets: the readers take paths, so every input is written to a file
// first. A reader may refuse an input with a spinhop::Error (that is its contract); anything
// else (another exception, a crash, a sanitizer report, a hang) is a finding.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "spinhop/errors.hpp"

namespace spinhop::fuzz {

inline std::string input_path(const char* suffix) {
  return "/tmp/spinhop-fuzz-" + std::to_string(getpid()) + suffix;
}

inline std::string write_input(const std::uint8_t* data, std::size_t size, const char* suffix) {
  const std::string path = input_path(suffix);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

template <class F>
void expect_clean(F&& read) {
  try {
    read();
  } catch (const spinhop::Error&) {
    // refused with a message: fine
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: unexpected exception: %s\n", e.what());
    std::abort();
  }
}

}  // namespace spinhop::fuzz
