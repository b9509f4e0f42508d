// The HDF5 results file, resume, shards and merge, and bad input (issue 4).
#include <algorithm>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <cmath>
#include <thread>

#include "cli_helpers.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/graph.hpp"
#include "spinhop/results_file.hpp"

using namespace spinhop;
using namespace spinhop::test;

namespace {

// Per-trial data of two files equal, field by field (NaN equals NaN).
void expect_same_trials(const std::string& a, const std::string& b) {
  const ResultsContent x = read_results(a), y = read_results(b);
  ASSERT_EQ(x.rows.size(), y.rows.size());
  for (std::size_t r = 0; r < x.rows.size(); ++r) {
    const TrialRecord &p = x.rows[r].record, &q = y.rows[r].record;
    ASSERT_EQ(p.point, q.point) << r;
    ASSERT_EQ(p.trial, q.trial) << r;
    EXPECT_EQ(std::memcmp(&p.outcome.t_solution, &q.outcome.t_solution, 8), 0) << r;
    EXPECT_EQ(std::memcmp(&p.outcome.energy, &q.outcome.energy, 8), 0) << r;
    EXPECT_EQ(p.outcome.steps, q.outcome.steps) << r;
    EXPECT_EQ(p.score.success, q.score.success) << r;
    EXPECT_EQ(x.rows[r].state, y.rows[r].state) << r;
    EXPECT_EQ(x.rows[r].undecided, y.rows[r].undecided) << r;
  }
}

// A string attribute as the file stores it (fixed-length, NUL-padded: docs/output-format.md).
std::string read_attr(hid_t f, const char* name) {
  hid_t a = H5Aopen(f, name, H5P_DEFAULT);
  hid_t t = H5Aget_type(a);
  EXPECT_EQ(H5Tis_variable_str(t), 0) << name << " is a variable-length string";
  std::string s(H5Tget_size(t), '\0');
  H5Aread(a, t, s.data());
  H5Tclose(t);
  H5Aclose(a);
  return s.substr(0, s.find('\0'));
}

}  // namespace

// Written by the CLI, read back with the plain HDF5 C API: structure, units, values.
TEST(ResultsFile, RoundTripThroughTheHdf5CApi) {
  TempDir dir("roundtrip");
  const std::string file = dir / "r.h5";
  const CliResult r = run_cli("recall -n 12 -t 40 --sweep W=0.05,0.1 -q -o " + file);
  ASSERT_EQ(r.code, 0) << r.output;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0) << "a finished file opens without SWMR";
  EXPECT_EQ(read_attr(f, "file_type"), "spinhop-results");
  EXPECT_NE(read_attr(f, "config").find("neurons = 12"), std::string::npos);
  EXPECT_NE(read_attr(f, "config").find("sweep = [\"W=0.05,0.1\"]"), std::string::npos);
  EXPECT_FALSE(read_attr(f, "git_sha").empty());
  EXPECT_NE(read_attr(f, "created").find("T"), std::string::npos);
  // every per-trial dataset has 80 rows and a units attribute
  for (const char* name : {"point", "trial", "converged", "t_solution", "t_load", "steps", "rejected",
                           "energy_exact", "energy_paper", "success", "bit_accuracy",
                           "undecided", "target", "hopfield_agrees", "state"}) {
    const std::string path = std::string("/trials/") + name;
    hid_t d = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
    ASSERT_GE(d, 0) << path;
    hid_t s = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(s, dims, nullptr);
    EXPECT_EQ(dims[0], 80u) << path;
    EXPECT_GT(H5Aexists(d, "units"), 0) << path;
    H5Sclose(s);
    H5Dclose(d);
  }
  // values: the times are in seconds, the points table holds the sweep
  std::vector<double> t(80), w(2);
  hid_t d = H5Dopen2(f, "/trials/t_solution", H5P_DEFAULT);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data());
  EXPECT_EQ(read_attr(d, "units"), "s");
  H5Dclose(d);
  for (double v : t) {
    EXPECT_GT(v, 10e-9);
    EXPECT_LT(v, 3e-6);
  }
  d = H5Dopen2(f, "/points/w", H5P_DEFAULT);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, w.data());
  H5Dclose(d);
  EXPECT_EQ(w[0], 0.05);
  EXPECT_EQ(w[1], 0.1);
  // the summary is the trials' own statistics
  std::vector<double> mean(2);
  d = H5Dopen2(f, "/summary/t_solution_mean", H5P_DEFAULT);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, mean.data());
  H5Dclose(d);
  H5Fclose(f);
  const ResultsContent rc = read_results(file);
  EXPECT_TRUE(rc.complete);
  for (int p = 0; p < 2; ++p) {
    double sum = 0;
    int n = 0;
    for (const TrialRow& row : rc.rows) {
      if (static_cast<int>(row.record.point) == p && row.record.outcome.converged) {
        sum += row.record.outcome.t_solution;
        ++n;
      }
    }
    EXPECT_NEAR(mean[p], sum / n, 1e-15);
  }
}

// Interrupted after 2 batches (the test hook behaves as Ctrl-C), then resumed: the same trial
// data as an uninterrupted run.
TEST(ResultsFile, ResumeAfterInterruptEqualsUninterrupted) {
  TempDir dir("resume");
  const std::string args = "recall -n 10 -t 300 --batch 40 --sweep P=1,2 -q";
  const CliResult a = run_cli(args + " -o " + dir / "a.h5", "SPINHOP_TEST_STOP_AFTER_BATCHES=2");
  EXPECT_EQ(a.code, 130) << a.output;
  EXPECT_NE(a.output.find("--resume"), std::string::npos) << a.output;
  EXPECT_EQ(read_results(dir / "a.h5").rows.size(), 80u);
  const CliResult b = run_cli(args + " -o " + dir / "a.h5 --resume");
  ASSERT_EQ(b.code, 0) << b.output;
  ASSERT_EQ(run_cli(args + " -o " + dir / "b.h5").code, 0);
  expect_same_trials(dir / "a.h5", dir / "b.h5");
  EXPECT_TRUE(read_results(dir / "a.h5").complete);
  // a resume that changes a result-defining option is refused, the file left as it was
  const std::string before = file_bytes(dir / "a.h5");
  const CliResult c = run_cli("recall -n 10 -t 300 --batch 40 --sweep P=1,2 -q --w 0.2 -o " +
                              dir / "a.h5 --resume");
  EXPECT_EQ(c.code, 2);
  EXPECT_NE(c.output.find("configuration differs"), std::string::npos) << c.output;
  EXPECT_EQ(file_bytes(dir / "a.h5"), before);
}

