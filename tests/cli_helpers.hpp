// Running the spinhop executable from tests: exit code and combined output.
#pragma once

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace spinhop::test {

struct CliResult {
  int code = -1;
  std::string output;  // stdout and stderr
};

// A shell command line's exit code and its stdout and stderr together.
inline CliResult run_command(const std::string& cmd) {
  CliResult r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// A shell script (sh -c).
inline CliResult run_cli_shell(const std::string& script) {
  std::string quoted = "'";
  for (char ch : script) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return run_command("sh -c " + quoted + "'");
}

// spinhop with these arguments (shell syntax), optionally with environment settings before it.
inline CliResult run_cli(const std::string& args, const std::string& env = "") {
  return run_command(env + " " + SPINHOP_EXE + " " + args);
}

// The error contract of docs/cli.md: one `spinhop: error:` line naming `expect`, exit 2.
inline void expect_one_error_line(const std::string& args, const std::string& expect) {
  const CliResult r = run_cli(args);
  EXPECT_EQ(r.code, 2) << args << " -> " << r.output;
  EXPECT_EQ(r.output.rfind("spinhop: error: ", 0), 0u) << args << " -> " << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << args << " -> " << r.output;
  EXPECT_NE(r.output.find(expect), std::string::npos) << args << " -> " << r.output;
}

// A fresh directory for one test, removed when the test ends.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name) {
    path = std::filesystem::temp_directory_path() / ("spinhop-test-" + name + "-" + std::to_string(getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& f) const { return (path / f).string(); }
};

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

}  // namespace spinhop::test
