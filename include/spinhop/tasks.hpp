// Host-side tasks: the task data the backends read, what a trial's answer means (scoring), and the
// registry of task kinds. A task kind is one source file in src/tasks/ plus its line in
// src/tasks/registry.cpp (docs/architecture.md, "Adding a task").
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "spinhop/graph.hpp"
#include "spinhop/mapping.hpp"
#include "spinhop/model.hpp"
#include "spinhop/pbm.hpp"
#include "spinhop/physics/task.hpp"
#include "spinhop/physics/trial.hpp"

namespace spinhop {

// Task-specific scores of one trial. Fields a task does not use keep their defaults (-1 / NaN).
struct TrialScore {
  int success = 0;            // converged, and the read-out equals the target or its inverse
                              // with every bit decided
  int readout_success = 0;    // the read-out alone, converged or not (a trial that reached t_max
                              // is read there): what success meant before convergence counted
  double bit_accuracy = 0;    // fraction of bits equal to the target or its inverse [-]
  int target = -1;            // recall: closest stored pattern; images: the distorted image;
                              // max-cut: the graph
  double cut = std::numeric_limits<double>::quiet_NaN();  // max-cut: weight of cut edges
  double cut_fraction = std::numeric_limits<double>::quiet_NaN();  // cut / total weight [-]
  double gap = std::numeric_limits<double>::quiet_NaN();  // 1 - cut / reference optimum [-]
  // the ideal discrete Hopfield network on the same weights and input (-1 / NaN: not run)
  int hopfield_agrees = -1;   // 1: same final state as the device network
  int hopfield_success = -1;
  double hopfield_accuracy = std::numeric_limits<double>::quiet_NaN();
  double hopfield_cut = std::numeric_limits<double>::quiet_NaN();
  double ising_energy = std::numeric_limits<double>::quiet_NaN();  // ising: the problem's E(s)
};

// The ideal discrete network a trial is compared with (the Hopfield baseline): by default the
// device network's own synapse voltages and input; a mapping with a bias neuron gives the
// problem's neurons and fields instead.
struct IdealNetwork {
  int n = 0;                         // neurons compared: the first n of the device network
  std::vector<double> w;             // [n*n] onto j from i at i*n + j [V]
  std::vector<double> fields;        // [n] constant field per neuron [V]; empty = none
  std::vector<std::uint8_t> input;   // [n] start state
  bool inverse_equal = false;        // a state and its inverse are the same answer (a cut)
};
struct TrialCircuit;

// How a task's answers are judged, which decides the columns of its summaries.
enum class Scoring : int {
  Patterns = 0,  // success and bit accuracy against stored patterns (recall, images)
  Cut = 1,       // a cut of a weighted graph against a reference (max-cut)
};

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string name() const = 0;
  virtual int neurons() const = 0;
  virtual Scoring scoring() const { return Scoring::Patterns; }
  // The task as plain data; host pointers stay valid while the Task lives.
  virtual TaskSpec spec(const ModelParams& m) const = 0;
  // The nominal soma speed of the weakest decision the task asks of the network [m/s], for the
  // automatic time limits (ModelParams::resolve_time_limits); 0 = no bound known (the defaults).
  virtual double decision_speed(const ModelParams&) const { return 0.0; }
  // Score trial `local` of a point from a read-out (state: bit j = soma j ON; undecided bits
  // never count as correct).
  virtual TrialScore score(const PointSpec& spec, std::uint64_t local, const std::uint64_t* state,
                           const std::uint64_t* undecided) const = 0;
  // The groups the trials cycle over (images, graphs; none by default): per-group summaries and
  // references in the results file.
  virtual int groups() const { return 0; }
  virtual std::string group_name(int) const { return {}; }
  virtual double reference(int) const { return std::numeric_limits<double>::quiet_NaN(); }
  virtual std::string reference_kind(int) const { return "none"; }
  // Graphs stored in the results file (/graphs).
  virtual const std::vector<Graph>* graphs() const { return nullptr; }
  // The baseline's network for trial `local` whose circuit is `c`.
  virtual IdealNetwork ideal_network(const TrialCircuit& c, const PointSpec& spec,
                                     std::uint64_t local) const;
};

struct ExperimentConfig;

