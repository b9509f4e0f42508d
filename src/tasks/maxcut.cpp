// Max-cut (Fig. 7, Table II): one neuron per node, the graph mapped onto the synapse voltages,
// loaded with the start state; the cut scored against the exact or a known optimum.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "spinhop/errors.hpp"
#include "spinhop/physics/outcome.hpp"
#include "spinhop/experiment.hpp"
#include "spinhop/tasks.hpp"
#include "tasks/task_common.hpp"

namespace spinhop {

MaxCutTask::MaxCutTask(std::vector<Graph> graphs, double edge_factor,
                       const std::map<std::string, double>& known_optima, int exact_limit,
                       Mapping mapping, StartState start, double tie_break, int bias_neurons,
                       std::uint64_t seed)
    : graphs_(std::move(graphs)), edge_factor_(edge_factor), mapping_(mapping),
      start_(start), tie_break_(tie_break), bias_neurons_(bias_neurons) {
  if (bias_neurons < 1 || bias_neurons > 64) {
    throw ParameterError("invalid --bias-neurons " + std::to_string(bias_neurons) + ": must be in [1, 64]");
  }
  if (graphs_.empty()) throw ParameterError("maxcut: no graph given (--graph FILE or --random-graph N)");
  n_ = graphs_.front().n;
  for (const Graph& g : graphs_) {
    if (g.n != n_) {
      throw InputError("max-cut graphs differ in size: '" + graphs_.front().name + "' has " +
                       std::to_string(n_) + " nodes, '" + g.name + "' has " + std::to_string(g.n) +
                       " (one network size per run; sweep the size instead)");
    }
  }
  if (neurons() > 4096) {
    throw ParameterError(std::to_string(n_) + " nodes and " + std::to_string(neurons() - n_) +
                         " bias neurons make " + std::to_string(neurons()) +
                         " neurons: the network holds at most 4096 (fewer --bias-neurons or a smaller problem)");
  }
  check_neurons(neurons(), "graph size");
  if (!(edge_factor > 0.0) || !std::isfinite(edge_factor)) {
    throw ParameterError("invalid --edge-factor " + std::to_string(edge_factor) + ": must be > 0");
  }
  if (start_ == StartState::Spectral) {
    // row q * G + g is rounding q of graph g: trial t loads row t mod (roundings G), which is
    // on its own graph t mod G; up to 64 distinct roundings per graph within 64 MiB of rows
    const std::size_t words = static_cast<std::size_t>((neurons() + 63) / 64);
    const std::size_t per_rounding = words * graphs_.size();
    roundings_ = static_cast<int>(std::clamp<std::size_t>((std::size_t{1} << 23) / per_rounding, 1, 64));
    start_words_.assign(per_rounding * static_cast<std::size_t>(roundings_), 0);
    for (std::size_t g = 0; g < graphs_.size(); ++g) {
      const SpectralEmbedding e = spectral_embedding(graph_as_ising(graphs_[g]));
      for (int q = 0; q < roundings_; ++q) {
        const std::vector<std::uint8_t> bits =
            spectral_rounding(e, spectral_angles(e, seed, g, static_cast<std::uint64_t>(q)));
        std::uint64_t* row = start_words_.data() + static_cast<std::size_t>(q) * per_rounding + g * words;
        for (int j = 0; j < n_; ++j) {
          if (bits[static_cast<std::size_t>(j)]) row[j >> 6] |= std::uint64_t{1} << (j & 63);
        }
      }
    }
  }
  // graphs without an exact or known optimum get a tabu-search reference (a lower bound on the
  // optimum), while the work stays within about half a minute for the whole run
  const double heuristic_work = 400.0 * static_cast<double>(graphs_.size()) * n_ * n_;
  const bool heuristic = heuristic_work <= 2e10;
  for (const Graph& g : graphs_) {
    auto known = known_optima.find(g.name);
    if (known == known_optima.end()) known = known_optima.find("#" + content_hash(g));
    if (g.n <= exact_limit) {
      reference_.push_back(exact_maxcut(g).value);
      reference_kind_.push_back("exact");
    } else if (known != known_optima.end()) {
      reference_.push_back(known->second);
      reference_kind_.push_back("known");
    } else if (heuristic) {
      reference_.push_back(heuristic_maxcut(g).value);
      reference_kind_.push_back("heuristic");
    } else {
      reference_.push_back(std::nan(""));
      reference_kind_.push_back("none");
    }
  }
}

TaskSpec MaxCutTask::spec(const ModelParams& m) const {
  // the mapping reads these model values (mapping.cpp); a sweep over one of them rebuilds it
  const std::vector<double> key{m.w, m.r_p, m.r_ap, m.r_m, m.leak_soma, m.k()};
  const int nd = neurons();
  const std::size_t nn = static_cast<std::size_t>(nd) * nd;
  if (key != weights_key_) {
    weights_.assign(nn * graphs_.size(), 0.0);
    fields_.assign(static_cast<std::size_t>(n_) * graphs_.size(), 0.0);
    scales_.assign(graphs_.size(), 0.0);
    speeds_.assign(graphs_.size(), 0.0);
    for (std::size_t g = 0; g < graphs_.size(); ++g) {
      const MappedNetwork net = map_graph(graphs_[g], mapping_, edge_factor_, m, tie_break_, bias_neurons_);
      std::copy(net.w.begin(), net.w.end(), weights_.begin() + static_cast<std::ptrdiff_t>(g * nn));
      scales_[g] = net.scale;
      speeds_[g] = net.decision_speed;
      std::copy(net.ideal_fields.begin(), net.ideal_fields.end(),
                fields_.begin() + static_cast<std::ptrdiff_t>(g * n_));
    }
    weights_key_ = key;
  }
  TaskSpec t;
  t.n = nd;
  t.w = m.w;
  t.groups = static_cast<int>(graphs_.size());
  t.weights = WeightSource::Matrix;
  t.patterns = 0;
  t.matrices = weights_.data();
  switch (start_) {
    case StartState::Random: t.inputs = InputSource::RandomBits; break;
    case StartState::Spectral:
      t.inputs = InputSource::Rows;
      t.input_words = start_words_.data();
      t.input_count = t.groups * roundings_;
      break;
    default: t.inputs = InputSource::AllOff;
  }
  t.bias_from = mapping_ == Mapping::Ising ? n_ : -1;
  return t;
}

double MaxCutTask::decision_speed(const ModelParams& m) const {
  spec(m);  // the mapping of these model values
  double slowest = 0.0;
  for (double v : speeds_) {
    if (v > 0.0 && (slowest == 0.0 || v < slowest)) slowest = v;
  }
  return slowest;
}

IdealNetwork MaxCutTask::ideal_network(const TrialCircuit& c, const PointSpec& spec,
                                       std::uint64_t local) const {
  IdealNetwork ideal;
  ideal.inverse_equal = true;
  if (mapping_ != Mapping::Ising) {
    ideal.n = spec.task.n;
    ideal.w = c.w;
    ideal.input = c.input;
    return ideal;
  }
  // the problem's neurons with their nominal couplings c J_ij (J = -w/2) and the fields the
  // bias neuron stands for
  const int n = n_;
  const std::size_t g = static_cast<std::size_t>(group_of_trial(spec.task, local));
  ideal.n = n;
  ideal.w.assign(static_cast<std::size_t>(n) * n, 0.0);
  for (const Edge& e : graphs_[g].edges) {
    const double v = -0.5 * scales_[g] * e.w;
    ideal.w[static_cast<std::size_t>(e.i) * n + e.j] = v;
    ideal.w[static_cast<std::size_t>(e.j) * n + e.i] = v;
  }
  ideal.fields.assign(fields_.begin() + static_cast<std::ptrdiff_t>(g * n),
                      fields_.begin() + static_cast<std::ptrdiff_t>((g + 1) * n));
  ideal.input.assign(c.input.begin(), c.input.begin() + n);
  return ideal;
}

TrialScore MaxCutTask::score(const PointSpec& spec, std::uint64_t local,
                             const std::uint64_t* state, const std::uint64_t* undecided) const {
  const int g = group_of_trial(spec.task, local);
  const Graph& graph = graphs_[static_cast<std::size_t>(g)];
  std::vector<std::uint8_t> side(static_cast<std::size_t>(n_));
  int decided = 0;
  for (int j = 0; j < n_; ++j) {
    side[static_cast<std::size_t>(j)] = test_bit(state, j) ? 1 : 0;  // undecided somas count as OFF
    decided += test_bit(undecided, j) ? 0 : 1;
  }
  TrialScore s;
  s.target = g;
  s.cut = cut_value(graph, side);
  const double total = graph.total_weight();
  s.cut_fraction = total != 0.0 ? s.cut / total : std::nan("");
  const double ref = reference_[static_cast<std::size_t>(g)];
  // a maximum cut is >= 0 (the empty cut); it is 0 for a graph without positive edges, whose
  // optimum is then reached by a cut of 0 (the relative gap is defined only then)
  const bool known = std::isfinite(ref) && ref >= 0.0;
  s.gap = ref > 0.0 ? 1.0 - s.cut / ref : (known && s.cut >= ref ? 0.0 : std::nan(""));
  s.success = (decided == n_ && known && s.cut >= ref) ? 1 : 0;
  s.bit_accuracy = std::nan("");  // no target pattern
  if (!energy_of_zero_cut_.empty()) s.ising_energy = energy_of_zero_cut_[static_cast<std::size_t>(g)] - s.cut;
  return s;
}

namespace {

std::shared_ptr<const Task> build_maxcut(const ExperimentConfig& c, InputFiles& files) {
  if (c.graphs.empty() && c.random_graph <= 0) {
    throw ParameterError("maxcut needs --graph FILE (repeatable) or --random-graph N");
  }
  if (!c.graphs.empty() && c.random_graph > 0) {
    throw ParameterError("maxcut: give either --graph files or --random-graph, not both");
  }
  if (c.random_graph > 0 && (c.graph_count < 1 || c.graph_count > 1000000)) {
    throw ParameterError("invalid --graphs = " + std::to_string(c.graph_count) + ": must be in [1, 10^6]");
  }
  if (!(c.target > 0.0 && c.target <= 1.0)) {
    throw ParameterError("invalid --target " + std::to_string(c.target) + ": must be in (0, 1]");
  }
  if (c.random_graph > 0) {
    // the graphs and their exact references are built before the first trial: bound both
    const double n = c.random_graph;
    const double bytes = c.graph_count * 0.5 * n * (n - 1) * std::clamp(c.density, 0.0, 1.0) * sizeof(Edge);
    if (bytes > 4.0 * (1ull << 30)) {
      throw ParameterError("--graphs " + std::to_string(c.graph_count) + " random graphs of " +
                           std::to_string(c.random_graph) + " nodes need about " +
                           std::to_string(static_cast<long long>(bytes / (1 << 20))) +
                           " MiB of edges (at most 4 GiB): fewer --graphs");
    }
    const double exact_work = c.random_graph <= kExactMaxCutNodes ? c.graph_count * std::ldexp(1.0, c.random_graph - 1) : 0.0;
    if (exact_work > std::ldexp(1.0, 36)) {
      throw ParameterError("--graphs " + std::to_string(c.graph_count) + " exact references of " +
                           std::to_string(c.random_graph) + "-node graphs (2^" + std::to_string(c.random_graph - 1) +
                           " cuts each) would take hours before the first trial: fewer --graphs");
    }
  }
  std::vector<Graph> graphs;
  std::map<std::string, double> optima;
  if (c.random_graph > 0) {
    for (int g = 0; g < c.graph_count; ++g) {
      graphs.push_back(random_graph(c.random_graph, c.density, c.seed, static_cast<std::uint64_t>(g),
                                    parse_edge_weights(c.edge_weights)));
    }
  } else {
    for (const std::string& path : c.graphs) graphs.push_back(files.graph(path));
    std::string optima_path = c.optima;
    if (optima_path.empty()) {
      const auto beside = std::filesystem::path(c.graphs.front()).parent_path() / "optima.tsv";
      if (std::filesystem::exists(beside)) optima_path = beside.string();
    }
    if (!optima_path.empty()) optima = read_optima_tsv(optima_path);
  }
  return std::make_shared<MaxCutTask>(std::move(graphs), c.edge_factor, optima, kExactMaxCutNodes,
                                      parse_mapping(c.mapping), parse_start(c.start, parse_mapping(c.mapping)), c.tie_break,
                                      c.bias_neurons, c.seed);
}

}  // namespace

const TaskKindInfo& maxcut_task_kind() {
  static const TaskKindInfo info{
      "maxcut", "max-cut of rudy / Biq Mac graphs or random G(n, p) graphs (Fig. 7, Table II)",
      build_maxcut};
  return info;
}

}  // namespace spinhop
