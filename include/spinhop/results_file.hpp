// The HDF5 results file (docs/output-format.md): a versioned, self-describing record of a run.
// Written in SWMR mode and flushed after every batch, so a run killed at any moment leaves a file
// that opens (SWMR readers, spinhop) and resumes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "spinhop/experiment.hpp"
#include "spinhop/graph.hpp"
#include "spinhop/runner.hpp"

namespace spinhop {

constexpr const char* kResultsFileType = "spinhop-results";
// 2: the rejected column (spinhop 0.2); 3: only the task's own columns, counts stored as
// integers in /summary, /summary attribute `warnings`. Readers take 2 and 3 (a version-2 file
// reads as a version-3 one with the other task's columns all NaN).
constexpr int kResultsFormatVersion = 3;
constexpr int kResultsOldestFormatVersion = 2;

// Root attributes and the sweep-point table.
// A file a run read (a graph, couplings, patterns, ...), kept in the results file so that the
// run can be repeated after the file has moved (docs/output-format.md, /inputs).
struct StoredInput {
  std::string option;  // the option that named it ("graph", "couplings", ...)
  std::string path;    // absolute, as in the stored configuration
  std::string hash;    // content_hash_of_bytes(bytes)
  std::string bytes;   // empty when read from a file's header (read_stored_input() has them)
};

// FNV-1a 64 of a file's bytes, 16 hex digits.
std::string content_hash_of_bytes(const std::string& bytes);

// The bytes of /inputs entry k of a results file.
std::string read_stored_input(const std::string& path, std::size_t k);

struct ResultsHeader {
  std::string spinhop_version, git_sha, backend, device, created, command_line, config_toml,
      task, precision;
  std::uint64_t seed = 0, trials_per_point = 0, points = 0, shard_index = 0, shard_count = 1;
  int words = 1;                  // 64-bit words per trial for the bit-packed final states
  int groups = 0;                 // images / graphs per point (per-group summaries), 0 = none
  std::vector<SweepAxis> axes;    // swept parameters
  std::vector<std::vector<double>> point_values;  // [point][axis]
  std::vector<int> point_neurons;                 // [point]
  // [point]: the time limits in force (automatic or given; empty for files of earlier versions) [s], [m/s]
  std::vector<double> point_t_max, point_v_tol;
  std::vector<std::vector<double>> references;    // [point][group]: max-cut reference optimum
  std::vector<std::vector<std::string>> reference_kinds;  // [point][group]: exact/known/none
  std::vector<std::vector<std::string>> group_names;      // [point][group]: image / graph names
  double target = 1.0;            // max-cut P(target) fraction of the reference
  std::vector<Graph> graphs;      // max-cut: every graph the run uses, stored in /graphs
  std::vector<StoredInput> inputs;  // every file the run read, bytes and all (/inputs)
  bool importance = false;        // importance sampling: per-trial weights and die normals
  int traces = 0;                 // traces per point
  std::vector<std::vector<std::pair<int, int>>> trace_axons;  // [point]: traced axons (i, j)
};

// One trial's row.
struct TrialRow {
  TrialRecord record;
  std::vector<std::uint64_t> state, undecided, input;  // `words` each
};

// A waveform of one trial, on the integrator's time points.
struct Trace {
  std::uint64_t point = 0, trial = 0;
  int n = 0;
  std::vector<std::pair<int, int>> axons;  // (i, j): axon of neuron i onto dendrite j
  std::vector<double> t;                   // [s]
  std::vector<int> phase;                  // 0 loading, 1 relaxing
  std::vector<double> soma_x;              // [step][n] soma positions [m]
  std::vector<double> soma_current;        // [step][n] soma track currents [A]
  std::vector<double> axon_x;              // [step][axons] [m]
  std::vector<double> power;               // [step] source power [W]
};

// Integrates trial `local` of a point on the CPU reference and records its waveform: every soma
// and the given axons (i, j) at every integrator step.
Trace record_trace(const PointSpec& spec, std::uint64_t point, std::uint64_t local,
                   Precision precision, const std::vector<std::pair<int, int>>& axons);

class ResultsWriter {
 public:
  // New file (IoError if it exists and !force, is not a regular file, is being written by
  // another process, or cannot be created). Every writer holds `<path>.lock` while it lives.
  // `whole`: the file takes its place at `path` only once closed after finish() (a merge:
  // never a partial output).
  static std::unique_ptr<ResultsWriter> create(const std::string& path, const ResultsHeader& h,
                                               bool force, bool whole = false);
  // Reopen a file for --resume: checks it is a spinhop results file of the same run (same
  // result-defining config, seed and shard), rewrites its committed rows into a fresh file and
  // continues from there.
  static std::unique_ptr<ResultsWriter> resume(const std::string& path, const ResultsHeader& h);
  ~ResultsWriter();