// Files a run reads, each read once however many sweep points use it.
class InputFiles {
 public:
  const Image& image(const std::string& path);
  const Graph& graph(const std::string& path);

 private:
  std::map<std::string, Image> images_;
  std::map<std::string, Graph> graphs_;
};

// One kind of task: its name (the subcommand and the config's `task`), a line of help, and how
// to build the task of a sweep point from the resolved configuration (throws ParameterError or
// InputError naming what is wrong).
struct TaskKindInfo {
  const char* name;
  const char* help;
  std::shared_ptr<const Task> (*build)(const ExperimentConfig& c, InputFiles& files);
};
const std::vector<TaskKindInfo>& task_kinds();
const TaskKindInfo& task_kind(const std::string& name);  // ParameterError if unknown

// Best match of a read-out against patterns and their inverses: bits equal to the closest one.
struct PatternMatch {
  int matching_bits = 0;
  int pattern = -1;
  bool inverse = false;
};
PatternMatch best_pattern_match(const std::vector<std::uint64_t>& pattern_words, int patterns,
                                int n, const std::uint64_t* state, const std::uint64_t* undecided,
                                int only_pattern = -1);

// Random-pattern recall (Fig. 5): P random patterns stored, a random input.
class RecallTask final : public Task {
 public:
  RecallTask(int neurons, int patterns);
  // The user's own patterns (rows of n bits, stored by eq. 3 unless `weights` is given), inputs
  // (trial t loads row t mod rows; empty = random bits) and synapse matrix ([n*n] volts, onto j
  // from i at i*n + j; empty = Hebbian).
  RecallTask(std::vector<std::vector<std::uint8_t>> patterns,
             std::vector<std::vector<std::uint8_t>> inputs, std::vector<double> weights);
  std::string name() const override { return "recall"; }
  int neurons() const override { return n_; }
  int patterns() const { return p_; }
  TaskSpec spec(const ModelParams& m) const override;
  TrialScore score(const PointSpec& spec, std::uint64_t local, const std::uint64_t* state,
                   const std::uint64_t* undecided) const override;

 private:
  int n_;
  int p_;
  std::vector<std::uint64_t> pattern_words_;  // user patterns: [n], bit p = pattern p
  std::vector<std::uint64_t> input_rows_;     // user inputs: [rows][(n+63)/64]
  int input_count_ = 0;
  std::vector<double> weights_;               // user synapse matrix [n*n] [V]
};

// Distorted-image recall (Fig. 6): same-size images stored, one pixel per neuron; trial t loads
// image t mod (number of images) with exactly round(d * pixels) distinct pixels flipped.
class ImagesTask final : public Task {
 public:
  ImagesTask(std::vector<Image> images, double distortion);
  std::string name() const override { return "images"; }
  int neurons() const override { return n_; }
  const std::vector<Image>& images() const { return images_; }
  double distortion() const { return distortion_; }
  int flips() const { return flips_; }
  TaskSpec spec(const ModelParams& m) const override;
  TrialScore score(const PointSpec& spec, std::uint64_t local, const std::uint64_t* state,
                   const std::uint64_t* undecided) const override;
  int groups() const override { return static_cast<int>(images_.size()); }
  std::string group_name(int g) const override { return images_[static_cast<std::size_t>(g)].name; }

 private:
  std::vector<Image> images_;
  std::vector<std::uint64_t> words_;  // bit k of pixel j = image k
  double distortion_;
  int n_;
  int flips_;
};