// A real kill -9 of a running spinhop at an arbitrary moment leaves a file that opens and
// resumes to the uninterrupted result.
TEST(ResultsFile, KillNineThenResume) {
  TempDir dir("kill");
  const std::string file = dir / "k.h5";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string cmd = std::string("exec ") + SPINHOP_EXE + " recall -n 16 -t 3000 --batch 50 --threads 1 -q -o " + file + " >/dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // wait until some batches are on disk, then kill mid-run
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::uint64_t rows = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    try {
      rows = read_results(file).rows.size();
    } catch (const Error&) {
      rows = 0;
    }
    if (rows >= 200) break;
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_GE(rows, 200u) << "the run did not write in time";
  const std::uint64_t kept = read_results(file).rows.size();
  EXPECT_GE(kept, rows);
  EXPECT_LT(kept, 3000u) << "killed too late to test anything";
  const std::string base = "recall -n 16 -t 3000 --batch 50 -q";
  const CliResult r = run_cli(base + " -o " + file + " --resume");
  ASSERT_EQ(r.code, 0) << r.output;
  ASSERT_EQ(run_cli(base + " -o " + dir / "ref.h5").code, 0);
  expect_same_trials(file, dir / "ref.h5");
}

// Three shards merged equal the single run; bad shard sets are refused.
TEST(ResultsFile, ShardsMergeToTheSingleRun) {
  TempDir dir("shards");
  const std::string args = "images -t 20 --sweep distortion=0:0.3:0.15 -q --traces 1";
  for (int k = 0; k < 3; ++k) {
    ASSERT_EQ(run_cli(args + " --shard " + std::to_string(k) + "/3 -o " + dir / ("s" + std::to_string(k) + ".h5")).code, 0);
  }
  ASSERT_EQ(run_cli(args + " -o " + dir / "one.h5").code, 0);
  const CliResult m = run_cli("merge " + dir / "m.h5 " + dir / "s2.h5 " + dir / "s0.h5 " + dir / "s1.h5");
  ASSERT_EQ(m.code, 0) << m.output;
  expect_same_trials(dir / "m.h5", dir / "one.h5");
  EXPECT_EQ(read_results(dir / "m.h5", true).traces.size(), 3u);

  const CliResult gap = run_cli("merge " + dir / "g.h5 " + dir / "s0.h5 " + dir / "s1.h5");
  EXPECT_EQ(gap.code, 2);
  EXPECT_NE(gap.output.find("gap"), std::string::npos) << gap.output;
  const CliResult overlap = run_cli("merge " + dir / "o.h5 " + dir / "s0.h5 " + dir / "s1.h5 " + dir / "s1.h5");
  EXPECT_EQ(overlap.code, 2);
  EXPECT_NE(overlap.output.find("overlap"), std::string::npos) << overlap.output;
  ASSERT_EQ(run_cli("images -t 20 --sweep distortion=0:0.3:0.15 -q --seed 9 --shard 2/3 -o " + dir / "x2.h5").code, 0);
  const CliResult mismatch = run_cli("merge " + dir / "x.h5 " + dir / "s0.h5 " + dir / "s1.h5 " + dir / "x2.h5");
  EXPECT_EQ(mismatch.code, 2);
  EXPECT_NE(mismatch.output.find("not a shard of the same run"), std::string::npos) << mismatch.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.h5"));
}

// Malformed command lines (CLI11's parse errors) keep the error contract of docs/cli.md: one
// `spinhop: error:` line naming the problem and exit 2, like every other user error; --help and
// --version still exit 0.
TEST(Cli, ParseErrorsAreOneErrorLineAndExit2) {
  struct Case {
    std::string args, expect;
  } cases[] = {
      {"recall --neurons abc", "--neurons = abc"},        // a value of the wrong type
      {"recall --frobnicate", "--frobnicate"},           // an unknown flag
      {"recall -n 3 -n 4", "--neurons"},                 // an option given twice
      {"recall --neurons", "--neurons"},                 // a missing value
      {"", "subcommand is required"},                    // no command
      {"maxcut --graphs x", "see spinhop maxcut --help"},  // the hint names the command
  };
  for (const Case& c : cases) expect_one_error_line(c.args, c.expect);
  EXPECT_EQ(run_cli("recall --help").code, 0);
  EXPECT_EQ(run_cli("--version").code, 0);
}

// Values and paths that make no sense are one error line and exit 2, not a wrapped seed, an
// overflowing energy, a run that writes nowhere or an internal error.
TEST(Cli, NonsenseValuesAndPathsAreOneErrorLine) {
  TempDir dir("nonsense");
  const std::string long_name = dir / (std::string(300, 'a') + ".h5");
  struct Case {
    std::string args, expect;
  } cases[] = {
      {"recall -t 2 --seed -1", "--seed"},
      {"recall -t 2 --seed 99999999999999999999", "--seed"},
      {"recall --trials -5", "--trials"},
      {"recall -t 2 --w 1e308", "--w"},
      {"recall -t 2 -o ''", "output path is empty"},
      {"recall -t 2 -o " + dir.path.string() + " --force", "is a directory"},
      {"recall -t 2 -o " + long_name, "cannot create"},
      {"maxcut --random-graph 12 -t 1 --start eigen", "must be auto, off, random or spectral"},
  };
  for (const Case& c : cases) expect_one_error_line(c.args, c.expect);
}