  std::uint64_t committed() const { return committed_; }
  // Appends a batch of rows and flushes: once this returns, the rows survive any crash.
  void append(const std::vector<TrialRow>& rows);
  // Trace slot k = point * traces + k-th trial of the point; true once written completely.
  bool has_trace(std::uint64_t slot) const;
  void write_trace(std::uint64_t slot, const Trace& tr);
  // Per-point and per-group summaries recomputed from every committed row; marks the file
  // complete.
  void finish();
  // Closes the file. A replacing file (create with force over an existing one) that committed
  // nothing and did not finish is removed instead, leaving the old file as it was.
  void close();
  // Closes without writing anything more and removes the file (or its temporary).
  void discard();
  // True while the file is still a temporary that will replace an existing one.
  bool replacing() const;
  // What the writer did on the side (leftover temporaries of killed runs removed).
  const std::vector<std::string>& notes() const;

  struct Impl;  // HDF5 handles (src/results_file.cpp)

 private:
  ResultsWriter() = default;
  // Reserves `bytes` beyond the file's size on disk before HDF5 writes them, so that a full
  // disk stops the run with a consistent file instead of failing mid-flush.
  void reserve(std::uint64_t bytes);
  void write_summaries();
  void place();  // renames a replacing temporary over the target
  std::unique_ptr<Impl> impl_;
  std::uint64_t committed_ = 0;
};

// The summary of one group (image, graph) of a point.
struct GroupSummary {
  std::uint64_t point = 0;
  int group = -1;
  PointSummary summary;
  double cut_mean = 0, cut_best = 0, p_target = 0, gap_mean = 0;  // max-cut
  // max-cut: time to solution at 99%, the Ising-machine figure of merit: the mean duration of
  // a trial (t_solution, or t_max when it did not converge) x ln(0.01) / ln(1 - p_target),
  // at least one trial's; infinite when no trial reached the target [s]
  double tts99 = 0;
  // max-cut: the expected best cut of K trials drawn from the group's, for K = kBestOfK[k]
  // (NaN where K exceeds the trials): the best-of-K curve, from every K-subset of the trials
  std::vector<double> best_of_k;
};
constexpr int kBestOfK[] = {1, 2, 5, 10, 20, 50, 100, 1000};
// Cuts kept per group for the best-of-K curve: the first ones (trials are independent given the
// group, so they are a sample of the rest); memory stays bounded however many trials run.
constexpr std::size_t kBestOfKept = 65536;

// E[max of K values drawn without replacement from `values`] (order statistics: the i-th
// smallest of n is the maximum of C(i-1, K-1) of the C(n, K) subsets). NaN if K > n.
double expected_best_of(std::vector<double> values, int k);
double best_of_sorted(const std::vector<double>& ascending, int k);  // the same, values sorted

// Time to solution at 99% from the mean duration of a trial [s] and the probability that one
// reaches the target: trial_time x ln(0.01) / ln(1 - p), trial_time when p >= 0.99, infinite
// when p = 0, NaN when either is unknown.
double tts99(double trial_time, double p);

// Reads a results file a range of rows at a time (memory bounded however large the file).
class ResultsReader {
 public:
  explicit ResultsReader(const std::string& path);  // InputError / IoError naming the problem
  ~ResultsReader();
  const ResultsHeader& header() const { return header_; }
  std::uint64_t committed() const { return committed_; }
  bool complete() const { return complete_; }
  std::vector<TrialRow> rows(std::uint64_t start, std::uint64_t count) const;
  std::vector<TrialRecord> records(std::uint64_t start, std::uint64_t count) const;  // no bits
  // Exact statistics of a point's stored trials (memory independent of their number); the group
  // summaries carry counts, rates, means, min and max but no quantiles.
  PointSummary point_summary(std::uint64_t point) const;
  std::vector<GroupSummary> group_summaries(std::uint64_t point) const;
  std::vector<Trace> traces() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ResultsHeader header_;
  std::uint64_t committed_ = 0;
  bool complete_ = false;
};

// Everything a results file holds (committed rows only).
struct ResultsContent {
  ResultsHeader header;
  std::vector<TrialRow> rows;
  bool complete = false;  // the run finished and wrote its summary
  std::vector<Trace> traces;
};
ResultsContent read_results(const std::string& path, bool with_traces = false);

// Reads just the header (fast).
ResultsHeader read_results_header(const std::string& path);

// The group summaries of one point, its trials fed one at a time (grouped by `target`); each
// group's quantities keep at most `keep` values (SummaryBuilder).
class GroupSummaryBuilder {
 public:
  GroupSummaryBuilder(const ResultsHeader& h, std::uint64_t point,
                      std::size_t keep = std::numeric_limits<std::size_t>::max());
  void add(const TrialRecord& r);  // trials of other points or without a group are ignored
  std::vector<GroupSummary> summaries() const;

 private:
  struct Cuts {
    std::uint64_t trials = 0;
    double best = -INFINITY, sum = 0, gap = 0, ngap = 0, hit = 0;
    double duration = 0;  // sum of the trials' t_solution (t_max for those that did not converge) [s]
    std::vector<double> values;  // the first kBestOfKept read-out cuts (best-of-K)
  };
  const ResultsHeader& h_;
  std::uint64_t point_;
  std::vector<SummaryBuilder> groups_;
  std::vector<Cuts> cuts_;
};

// Merge shard files of one run into `out` (IoError / InputError naming the problem).
void merge_results(const std::string& out, const std::vector<std::string>& shards, bool force);

}  // namespace spinhop