// Max-cut (Fig. 7, Table II): one neuron per node (plus the Ising mapping's bias neuron), the
// graph mapped onto the synapse voltages (mapping.hpp), loaded with the start state (all OFF,
// random bits or the spectral start).
// Trial t runs graph t mod (number of graphs).
class MaxCutTask final : public Task {
 public:
  // known_optima: optimum cut by graph name (e.g. optima.tsv); exact optima are computed for
  // graphs of at most exact_limit nodes.
  MaxCutTask(std::vector<Graph> graphs, double edge_factor,
             const std::map<std::string, double>& known_optima = {}, int exact_limit = kExactMaxCutNodes,
             Mapping mapping = Mapping::Paper, StartState start = StartState::Off,
             double tie_break = kDefaultTieBreak, int bias_neurons = kDefaultBiasNeurons,
             std::uint64_t seed = 0);
  std::string name() const override { return energy_of_zero_cut_.empty() ? "maxcut" : "ising"; }
  // Spectral start: trial t of graph g = t mod G loads rounding q = (t / G) mod roundings()
  // (q = 0: the leading eigenvector's signs; q >= 1: at spectral_angles(embedding, seed, g, q)).
  int roundings() const { return roundings_; }
  int neurons() const override { return n_ + (mapping_ == Mapping::Ising ? bias_neurons_ : 0); }
  // The graphs are Ising problems' equivalent graphs (ising_file.hpp): trials also report the
  // problem's energy E = energy_of_zero_cut[g] - cut (the task is then called "ising").
  void as_ising(std::vector<double> energy_of_zero_cut, std::vector<double> offsets) {
    energy_of_zero_cut_ = std::move(energy_of_zero_cut);
    offsets_ = std::move(offsets);
  }
  // The problem's constant term (a QUBO's conversion offset; 0 for a plain Ising problem).
  double ising_offset(int g) const {
    return offsets_.empty() ? 0.0 : offsets_[static_cast<std::size_t>(g)];
  }
  double energy_of_zero_cut(int g) const {
    return energy_of_zero_cut_.empty() ? std::numeric_limits<double>::quiet_NaN()
                                       : energy_of_zero_cut_[static_cast<std::size_t>(g)];
  }
  int nodes() const { return n_; }
  Mapping mapping() const { return mapping_; }
  IdealNetwork ideal_network(const TrialCircuit& c, const PointSpec& spec,
                             std::uint64_t local) const override;
  Scoring scoring() const override { return Scoring::Cut; }
  const std::vector<Graph>* graphs() const override { return &graphs_; }
  double edge_factor() const { return edge_factor_; }
  int groups() const override { return static_cast<int>(graphs_.size()); }
  std::string group_name(int g) const override { return graphs_[static_cast<std::size_t>(g)].name; }
  // Reference optimum of graph g (exact or known; NaN if neither) and how it was obtained.
  double reference(int g) const override { return reference_[static_cast<std::size_t>(g)]; }
  std::string reference_kind(int g) const override { return reference_kind_[static_cast<std::size_t>(g)]; }
  TaskSpec spec(const ModelParams& m) const override;
  // Ising mapping: the slowest graph's MappedNetwork::decision_speed (0 where none is known).
  double decision_speed(const ModelParams& m) const override;
  TrialScore score(const PointSpec& spec, std::uint64_t local, const std::uint64_t* state,
                   const std::uint64_t* undecided) const override;

 private:
  std::vector<Graph> graphs_;
  double edge_factor_;
  int n_;
  Mapping mapping_;
  StartState start_;
  double tie_break_;
  int bias_neurons_;
  std::vector<double> energy_of_zero_cut_;     // ising: per graph, empty for max-cut
  std::vector<double> offsets_;                // ising: the problems' constant terms
  std::vector<double> reference_;
  std::vector<std::string> reference_kind_;  // "exact", "known", "heuristic" or "none"
  mutable std::vector<double> weights_;       // [graphs][neurons^2] synapse voltages for the last model
  mutable std::vector<double> fields_;        // [graphs][n] the ideal network's fields [V]
  mutable std::vector<double> scales_;        // [graphs] synapse volts per unit coupling [V]
  mutable std::vector<double> speeds_;        // [graphs] weakest decision's soma speed [m/s]
  mutable std::vector<double> weights_key_;   // the model values the mapping used
  std::vector<std::uint64_t> start_words_;    // spectral start: [roundings][graphs][(neurons + 63)/64] bits
  int roundings_ = 1;
};

// One trial's circuit as the backends build it (trial.hpp's phases), for host-side baselines and
// the SPICE export: every source with its error and every device's own parameters.
struct TrialCircuit {
  std::vector<double> w;             // [n*n], w[i*n + j] onto dendrite j from neuron i [V]
  std::vector<std::uint8_t> input;   // loaded bits
  std::vector<double> v_in, v_dw;    // [n] input and soma-to-axon sources [V]
  std::vector<PhysicalDevice> devices;  // [n*n], device (i, j) at i*n + j (with_devices only)
};
TrialCircuit rebuild_circuit(const PointSpec& spec, std::uint64_t local, bool with_devices = false);

}  // namespace spinhop
