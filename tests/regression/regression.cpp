// Regression cases: small runs whose every trial result is stored exactly and compared exactly.
//
//   spinhop_regression --check NAME [--backend cpu|cuda]   one case against expected/NAME.txt
//   spinhop_regression --update [NAME...]                  rewrite expected files (all or some)
//   spinhop_regression --list                              the case names
//
// A case is a spinhop command line (tests/regression/cases.txt). It runs through the real
// executable into a results file, which is read back and dumped one line per trial: the physics
// outcome (times, energies, steps, read-out) and the task's scores, doubles as C99 hex floats so
// the text is exact. --check exits 0 when identical, 1 with the first differing lines, 77 when
// the backend cannot run here (skipped; SPINHOP_REQUIRE_GPU=1 turns that into a failure).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "spinhop/backend.hpp"
#include "spinhop/results_file.hpp"

namespace fs = std::filesystem;

namespace {

struct Case {
  std::string name, args;
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

std::vector<Case> read_cases(const std::string& dir) {
  std::ifstream in(dir + "/cases.txt");
  if (!in) throw std::runtime_error("cannot read " + dir + "/cases.txt");
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    Case c;
    ls >> c.name;
    std::getline(ls, c.args);
    c.args = replace_all(c.args, "@DATA@", SPINHOP_SOURCE_DIR "/data");
    c.args = replace_all(c.args, "@SRC@", SPINHOP_SOURCE_DIR);
    cases.push_back(c);
  }
  return cases;
}

std::string hex(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%a", v);
  return buf;
}

std::string words_hex(const std::vector<std::uint64_t>& w) {
  std::string s;
  for (std::size_t k = 0; k < w.size(); ++k) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%s%016llx", k ? ":" : "", static_cast<unsigned long long>(w[k]));
    s += buf;
  }
  return s;
}

// One line per trial, in file order (global trial order).
std::string dump(const std::string& h5) {
  const spinhop::ResultsReader rd(h5);
  std::ostringstream os;
  os << "# point trial converged steps t_solution t_switch energy_exact energy_paper undecided "
        "state undecided_bits input success bit_accuracy target cut gap hopfield_agrees "
        "hopfield_success hopfield_cut\n";
  const std::uint64_t n = rd.committed();
  for (std::uint64_t start = 0; start < n; start += 4096) {
    for (const spinhop::TrialRow& row : rd.rows(start, std::min<std::uint64_t>(4096, n - start))) {
      const spinhop::TrialRecord& r = row.record;
      const spinhop::NetworkOutcome& o = r.outcome;
      os << r.point << ' ' << r.trial << ' ' << o.converged << ' ' << o.steps << ' '
         << hex(o.t_solution) << ' ' << hex(o.t_switch) << ' ' << hex(o.energy) << ' '
         << hex(r.energy_paper) << ' ' << o.undecided << ' ' << words_hex(row.state) << ' '
         << words_hex(row.undecided) << ' ' << words_hex(row.input) << ' ' << r.score.success
         << ' ' << hex(r.score.bit_accuracy) << ' ' << r.score.target << ' ' << hex(r.score.cut)
         << ' ' << hex(r.score.gap) << ' ' << r.score.hopfield_agrees << ' '
         << r.score.hopfield_success << ' ' << hex(r.score.hopfield_cut) << '\n';
    }
  }
  return os.str();
}