// Ctrl-C prints a resume command that works as printed: without the --force that --resume
// refuses, with a path holding a quote and a space quoted for the shell.
TEST(Cli, InterruptedRunPrintsAWorkingResumeCommand) {
  TempDir dir("it's here");
  const std::string out = dir / "r.h5";
  std::string quoted = "'";
  for (char ch : out) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  quoted += "'";
  const std::string script = std::string(SPINHOP_EXE) + " recall -n 60 -t 2000000 -q --no-progress --force -o " +
                             quoted + " & p=$!; sleep 1.5; kill -INT $p; wait $p; echo rc=$?";
  const CliResult r = run_cli_shell(script);
  ASSERT_NE(r.output.find("rc=130"), std::string::npos) << r.output;
  const std::size_t at = r.output.find("resume with: spinhop ");
  ASSERT_NE(at, std::string::npos) << r.output;
  std::string resume = r.output.substr(at + 13);
  resume = resume.substr(0, resume.find('\n'));
  EXPECT_EQ(resume.find("--force"), std::string::npos) << resume;
  // run it, stopping it again at once: it must be accepted (exit 130 or 0), not refused (2)
  const std::string again = std::string(SPINHOP_EXE) + resume.substr(7) + " & p=$!; sleep 1; kill -INT $p; wait $p; echo rc=$?";
  const CliResult r2 = run_cli_shell(again);
  EXPECT_EQ(r2.output.find("rc=2"), std::string::npos) << again << " -> " << r2.output;
  EXPECT_EQ(r2.output.find("error"), std::string::npos) << r2.output;
}

