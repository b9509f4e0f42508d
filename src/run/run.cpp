#include "spinhop/run.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "spinhop/errors.hpp"
#include "spinhop/options.hpp"
#include "io/input_file.hpp"
#include "spinhop/version.hpp"

namespace spinhop {

namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::uint64_t shard_total(const Experiment& exp, const Shard& shard) {
  std::uint64_t total = 0;
  for (std::uint64_t p = 0; p < exp.points(); ++p) total += exp.shard_trials(p, shard);
  return total;
}

std::vector<std::pair<int, int>> parse_trace_axons(const std::vector<std::string>& specs, int n) {
  std::vector<std::pair<int, int>> out;
  for (const std::string& s : specs) {
    const auto colon = s.find(':');
    int i = -1, j = -1;
    try {
      std::size_t a = 0, b = 0;
      if (colon != std::string::npos && colon > 0 && colon + 1 < s.size()) {
        i = std::stoi(s.substr(0, colon), &a);
        j = std::stoi(s.substr(colon + 1), &b);
        if (a != colon || b != s.size() - colon - 1) i = j = -1;
      }
    } catch (const std::exception&) {
      i = j = -1;
    }
    if (i < 0 || j < 0 || i >= n || j >= n || i == j) {
      throw ParameterError("invalid --trace-axons '" + s + "': expected i:j with 0 <= i, j < N = " +
                           std::to_string(n) + " and i != j");
    }
    out.emplace_back(i, j);
  }
  if (out.empty()) {
    for (int j = 1; j < n && j <= 16; ++j) out.emplace_back(0, j);
  }
  return out;
}

ResultsHeader results_header(const Experiment& exp, const Backend& backend, const HeaderInfo& info) {
  const ExperimentConfig& c = exp.config();
  ResultsHeader h;
  h.spinhop_version = SPINHOP_VERSION;
  h.git_sha = SPINHOP_GIT_SHA;
  h.backend = backend.name();
  h.device = backend.device_name();
  h.created = utc_now();
  h.command_line = info.command_line;
  h.config_toml = to_toml(c);
  h.task = c.task;
  h.precision = c.precision;
  h.seed = c.seed;
  h.trials_per_point = c.trials;
  h.points = exp.points();
  h.shard_index = info.shard.index;
  h.shard_count = info.shard.count;
  h.words = (exp.max_neurons() + 63) / 64;
  h.axes = exp.axes();
  h.target = c.target;
  h.traces = info.traces;
  h.importance = c.sigma.importance != 0;
  for (const auto& [option, path] : input_files(c)) {
    StoredInput in;
    in.option = option;
    in.path = path;
    in.bytes = io::read_input_file(path, io::kMaxGraphBytes, option.c_str());
    in.hash = content_hash_of_bytes(in.bytes);
    h.inputs.push_back(std::move(in));
  }
  for (std::uint64_t p = 0; p < exp.points(); ++p) {
    const ExperimentPoint pt = exp.point(p);
    const Task& task = *pt.task;
    h.point_values.push_back(pt.values);
    h.point_neurons.push_back(pt.spec.task.n);
    h.point_t_max.push_back(pt.spec.integ.t_max);
    h.point_v_tol.push_back(pt.spec.integ.v_tol);
    if (info.traces > 0) h.trace_axons.push_back(parse_trace_axons(info.trace_axons, pt.spec.task.n));
    if (const std::vector<Graph>* graphs = task.graphs()) {
      for (const Graph& g : *graphs) {
        const bool seen = std::any_of(h.graphs.begin(), h.graphs.end(),
                                      [&](const Graph& x) { return x.name == g.name; });
        if (!seen) h.graphs.push_back(g);
      }
    }
    std::vector<double> refs;
    std::vector<std::string> kinds, names;
    for (int g = 0; g < task.groups(); ++g) {
      refs.push_back(task.reference(g));
      kinds.push_back(task.reference_kind(g));
      names.push_back(task.group_name(g));
    }
    h.groups = std::max(h.groups, task.groups());
    h.references.push_back(refs);
    h.reference_kinds.push_back(kinds);
    h.group_names.push_back(names);
  }
  for (std::uint64_t p = 0; p < h.points; ++p) {
    h.references[p].resize(h.groups, std::nan(""));
    h.reference_kinds[p].resize(h.groups, "none");
    h.group_names[p].resize(h.groups);
  }
  return h;
}

std::vector<TrialRow> rows_of(const ScoredBatch& b, int words) {
  std::vector<TrialRow> rows(b.records.size());
  const std::size_t w = static_cast<std::size_t>(b.outcome.words);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    rows[k].record = b.records[k];
    const std::size_t off = k * w;
    rows[k].state.assign(b.outcome.state.begin() + off, b.outcome.state.begin() + off + w);
    rows[k].undecided.assign(b.outcome.undecided.begin() + off, b.outcome.undecided.begin() + off + w);
    rows[k].input.assign(b.inputs.begin() + off, b.inputs.begin() + off + w);
    rows[k].state.resize(words, 0);
    rows[k].undecided.resize(words, 0);
    rows[k].input.resize(words, 0);
  }
  return rows;
}

