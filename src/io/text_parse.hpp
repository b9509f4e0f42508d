// Token helpers the text readers share (graphs, Ising problems): whole-token numbers and
// errors that name the file and line (src/io only).
#pragma once

#include <charconv>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "spinhop/errors.hpp"

namespace spinhop::io {

inline std::vector<std::string> split_whitespace(const std::string& line) {
  std::istringstream ss(line);
  std::vector<std::string> tokens;
  for (std::string t; ss >> t;) tokens.push_back(t);
  return tokens;
}

// The whole token must be the number: "1x" and "" fail.
inline bool parse_int(const std::string& t, long long* v) {
  const char* end = t.data() + t.size();
  const auto r = std::from_chars(t.data(), end, *v);
  return r.ec == std::errc() && r.ptr == end;
}

// A finite real; a leading '+' is accepted (from_chars alone rejects it).
inline bool parse_real(const std::string& t, double* v) {
  const std::size_t skip = t.size() > 1 && t[0] == '+' ? 1 : 0;
  const char* end = t.data() + t.size();
  const auto r = std::from_chars(t.data() + skip, end, *v);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(*v);
}

class LineError {
 public:
  explicit LineError(const std::string& path) : path_(path) {}
  [[noreturn]] void operator()(int line, const std::string& problem) const {
    throw InputError(path_ + ":" + std::to_string(line) + ": " + problem);
  }

 private:
  const std::string& path_;
};

}  // namespace spinhop::io
