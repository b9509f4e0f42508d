#include "spinhop/tasks.hpp"

#include <cmath>

#include "spinhop/errors.hpp"

namespace spinhop {

namespace {

void check_neurons(int n, const std::string& what) {
  if (n < 2 || n > 4096) {
    throw ParameterError("invalid " + what + ": " + std::to_string(n) +
                         " neurons; the network needs between 2 and 4096");
  }
}

bool bit_of(const std::uint64_t* words, int j) { return (words[j >> 6] >> (j & 63)) & 1u; }

}  // namespace

PatternMatch best_pattern_match(const std::vector<std::uint64_t>& pattern_words, int patterns,
                                int n, const std::uint64_t* state, const std::uint64_t* undecided,
                                int only_pattern) {
  PatternMatch best;
  for (int p = 0; p < patterns; ++p) {
    if (only_pattern >= 0 && p != only_pattern) continue;
    int same = 0, inverse = 0;
    for (int j = 0; j < n; ++j) {
      if (bit_of(undecided, j)) continue;
      const bool target = (pattern_words[static_cast<std::size_t>(j)] >> p) & 1u;
      if (bit_of(state, j) == target) {
        ++same;
      } else {
        ++inverse;
      }
    }
    if (best.pattern < 0 || same > best.matching_bits) best = PatternMatch{same, p, false};
    if (inverse > best.matching_bits) best = PatternMatch{inverse, p, true};
  }
  return best;
}

// --- recall --------------------------------------------------------------------------------------

RecallTask::RecallTask(int neurons, int patterns) : n_(neurons), p_(patterns) {
  check_neurons(neurons, "--neurons");
  if (patterns < 1 || patterns > kMaxPatterns)
    throw ParameterError("invalid --patterns = " + std::to_string(patterns) + ": must be in [1, " +
                         std::to_string(kMaxPatterns) + "]");
}

TaskSpec RecallTask::spec(const ModelParams& m) const {
  TaskSpec t;
  t.n = n_;
  t.w = m.w;
  t.weights = WeightSource::HebbianRandom;
  t.patterns = p_;
  t.inputs = InputSource::RandomBits;
  return t;
}

TrialScore RecallTask::score(const PointSpec& spec, std::uint64_t local,
                             const std::uint64_t* state, const std::uint64_t* undecided) const {
  const TrialKey key = spec.key_of(local);
  std::vector<std::uint64_t> words(static_cast<std::size_t>(n_));
  for (int j = 0; j < n_; ++j) words[static_cast<std::size_t>(j)] = pattern_word(spec.task, key, j);
  const PatternMatch m = best_pattern_match(words, p_, n_, state, undecided);
  TrialScore s;
  s.bit_accuracy = static_cast<double>(m.matching_bits) / n_;
  s.success = m.matching_bits == n_ ? 1 : 0;
  s.target = m.pattern;
  return s;
}

// --- images --------------------------------------------------------------------------------------

ImagesTask::ImagesTask(std::vector<Image> images, double distortion)
    : images_(std::move(images)), distortion_(distortion) {
  if (images_.empty()) throw ParameterError("images: at least one --image is needed");
  if (images_.size() > static_cast<std::size_t>(kMaxPatterns)) {
    throw ParameterError("images: at most " + std::to_string(kMaxPatterns) + " images can be stored, got " +
                         std::to_string(images_.size()));
  }
  const Image& first = images_.front();
  for (const Image& im : images_) {
    if (im.width != first.width || im.height != first.height) {
      throw InputError("images differ in size: '" + first.name + "' is " +
                       std::to_string(first.width) + "x" + std::to_string(first.height) + ", '" +
                       im.name + "' is " + std::to_string(im.width) + "x" +
                       std::to_string(im.height) + " (the network has one neuron per pixel)");
    }
  }
  n_ = first.width * first.height;
  check_neurons(n_, "image size");
  if (!(distortion >= 0.0 && distortion <= 1.0)) {
    throw ParameterError("invalid --distortion " + std::to_string(distortion) +
                         ": must be a fraction of the pixels in [0, 1]");
  }
  flips_ = static_cast<int>(std::lround(distortion * n_));
  words_.assign(static_cast<std::size_t>(n_), 0);
  for (std::size_t k = 0; k < images_.size(); ++k) {
    for (int j = 0; j < n_; ++j) {
      if (images_[k].pixels[static_cast<std::size_t>(j)]) words_[static_cast<std::size_t>(j)] |= std::uint64_t{1} << k;
    }
  }
}

TaskSpec ImagesTask::spec(const ModelParams& m) const {
  TaskSpec t;
  t.n = n_;
  t.w = m.w;
  t.groups = static_cast<int>(images_.size());
  t.weights = WeightSource::HebbianStored;
  t.patterns = static_cast<int>(images_.size());
  t.pattern_words = words_.data();
  t.inputs = InputSource::StoredDistorted;
  t.flips = flips_;
  return t;
}

TrialScore ImagesTask::score(const PointSpec& spec, std::uint64_t local,
                             const std::uint64_t* state, const std::uint64_t* undecided) const {
  const int image = group_of_trial(spec.task, local);
  const PatternMatch m =
      best_pattern_match(words_, static_cast<int>(images_.size()), n_, state, undecided, image);
  TrialScore s;
  s.target = image;
  s.bit_accuracy = static_cast<double>(m.matching_bits) / n_;
  s.success = m.matching_bits == n_ ? 1 : 0;
  return s;
}

// --- max-cut -------------------------------------------------------------------------------------

MaxCutTask::MaxCutTask(std::vector<Graph> graphs, double edge_factor,
                       const std::map<std::string, double>& known_optima, int exact_limit)
    : graphs_(std::move(graphs)), edge_factor_(edge_factor) {
  if (graphs_.empty()) throw ParameterError("maxcut: no graph given (--graph FILE or --random-graph N)");
  n_ = graphs_.front().n;
  for (const Graph& g : graphs_) {
    if (g.n != n_) {
      throw InputError("max-cut graphs differ in size: '" + graphs_.front().name + "' has " +
                       std::to_string(n_) + " nodes, '" + g.name + "' has " + std::to_string(g.n) +
                       " (one network size per run; sweep the size instead)");
    }
  }
  check_neurons(n_, "graph size");
  if (!(edge_factor > 0.0) || !std::isfinite(edge_factor)) {
    throw ParameterError("invalid --edge-factor " + std::to_string(edge_factor) + ": must be > 0");
  }
  for (const Graph& g : graphs_) {
    const auto known = known_optima.find(g.name);
    if (g.n <= exact_limit) {
      reference_.push_back(exact_maxcut(g).value);
      reference_kind_.push_back("exact");
    } else if (known != known_optima.end()) {
      reference_.push_back(known->second);
      reference_kind_.push_back("known");
    } else {
      reference_.push_back(std::nan(""));
      reference_kind_.push_back("none");
    }
  }
}

TaskSpec MaxCutTask::spec(const ModelParams& m) const {
  const std::size_t nn = static_cast<std::size_t>(n_) * n_;
  if (weights_w_ != m.w || weights_.size() != nn * graphs_.size()) {
    weights_.assign(nn * graphs_.size(), m.w);
    for (std::size_t g = 0; g < graphs_.size(); ++g) {
      double* wg = weights_.data() + g * nn;
      for (int j = 0; j < n_; ++j) wg[static_cast<std::size_t>(j) * n_ + j] = 0.0;
      for (const Edge& e : graphs_[g].edges) {
        const double v = -edge_factor_ * m.w * e.w;
        wg[static_cast<std::size_t>(e.i) * n_ + e.j] = v;
        wg[static_cast<std::size_t>(e.j) * n_ + e.i] = v;
      }
    }
    weights_w_ = m.w;
  }
  TaskSpec t;
  t.n = n_;
  t.w = m.w;
  t.groups = static_cast<int>(graphs_.size());
  t.weights = WeightSource::Matrix;
  t.patterns = 0;
  t.matrices = weights_.data();
  t.inputs = InputSource::AllOff;
  return t;
}

TrialScore MaxCutTask::score(const PointSpec& spec, std::uint64_t local,
                             const std::uint64_t* state, const std::uint64_t* undecided) const {
  const int g = group_of_trial(spec.task, local);
  const Graph& graph = graphs_[static_cast<std::size_t>(g)];
  std::vector<std::uint8_t> side(static_cast<std::size_t>(n_));
  int decided = 0;
  for (int j = 0; j < n_; ++j) {
    side[static_cast<std::size_t>(j)] = bit_of(state, j) ? 1 : 0;  // undecided somas count as OFF
    decided += bit_of(undecided, j) ? 0 : 1;
  }
  TrialScore s;
  s.target = g;
  s.cut = cut_value(graph, side);
  const double total = graph.total_weight();
  s.cut_fraction = total != 0.0 ? s.cut / total : std::nan("");
  const double ref = reference_[static_cast<std::size_t>(g)];
  s.gap = (ref > 0.0) ? 1.0 - s.cut / ref : std::nan("");
  s.success = (decided == n_ && ref > 0.0 && s.cut >= ref) ? 1 : 0;
  s.bit_accuracy = std::nan("");  // no target pattern
  return s;
}

// --- host-side rebuild of a trial's circuit --------------------------------------------------------

TrialCircuit rebuild_circuit(const PointSpec& spec, std::uint64_t local, bool with_devices) {
  const int n = spec.task.n;
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  const TrialKey key = spec.key_of(local);
  std::vector<std::uint64_t> words(static_cast<std::size_t>(n));
  std::vector<std::uint32_t> keys(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    const NeuronSeed seed = neuron_seed(spec, key, j);
    words[static_cast<std::size_t>(j)] = seed.word;
    keys[static_cast<std::size_t>(j)] = seed.key;
  }
  TrialCircuit c;
  c.input.resize(static_cast<std::size_t>(n));
  c.v_in.resize(static_cast<std::size_t>(n));
  c.v_dw.resize(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    const NeuronSources src = neuron_sources(spec, key, local, j, keys.data());
    c.input[static_cast<std::size_t>(j)] = src.input ? 1 : 0;
    c.v_in[static_cast<std::size_t>(j)] = src.v_in;
    c.v_dw[static_cast<std::size_t>(j)] = src.v_dw;
  }
  c.w.resize(nn);
  if (with_devices) c.devices.resize(nn);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const std::size_t d = static_cast<std::size_t>(i) * n + j;
      if (with_devices) {
        const DeviceSetup ds = device_setup(spec, key, local, i, j, words.data());
        c.w[d] = ds.w;
        c.devices[d] = ds.phys;
      } else {
        c.w[d] = device_w(spec, key, local, i, j, words[static_cast<std::size_t>(i)],
                          words[static_cast<std::size_t>(j)]);  // the part of device_setup() needed
      }
    }
  }
  return c;
}

}  // namespace spinhop