int run_case(const Case& c, const std::string& backend, std::string* out, std::string* log) {
  const fs::path tmp = fs::temp_directory_path() /
                       ("spinhop-regression-" + c.name + "-" + backend + "-" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  const std::string h5 = (tmp / "r.h5").string();
  const std::string cmd = std::string(SPINHOP_EXE) + " " + c.args + " --backend " + backend +
                          " --threads 2 -q --no-progress -o " + h5 + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  std::size_t got;
  while (p != nullptr && (got = fread(buf, 1, sizeof buf, p)) > 0) log->append(buf, got);
  const int status = p != nullptr ? pclose(p) : -1;
  int rc = (status >= 0 && WIFEXITED(status)) ? WEXITSTATUS(status) : 1;
  if (rc == 0) *out = dump(h5);
  fs::remove_all(tmp);
  return rc;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream is(s);
  std::string l;
  while (std::getline(is, l)) v.push_back(l);
  return v;
}

int check(const std::string& dir, const Case& c, const std::string& backend) {
  if (backend == "cuda") {
    std::string why;
    if (!spinhop::cuda_available(&why)) {
      const char* req = std::getenv("SPINHOP_REQUIRE_GPU");
      if (req != nullptr && std::strcmp(req, "1") == 0) {
        std::cerr << "SPINHOP_REQUIRE_GPU=1 but no GPU: " << why << "\n";
        return 1;
      }
      std::cout << "skipped: no usable GPU (" << why << ")\n";
      return 77;
    }
  }
  std::string got, log;
  if (run_case(c, backend, &got, &log) != 0) {
    std::cerr << c.name << ": spinhop failed:\n" << log;
    return 1;
  }
  const std::string path = dir + "/expected/" + c.name + ".txt";
  if (!fs::exists(path)) {
    std::cerr << c.name << ": " << path << " missing; run spinhop_regression --update " << c.name << "\n";
    return 1;
  }
  const std::vector<std::string> want = lines_of(read_file(path)), have = lines_of(got);
  int shown = 0, differ = 0;
  const std::size_t rows = std::max(want.size(), have.size());
  for (std::size_t k = 0; k < rows; ++k) {
    const std::string a = k < want.size() ? want[k] : "<missing>";
    const std::string b = k < have.size() ? have[k] : "<missing>";
    if (a == b) continue;
    ++differ;
    if (shown++ < 5) std::cerr << "line " << k + 1 << "\n  expected " << a << "\n  got      " << b << "\n";
  }
  if (differ > 0) {
    std::cerr << c.name << " (" << backend << "): " << differ << " of " << rows
              << " lines differ from " << path
              << "\nIf the change is meant to move numbers: spinhop_regression --update " << c.name
              << ", then review the diff.\n";
    return 1;
  }
  std::cout << c.name << " (" << backend << "): " << have.size() - 1 << " trials identical\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = SPINHOP_SOURCE_DIR "/tests/regression";
  try {
    const std::vector<Case> cases = read_cases(dir);
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string backend = "cpu";
    for (std::size_t k = 0; k + 1 < args.size(); ++k) {
      if (args[k] == "--backend") {
        backend = args[k + 1];
        args.erase(args.begin() + static_cast<long>(k), args.begin() + static_cast<long>(k) + 2);
        break;
      }
    }
    auto find = [&](const std::string& name) -> const Case& {
      for (const Case& c : cases) {
        if (c.name == name) return c;
      }
      throw std::runtime_error("no regression case '" + name + "'");
    };
    if (args.size() == 1 && args[0] == "--list") {
      for (const Case& c : cases) std::cout << c.name << "\n";
      return 0;
    }
    if (args.size() == 2 && args[0] == "--check") return check(dir, find(args[1]), backend);
    if (!args.empty() && args[0] == "--update") {
      std::vector<Case> todo;
      if (args.size() == 1) todo = cases;
      for (std::size_t k = 1; k < args.size(); ++k) todo.push_back(find(args[k]));
      for (const Case& c : todo) {
        std::string got, log;
        if (run_case(c, "cpu", &got, &log) != 0) {
          std::cerr << c.name << ": spinhop failed:\n" << log;
          return 1;
        }
        std::ofstream(dir + "/expected/" + c.name + ".txt") << got;
        std::cout << "wrote expected/" << c.name << ".txt (" << lines_of(got).size() - 1 << " trials)\n";
      }
      return 0;
    }
    std::cerr << "usage: spinhop_regression --check NAME [--backend cpu|cuda] | --update [NAME...] | --list\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "spinhop_regression: " << e.what() << "\n";
    return 2;
  }
}