ResultsFileSink::ResultsFileSink(ResultsWriter& writer, const ResultsHeader& header,
                                 Precision precision)
    : out_(writer), header_(header), precision_(precision) {}

void ResultsFileSink::begin_point(const ExperimentPoint& pt) {
  // waveforms of the point's first trials, recorded once (by shard 0)
  const int traces = header_.traces;
  if (traces <= 0 || header_.shard_index != 0) return;
  const std::uint64_t p = pt.index;
  for (int k = 0; k < traces && static_cast<std::uint64_t>(k) < header_.trials_per_point; ++k) {
    const std::uint64_t slot = p * static_cast<std::uint64_t>(traces) + static_cast<std::uint64_t>(k);
    if (!out_.has_trace(slot)) {
      out_.write_trace(slot, record_trace(pt.spec, p, static_cast<std::uint64_t>(k), precision_,
                                          header_.trace_axons[p]));
    }
  }
}

void ResultsFileSink::batch(const ExperimentPoint&, const ScoredBatch& b) {
  out_.append(rows_of(b, header_.words));
}

RunStatus run_trials(const Experiment& exp, Backend& backend, const RunPlan& plan,
                     const std::vector<ResultSink*>& sinks,
                     const std::function<bool()>& should_stop) {
  const ExperimentConfig& c = exp.config();
  RunStatus status;
  std::uint64_t skip_left = plan.done_before;
  for (std::uint64_t p = 0; p < exp.points() && !status.interrupted; ++p) {
    const std::uint64_t in_point = exp.shard_trials(p, plan.shard);
    const std::uint64_t skip = std::min(skip_left, in_point);
    skip_left -= skip;
    const ExperimentPoint pt = exp.point(p);
    for (ResultSink* s : sinks) s->begin_point(pt);
    if (skip == in_point) continue;
    RunOptions ro;
    ro.trials = c.trials;
    ro.first = exp.shard_first(p, plan.shard);
    ro.stride = plan.shard.count;
    ro.skip = skip;
    ro.batch = plan.batch;
    ro.precision = plan.precision;
    ro.hopfield = c.hopfield;
    ro.hopfield_states = parse_hopfield_states(c.hopfield_states);
    ro.score_threads = plan.score_threads;
    const double n2 = static_cast<double>(pt.spec.task.n) * pt.spec.task.n;
    try {
      run_point(backend, *pt.task, pt.config.model, pt.spec, p, ro, [&](const ScoredBatch& b) {
        for (ResultSink* s : sinks) s->batch(pt, b);
        for (const TrialRecord& r : b.records) status.device_updates += static_cast<double>(r.outcome.steps) * n2;
        status.done += b.records.size();
        if (should_stop && should_stop()) throw Interrupted("stopped");
      });
    } catch (const Interrupted&) {
      status.interrupted = true;
    }
    for (ResultSink* s : sinks) s->end_point(pt);
  }
  return status;
}

}  // namespace spinhop