TEST(Cli, BadInputGetsOneClearErrorAndNonZeroExit) {
  TempDir dir("bad");
  struct Case {
    std::string args, expect;
  } cases[] = {
      {"recall --frobnicate 3", "frobnicate"},
      {"recall --sweep W=0.1:0.05:0.01", "stop < start"},
      {"recall --sweep W=0.1:0.2", "start:stop:step"},
      {"recall --sweep W=a,b", "not a number"},
      {"recall --sweep Q=1,2", "unknown sweep parameter 'Q'"},
      {"recall --neurons 1", "--neurons"},
      {"recall --r-ap 100", "--r-ap"},
      {"recall --sigma-r-p 2", "sigma"},
      {"recall --shard 3/2", "--shard"},
      {"recall --precision half", "--precision"},
      {"recall --rtol 1e-6", "--precision double"},  // below float's floor
      {"recall --rtol 0", "--rtol"},
      {"recall --atol -1", "--atol"},
      {"recall --integrator rk45", "--integrator"},
      {"recall --t-max 1e-8", "charge-up time"},
      {"recall --sweep t-max=1e-8,1e-6", "at sweep point t-max=1e-08"},  // %g, not 0.000000
      {"images --image /nonexistent/x.pbm", "/nonexistent/x.pbm"},
      {"maxcut", "--graph"},
      {"run --task recall -o /proc/forbidden/r.h5", "/proc/forbidden"},
      {"recall -t 5 -o /etc/passwd/x.h5", "x.h5"},
  };
  for (const Case& c : cases) {
    const CliResult r = run_cli(c.args);
    EXPECT_NE(r.code, 0) << c.args;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << " -> " << r.output;
    EXPECT_EQ(r.output.find("internal error"), std::string::npos) << c.args;
  }
  // a TOML file with a typo'd key
  std::ofstream(dir / "typo.toml") << "task = \"recall\"\nneurons = 8\nweigth = 0.1\n";
  const CliResult typo = run_cli("run " + dir / "typo.toml");
  EXPECT_EQ(typo.code, 2) << typo.output;
  EXPECT_NE(typo.output.find("weigth"), std::string::npos) << typo.output;
  // a non-HDF5 file and a foreign HDF5 file given to --resume and merge
  std::ofstream(dir / "text.h5") << "not hdf5\n";
  hid_t f = H5Fcreate((dir / "foreign.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(f);
  for (const std::string& bad : {dir / "text.h5", dir / "foreign.h5"}) {
    const std::string before = file_bytes(bad);
    const CliResult r1 = run_cli("recall -n 8 -t 5 -q --resume -o " + bad);
    EXPECT_EQ(r1.code, 2) << r1.output;
    EXPECT_NE(r1.output.find("not"), std::string::npos) << r1.output;
    const CliResult r2 = run_cli("merge " + dir / "out.h5 " + bad);
    EXPECT_EQ(r2.code, 2) << r2.output;
    EXPECT_EQ(file_bytes(bad), before) << "a bad input was modified";
  }
  // an existing results file is never overwritten without --force, nor damaged
  ASSERT_EQ(run_cli("recall -n 8 -t 5 -q -o " + dir / "keep.h5").code, 0);
  const std::string before = file_bytes(dir / "keep.h5");
  const CliResult again = run_cli("recall -n 8 -t 7 -q -o " + dir / "keep.h5");
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.output.find("--force"), std::string::npos);
  const CliResult invalid = run_cli("recall -n 8 -t 7 -q --force --w -1 -o " + dir / "keep.h5");
  EXPECT_EQ(invalid.code, 2);
  EXPECT_EQ(file_bytes(dir / "keep.h5"), before);
}

// A file system that refuses to grow the file (RLIMIT_FSIZE, as a full disk would): one clear
// error, a non-zero exit, and a file that still opens with every batch it had committed.
TEST(Cli, FullDiskKeepsTheCommittedRows) {
  TempDir dir("full");
  const std::string file = dir / "full.h5";
  const std::string cmd = std::string("ulimit -f 4000; exec ") + SPINHOP_EXE +
                          " recall -n 40 -t 100000 --batch 200 -q -o " + file + " 2>&1";
  FILE* p = popen(("sh -c '" + cmd + "'").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  const int status = pclose(p);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 2) << out;
  EXPECT_NE(out.find("disk full"), std::string::npos) << out;
  const ResultsContent rc = read_results(file);
  EXPECT_GT(rc.rows.size(), 0u);
  EXPECT_EQ(rc.rows.size() % 200, 0u) << "only whole batches";
}

// --force replaces a file only once the new run has committed a batch: a run that fails first
// (here a file-size limit, as a full disk) leaves the old file byte for byte; a device or a
// symbolic link is never replaced.
TEST(Cli, ForceReplacesOnlyWithACommittedBatch) {
  TempDir dir("force");
  const std::string file = dir / "r.h5";
  ASSERT_EQ(run_cli("recall -n 10 -t 50 -q -o " + file).code, 0);
  const std::string before = file_bytes(file);
  const CliResult failed = run_cli_shell("ulimit -f 64; " + std::string(SPINHOP_EXE) +
                                         " recall -n 40 -t 1000 -q -o " + file + " --force");
  EXPECT_NE(failed.output.find("spinhop: error: "), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("left as it was"), std::string::npos) << failed.output;
  EXPECT_TRUE(file_bytes(file) == before) << "the old file changed";
  // a finished --force run does replace it
  ASSERT_EQ(run_cli("recall -n 10 -t 60 -q -o " + file + " --force").code, 0);
  EXPECT_EQ(read_results(file).rows.size(), 60u);
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
  std::filesystem::create_symlink(file, dir / "link.h5");
  expect_one_error_line("recall -n 10 -t 5 -q --force -o " + dir / "link.h5", "is a symbolic link");
  if (getuid() == 0) {  // as root, a device node could be replaced by a regular file
    expect_one_error_line("recall -n 10 -t 5 -q --force -o /dev/null", "'/dev/null' is not a regular file");
  }
}

// One writer per results file: a second run on the path of a running one is refused and names
// it; a temporary left by a killed writer is removed by the next run, which says so.
TEST(Cli, OneWriterPerFileAndNoLeftovers) {
  TempDir dir("writers");
  const std::string file = dir / "w.h5";
  const std::string script = std::string(SPINHOP_EXE) + " recall -n 60 -t 2000000 -q --no-progress -o " + file +
                             " & p=$!; for i in $(seq 100); do [ -e " + file + " ] && break; sleep 0.05; done; " +
                             SPINHOP_EXE + " recall -n 10 -t 5 -q --force -o " + file + "; echo rc=$?; " +
                             SPINHOP_EXE + " recall -n 60 -t 2000000 -q -o " + file + " --resume; echo rc=$?; " +
                             "kill -INT $p; wait $p";
  const CliResult r = run_cli_shell(script);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n') >= 2, true) << r.output;
  EXPECT_NE(r.output.find("is being written by another spinhop (process "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("rc=0"), std::string::npos) << r.output;
  EXPECT_GT(read_results(file).rows.size(), 0u) << "the first run's results are kept";
  // a leftover of a process that no longer runs
  { std::ofstream(file + ".tmp-999999999") << "partial"; }
  const CliResult next = run_cli("recall -n 10 -t 5 -q --force -o " + file);
  EXPECT_EQ(next.code, 0) << next.output;
  EXPECT_NE(next.output.find("spinhop: note: removed '" + file + ".tmp-999999999'"), std::string::npos) << next.output;
  EXPECT_FALSE(std::filesystem::exists(file + ".tmp-999999999"));
  EXPECT_FALSE(std::filesystem::exists(file + ".lock"));
}

// SIGINT inside one long batch stops the integrators at once (not at the batch's end), keeps the
// committed rows and exits 130 with the resume command.
TEST(Cli, InterruptStopsInsideABatch) {
  TempDir dir("cancel");
  const std::string file = dir / "c.h5";
  const std::string script = "t0=$(date +%s%N); " + std::string(SPINHOP_EXE) +
                             " recall -n 100 -t 20000 --batch 20000 --sigma 0.1 -q --no-progress -o " + file +
                             " & p=$!; sleep 1; t1=$(date +%s%N); kill -INT $p; wait $p; echo rc=$?; "
                             "echo ms=$(( ($(date +%s%N) - t1) / 1000000 ))";
  const CliResult r = run_cli_shell(script);
  ASSERT_NE(r.output.find("rc=130"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--resume"), std::string::npos) << r.output;
  const std::size_t at = r.output.find("ms=");
  ASSERT_NE(at, std::string::npos) << r.output;
  EXPECT_LT(std::stol(r.output.substr(at + 3)), 5000) << "the batch (~60 s) ran on after SIGINT: " << r.output;
  EXPECT_EQ(read_results(file).rows.size(), 0u);  // the cut-short batch is not committed
}

// Values that would make a run endless or exhaust the machine are refused up front; a trial
// that still runs out of its step budget is an error, not a hang.
TEST(Cli, ResourceLimitsAreOneErrorLine) {
  expect_one_error_line("recall -n 10 -t 5 --dt-max 1e-30", "more than --max-steps");
  expect_one_error_line("recall -n 10 -t 5 --dx-max 1e-30", "more than --max-steps");
  expect_one_error_line("recall -n 10 -t 5 --thermal-noise --temperature 1e30", "must be <= 2000 K");
  expect_one_error_line("recall -n 10 -t 5 --threads 100000", "at most 1024");
  expect_one_error_line("recall -n 10 -t 5 --max-steps 1.5", "--max-steps");
  expect_one_error_line("recall -n 10 -t 4 -q --thermal-noise --temperature 2000 --sigma 0.3 --max-steps 30001",
                        "used its whole step budget");
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  expect_one_error_line("recall -n 10 -t 5 --threads " + std::to_string(hw + 1), "--oversubscribe");
  EXPECT_EQ(run_cli("recall -n 10 -t 5 -q --oversubscribe --threads " + std::to_string(hw + 1)).code, 0);
}

// Inputs that would block (a FIFO), never end (/dev/zero) or claim more than they hold are one
// error line at once: regular files only, read with a size limit, counts bounded by the file.
TEST(Cli, HostileInputFilesAreRefusedAtOnce) {
  TempDir dir("hostile");
  const std::string fifo = dir / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  expect_one_error_line("maxcut -t 2 --graph " + fifo, "not a regular file");
  expect_one_error_line("maxcut -t 2 --graph /dev/zero", "not a regular file");
  expect_one_error_line("images -t 2 --image /dev/zero", "not a regular file");
  expect_one_error_line("run " + fifo, "not a regular file");
  expect_one_error_line("run --config /dev/zero", "not a regular file");
  expect_one_error_line("summarize " + fifo, "not a regular file");
  expect_one_error_line("run --from " + fifo, "not a regular file");
  { std::ofstream(dir / "huge.txt") << "1000000000 400000000000000000\n1 2 1\n"; }
  expect_one_error_line("maxcut -t 1 --graph " + dir / "huge.txt", "file ends after 1 of the");
  expect_one_error_line("maxcut --random-graph 60 --graphs 1000000 --dry-run", "fewer --graphs");
  expect_one_error_line("maxcut --random-graph 24 --graphs 100000 --dry-run", "fewer --graphs");
}

// A file-size limit (a full disk) while traces are written: exit 2 with a message, never a
// crash at exit or a trace counted complete; the resume on a larger disk records every trace
// and the waveforms equal an uninterrupted run's.
TEST(Cli, FullDiskDuringTracesIsAnErrorAndResumeRecordsThem) {
  TempDir dir("fulltraces");
  const std::string file = dir / "t.h5";
  const std::string args = " recall -n 60 -t 300 --traces 3 --sweep W=0.05,0.1 -q -o ";
  const CliResult full = run_cli_shell("ulimit -f 200; " + std::string(SPINHOP_EXE) + args + file + "; echo rc=$?");
  EXPECT_NE(full.output.find("rc=2"), std::string::npos) << full.output;
  EXPECT_NE(full.output.find("spinhop: error: "), std::string::npos) << full.output;
  ASSERT_EQ(run_cli(args.substr(1) + file + " --resume").code, 0);
  ASSERT_EQ(run_cli(args.substr(1) + dir / "ref.h5").code, 0);
  const ResultsContent a = read_results(file, true), b = read_results(dir / "ref.h5", true);
  ASSERT_EQ(a.traces.size(), 6u);
  ASSERT_EQ(b.traces.size(), 6u);
  for (std::size_t k = 0; k < a.traces.size(); ++k) {
    EXPECT_EQ(a.traces[k].t, b.traces[k].t) << k;
    EXPECT_EQ(a.traces[k].soma_x, b.traces[k].soma_x) << k;
  }
  expect_same_trials(file, dir / "ref.h5");
}

// Max-cut's figure of merit: TTS99 = t ln(0.01) / ln(1 - p), one trial's time when p >= 0.99,
// infinite when no trial reaches the target; a run whose every read-out is trivial (all neurons
// on one side, cut 0, on a graph with edges) is warned about.
TEST(Cli, MaxCutTts99AndTrivialReadOuts) {
  EXPECT_DOUBLE_EQ(tts99(1e-6, 0.5), 1e-6 * std::log(0.01) / std::log(0.5));
  EXPECT_DOUBLE_EQ(tts99(2e-6, 0.995), 2e-6);
  EXPECT_TRUE(std::isinf(tts99(1e-6, 0.0)));
  EXPECT_TRUE(std::isnan(tts99(std::nan(""), 0.5)));
  TempDir dir("tts");
  { std::ofstream(dir / "sparse.txt") << "20 3\n1 2 1\n3 4 1\n5 6 1\n"; }
  // the paper's mapping puts every node of a sparse graph on one side
  const CliResult r = run_cli("maxcut -t 3 --mapping paper --graph " + dir / "sparse.txt" + " -o " + dir / "m.h5");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("TTS99 inf"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("spinhop: warning: graph sparse.txt: every trial ended with all neurons on one side"),
            std::string::npos) << r.output;
  const ResultsReader rd(dir / "m.h5");
  EXPECT_TRUE(std::isinf(rd.group_summaries(0).at(0).tts99));
  // the Ising mapping (the default) cuts all three edges: two nodes of equal field do not
  // oscillate, the isolated nodes settle
  const CliResult ising = run_cli("maxcut -t 3 --graph " + dir / "sparse.txt" + " -o " + dir / "i.h5");
  ASSERT_EQ(ising.code, 0) << ising.output;
  EXPECT_EQ(ising.output.find("every trial ended with all neurons on one side"), std::string::npos) << ising.output;
  const ResultsReader ri(dir / "i.h5");
  for (const TrialRecord& t : ri.records(0, 3)) {
    EXPECT_EQ(t.score.cut, 3.0);
    EXPECT_EQ(t.score.success, 1);
    EXPECT_EQ(t.outcome.converged, 1);
  }
}

// Graphs too large for the exhaustive search and without a known optimum get a tabu-search
// reference: it finds the proven optima of all ten Biq Mac g05_60 graphs, and the exact optimum
// of almost every small random graph (it is a lower bound: never above it).
TEST(MaxCutReference, TabuSearchReachesTheKnownOptima) {
  const std::map<std::string, double> optima =
      read_optima_tsv(std::string(SPINHOP_SOURCE_DIR) + "/data/maxcut/optima.tsv");
  for (int k = 0; k < 10; ++k) {
    const Graph g = read_rudy(std::string(SPINHOP_SOURCE_DIR) + "/data/maxcut/g05_60." + std::to_string(k));
    const MaxCut h = heuristic_maxcut(g);
    EXPECT_EQ(h.value, optima.at(g.name)) << g.name;
    EXPECT_EQ(cut_value(g, h.side), h.value);
  }
  int exact = 0, total = 0;
  for (int n : {14, 18, 22, 24}) {
    for (double p : {0.1, 0.3, 0.5, 0.9}) {
      for (int s = 0; s < 5; ++s) {
        const Graph g = random_graph(n, p, 7 + s, s);
        const double e = exact_maxcut(g).value, h = heuristic_maxcut(g).value;
        EXPECT_LE(h, e);
        exact += h == e;
        ++total;
      }
    }
  }
  EXPECT_GE(exact, total - 2) << exact << " of " << total;
  // a run on graphs of more than 24 nodes without optima: every graph has a reference
  TempDir dir("heuristic");
  ASSERT_EQ(run_cli("maxcut --random-graph 40 --graphs 3 -t 6 -q -o " + dir / "h.h5").code, 0);
  const ResultsHeader h = read_results_header(dir / "h.h5");
  for (int g = 0; g < 3; ++g) {
    EXPECT_EQ(h.reference_kinds[0][g], "heuristic");
    EXPECT_GT(h.references[0][g], 0);
  }
}

// `spinhop run FILE.toml` with the command line overriding the file; `--from` re-runs a results
// file's configuration to the same trials.
TEST(Cli, TomlConfigAndRerunFromResults) {
  TempDir dir("toml");
  std::ofstream(dir / "e.toml") << "task = \"maxcut\"\nrandom-graph = 8\ngraphs = 3\ntrials = 6\n"
                                   "sweep = [\"W=0.05,0.1\"]\nw = 0.3\n";
  const CliResult a = run_cli("run " + dir / "e.toml --seed 5 -q -o " + dir / "a.h5");
  ASSERT_EQ(a.code, 0) << a.output;
  const ResultsHeader h = read_results_header(dir / "a.h5");
  EXPECT_EQ(h.task, "maxcut");
  EXPECT_EQ(h.seed, 5u);
  EXPECT_EQ(h.points, 2u);
  const CliResult b = run_cli("run --from " + dir / "a.h5 -q -o " + dir / "b.h5");
  ASSERT_EQ(b.code, 0) << b.output;
  expect_same_trials(dir / "a.h5", dir / "b.h5");
}

// A seed above TOML's largest integer (2^63 - 1) is stored as a string and re-runs as itself.
TEST(Cli, LargestSeedRerunsFromItsResults) {
  TempDir dir("bigseed");
  ASSERT_EQ(run_cli("recall -n 8 -t 4 --seed 18446744073709551615 -q -o " + dir / "a.h5").code, 0);
  const CliResult b = run_cli("run --from " + dir / "a.h5 -q -o " + dir / "b.h5");
  ASSERT_EQ(b.code, 0) << b.output;
  expect_same_trials(dir / "a.h5", dir / "b.h5");
  EXPECT_EQ(read_results_header(dir / "b.h5").seed, 18446744073709551615ull);
  // and h5py reads the root attribute as that number, not as -1
  if (std::filesystem::exists("/usr/bin/python3")) {
    const CliResult py = run_cli_shell("/usr/bin/python3 -c 'import h5py; print(int(h5py.File(\"" + dir / "a.h5" +
                                       "\").attrs[\"seed\"]))'");
    EXPECT_NE(py.output.find("18446744073709551615"), std::string::npos) << py.output;
  }
}

// TOML as TOML 1.0 writes it (toml++): snake_case and kebab-case keys, 1_000, multi-line arrays,
// a byte-order mark, [run] and [sweep] sections, all giving the same run as the command line;
// and every kind of mistake one error line naming the line of the file, exit 2.
TEST(Cli, TomlFilesAreReadAsTomlAndMistakesNameTheLine) {
  TempDir dir("toml2");
  std::ofstream(dir / "a.toml") << "\xEF\xBB\xBF# a comment\n[run]\ntask = \"recall\"\nneurons = 10\n"
                                   "trials = 1_0\nt_max = 3e-6\nseed = 7\n[sweep]\nW = [\n  0.05,\n  0.1,\n]\n";
  const CliResult a = run_cli("run " + dir / "a.toml -q -o " + dir / "a.h5");
  ASSERT_EQ(a.code, 0) << a.output;
  const CliResult b = run_cli("recall --neurons 10 --trials 10 --t-max 3e-6 --seed 7 --sweep W=0.05,0.1 -q -o " + dir / "b.h5");
  ASSERT_EQ(b.code, 0) << b.output;
  expect_same_trials(dir / "a.h5", dir / "b.h5");
  struct Case {
    std::string text, expect;
  } cases[] = {
      {"[recall]\nneurons = 29\n", "line 1: section [recall]"},
      {"task = \"recall\"\nneurons = \"29\"\n", "line 2: 'neurons' must be an integer"},
      {"task = \"recall\"\nseed =\n", "line 2:"},
      {"task = \"recall\"\n\nweigth = 0.1\n", "line 3: unknown key 'weigth'"},
      {"task = \"recall\"\nthermal-noise = 1\n", "'thermal-noise' must be true or false"},
      {"task = \"recall\"\nseed = -3\n", "'seed' must be a whole number"},
      {"[sweep]\nW = \"0.1\"\n", "sweep axis 'W'"},
      // non-ASCII where toml++ 3.3 would reach undefined behaviour (tomlplusplus #190, #295)
      {"t\xC3\xA2sk = 1\n", "line 1: a non-ASCII character in a key"},
      {"task = \"recall\"\nneurons = 1\xC3\xA9\n", "line 2: a non-ASCII character in an unquoted value"},
      {"task = \"images\"\nimage = \"\"\"\\\n\xC2\xA7.pbm\"\"\"\n", "a non-ASCII character right after a line-ending backslash"},
      {"x = -g{\"\xD2\x82\"}\n", "a non-ASCII character in an unquoted value"},
  };
  for (const Case& c : cases) {
    std::ofstream(dir / "bad.toml") << c.text;
    const CliResult r = run_cli("run " + dir / "bad.toml -q --dry-run");
    EXPECT_EQ(r.code, 2) << c.text << " -> " << r.output;
    EXPECT_EQ(r.output.rfind("spinhop: error: configuration file ", 0), 0u) << c.text << " -> " << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.text << " -> " << r.output;
  }
  // non-ASCII inside strings and comments is TOML, and read as such
  std::ofstream(dir / "utf8.toml") << "task = \"images\" # \xC3\xA9t\xC3\xA9\nimage = [\n  \"donn\xC3\xA9" "es/\xC3\xA9.pbm\", # x\n]\n";
  const CliResult u = run_cli("run " + dir / "utf8.toml -q --dry-run");
  EXPECT_NE(u.output.find("donn\xC3\xA9" "es/\xC3\xA9.pbm: cannot open"), std::string::npos) << u.output;
}

// A graph without positive edges has a maximum cut of 0 (the empty cut): reaching it is a
// success with a gap of 0, not a failure of every trial.
TEST(Cli, MaxCutWithAZeroOptimumIsScored) {
  TempDir dir("zero-optimum");
  std::ofstream(dir / "neg.txt") << "3 3\n1 2 -1\n2 3 -1\n1 3 -2.5\n";
  const CliResult r = run_cli("maxcut --graph " + dir / "neg.txt -t 3");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("success rate        1.0000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("P(target) 1.000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("gap 0.00%"), std::string::npos) << r.output;
}

// --dry-run shows the sweep grid and the output; a resume with other options names them.
TEST(Cli, DryRunShowsTheGridAndResumeNamesTheDifferences) {
  TempDir dir("dry");
  const CliResult d = run_cli("recall -n 12 -t 5 --sweep sigma=0:0.2:0.1 --dry-run -o " + dir / "x.h5");
  ASSERT_EQ(d.code, 0) << d.output;
  EXPECT_NE(d.output.find("point 2: sigma=0.2"), std::string::npos) << d.output;
  EXPECT_NE(d.output.find("output: " + dir / "x.h5"), std::string::npos) << d.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.h5"));
  ASSERT_EQ(run_cli("recall -n 12 -t 20 -q -o " + dir / "r.h5").code, 0);
  const CliResult r = run_cli("recall -n 13 -t 20 --w 0.2 -q --resume -o " + dir / "r.h5");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("neurons: 12 in the file, 13 here"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("w: "), std::string::npos) << r.output;
}

// summarize speaks the task's language in three formats: a table with n/a, CSV with empty
// cells, JSON with null, every column with its unit, success with its interval.
TEST(Cli, SummarizeFormats) {
  TempDir dir("summarize");
  ASSERT_EQ(run_cli("recall -n 10 -t 20 --sweep W=0.05,0.1 -q -o " + dir / "r.h5").code, 0);
  const CliResult table = run_cli("summarize " + dir / "r.h5");
  ASSERT_EQ(table.code, 0) << table.output;
  EXPECT_NE(table.output.find("success [95% CI]"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("accuracy"), std::string::npos) << table.output;
  EXPECT_EQ(table.output.find("cut_mean"), std::string::npos) << table.output;  // not max-cut's
  const CliResult csv = run_cli("summarize --format csv " + dir / "r.h5");
  ASSERT_EQ(csv.code, 0) << csv.output;
  EXPECT_EQ(csv.output.rfind("point,w,trials [1],converged [1]", 0), 0u) << csv.output;  // the axis by its option name
  EXPECT_NE(csv.output.find("\n1,0.1,20,"), std::string::npos) << csv.output;
  if (std::filesystem::exists("/usr/bin/python3")) {
    const CliResult json = run_cli_shell(std::string(SPINHOP_EXE) + " summarize --format json " + dir / "r.h5" +
                                         " | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); "
                                         "print(d[\"units\"][\"t_sol_mean\"], len(d[\"points\"]), d[\"points\"][1][\"w\"])'");
    EXPECT_NE(json.output.find("s 2 0.1"), std::string::npos) << json.output;
  }
  EXPECT_EQ(run_cli("summarize --format xml " + dir / "r.h5").code, 2);
}

// More than 1% of a point's trials at t_max: a warning in the terminal, in `summarize` and in
// the file's /summary attribute `warnings`; none where every trial converged.
TEST(Cli, CensoredPointsWarnInTheTerminalAndTheFile) {
  TempDir dir("censored");
  const CliResult run = run_cli("recall -n 29 -t 40 --sweep t-max=5e-8,1e-6 -o " + dir / "c.h5");
  ASSERT_EQ(run.code, 0) << run.output;
  EXPECT_NE(run.output.find("spinhop: warning: point 0: "), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("spinhop: warning: point 1: "), std::string::npos) << run.output;
  hid_t f = H5Fopen((dir / "c.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  hid_t g = H5Gopen2(f, "summary", H5P_DEFAULT);
  const std::string warnings = read_attr(g, "warnings");
  EXPECT_EQ(warnings.rfind("point 0: ", 0), 0u) << warnings;
  EXPECT_NE(warnings.find("reached t_max without converging"), std::string::npos) << warnings;
  EXPECT_EQ(warnings.find("point 1: "), std::string::npos) << warnings;
  // counts stored as integers, and no column of another task
  hid_t d = H5Dopen2(g, "converged", H5P_DEFAULT);
  hid_t t = H5Dget_type(d);
  EXPECT_EQ(H5Tget_class(t), H5T_INTEGER);
  EXPECT_EQ(H5Lexists(g, "cut_mean", H5P_DEFAULT), 0);
  H5Tclose(t);
  H5Dclose(d);
  H5Gclose(g);
  H5Fclose(f);
  const CliResult sum = run_cli("summarize " + dir / "c.h5");
  EXPECT_NE(sum.output.find("spinhop: warning: point 0: "), std::string::npos) << sum.output;
}

namespace {

// Replaces attribute `name` of the object at `path` in `file` (by the C API: what a crafted or
// damaged file could hold).
void craft_attr(const std::string& file, const char* obj, const char* name, hid_t type, hsize_t n,
                const void* value) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  hid_t o = H5Oopen(f, obj, H5P_DEFAULT);
  H5Adelete(o, name);
  hid_t space = n == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
  hid_t a = H5Acreate2(o, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, type, value);
  H5Aclose(a);
  H5Sclose(space);
  H5Oclose(o);
  H5Fclose(f);
}

}  // namespace

// A crafted header (an array where one value belongs, another type, counts that disagree with
// the datasets) is one error line, before anything is allocated from it or read into a buffer.
TEST(Cli, CraftedHeadersAreRefusedBeforeAnyRead) {
  TempDir dir("crafted");
  ASSERT_EQ(run_cli("recall -n 8 -t 4 -q -o " + dir / "good.h5").code, 0);
  struct Case {
    const char* obj;
    const char* name;
    hid_t type;
    hsize_t n;
    std::vector<std::int64_t> value;
    const char* expect;
  };
  const std::vector<Case> cases = {
      {"/", "points", H5T_NATIVE_INT64, 8, {1, 1, 1, 1, 1, 1, 1, 1}, "attribute points has the wrong shape"},
      {"/", "trials_per_point", H5T_NATIVE_INT64, 3, {4, 4, 4}, "wrong shape"},
      {"/", "points", H5T_NATIVE_INT64, 0, {1LL << 40}, "points = 1099511627776 but /points/neurons has 1 rows"},
      {"/", "shard_index", H5T_NATIVE_INT64, 0, {5}, "shard 5 of 1"},
      {"/", "state_words", H5T_NATIVE_INT64, 0, {-3}, "state_words -3"},
      {"/", "groups", H5T_NATIVE_INT64, 0, {1 << 30}, "groups 1073741824"},
  };
  for (const Case& c : cases) {
    const std::string f = dir / "bad.h5";
    std::filesystem::copy_file(dir / "good.h5", f, std::filesystem::copy_options::overwrite_existing);
    craft_attr(f, c.obj, c.name, c.type, c.n, c.value.data());
    expect_one_error_line("summarize " + f, c.expect);
    expect_one_error_line("run --from " + f + " -o " + dir / "x.h5", c.expect);
  }
  {  // a number where a string belongs
    const std::string f = dir / "bad.h5";
    std::filesystem::copy_file(dir / "good.h5", f, std::filesystem::copy_options::overwrite_existing);
    const std::int64_t v = 7;
    craft_attr(f, "/", "task", H5T_NATIVE_INT64, 0, &v);
    expect_one_error_line("summarize " + f, "attribute task has the wrong type");
  }
  {  // a variable-length string: read through HDF5's global heap, which a damaged file can
     // make libhdf5 copy gigabytes from; format 3 has none
    const std::string f = dir / "bad.h5";
    std::filesystem::copy_file(dir / "good.h5", f, std::filesystem::copy_options::overwrite_existing);
    hid_t vlen = H5Tcopy(H5T_C_S1);
    H5Tset_size(vlen, H5T_VARIABLE);
    const char* text = "recall";
    craft_attr(f, "/", "task", vlen, 0, &text);
    H5Tclose(vlen);
    expect_one_error_line("summarize " + f, "attribute task is a variable-length string");
  }
}

// A Python user's view: h5py opens the file and reads a summary that matches the trials.
TEST(Cli, PythonUserReadsTheSummary) {
  if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  TempDir dir("python");
  ASSERT_EQ(run_cli("images -t 30 --sweep distortion=0,0.2 -q -o " + dir / "r.h5").code, 0);
  const std::string script = std::string(SPINHOP_SOURCE_DIR) + "/tests/python/read_results.py";
  FILE* p = popen(("/usr/bin/python3 " + script + " " + dir / "r.h5" + " 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  const int status = pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("summary matches the trials"), std::string::npos) << out;
}

// The best-of-K estimator is the mean over every K-subset of the trials of its best cut.
TEST(MaxCutReference, ExpectedBestOfKIsTheMeanOverEverySubset) {
  const std::vector<double> cuts = {5, 9, 7, 7, 3, 10, 8};
  const int n = static_cast<int>(cuts.size());
  for (int k = 1; k <= n; ++k) {
    double sum = 0;
    int subsets = 0;
    for (int mask = 0; mask < (1 << n); ++mask) {
      if (__builtin_popcount(mask) != k) continue;
      double best = -1;
      for (int i = 0; i < n; ++i) {
        if (mask >> i & 1) best = std::max(best, cuts[i]);
      }
      sum += best;
      ++subsets;
    }
    EXPECT_NEAR(expected_best_of(cuts, k), sum / subsets, 1e-12) << "K = " << k;
  }
  EXPECT_NEAR(expected_best_of(cuts, 1), 7.0, 1e-12);  // the mean
  EXPECT_DOUBLE_EQ(expected_best_of(cuts, n), 10.0);  // the best
  EXPECT_TRUE(std::isnan(expected_best_of(cuts, n + 1)));
}
