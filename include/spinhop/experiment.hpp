// An experiment: a task, the model, variation, and sweeps over any of their parameters. Each
// sweep point runs `trials` trials; trial t of point p has the global index p * trials + t, and
// its setup is a pure function of (seed, global index).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "spinhop/backend.hpp"
#include "spinhop/hopfield.hpp"
#include "spinhop/model.hpp"
#include "spinhop/tasks.hpp"
#include "spinhop/physics/variation.hpp"

namespace spinhop {

// Everything that defines a run's results (the resolved configuration), plus how it is run.
struct ExperimentConfig {
  std::string task = "recall";  // a task kind (task_kinds(): recall, images, maxcut)
  // recall
  int neurons = 60;
  int patterns = 1;
  std::string patterns_file;        // the user's patterns, one per line as 0/1 (sets N and P)
  std::string inputs_file;          // the user's inputs, one per line; trial t loads line t mod lines
  std::string weights_file;         // the synapse matrix [V] (.npy / .csv), onto j from i at (i, j)
  // images
  std::vector<std::string> images;  // PBM files; empty = the paper's letters U, T, D
  double distortion = 0.0;          // fraction of pixels flipped
  // max-cut
  std::vector<std::string> graphs;  // rudy / Biq Mac files
  int random_graph = 0;             // > 0: G(n, density) graphs of this many nodes instead
  double density = 0.5;
  int graph_count = 20;             // random graphs per point
  double edge_factor = 1.05;        // paper / balanced mappings: edge synapse = -edge_factor W w
  std::string edge_weights = "unit";  // random graphs: unit, pm1 (+-1) or int10 (integers in [-10, 10])
  std::string mapping = "ising";    // graph -> synapses: ising, balanced or paper (mapping.hpp)
  double tie_break = 0.25;          // ising mapping: field towards ON, x the field quantum
  int bias_neurons = 4;             // ising mapping: bias neurons sharing each bias voltage
  std::string start = "auto";       // max-cut / Ising start state: auto, off, random or spectral
  // ising
  std::vector<std::string> couplings;  // Ising / QUBO coupling files (ising_file.hpp)
  std::string fields;               // Ising fields file; empty = none (or the diagonal)
  bool qubo = false;                // the files hold a QUBO (minimise x^T Q x)
  std::string optima;               // TSV of known optima; empty = optima.tsv beside the graphs
  double target = 1.0;              // P(target): a trial reaches target * reference optimum
  // model, variation, baseline
  ModelParams model;
  VariationSigmas sigma;
  std::string variation_file;       // TOML: the variation's structure (variation_file.hpp)
  std::string vdw_rule = "authors";
  std::string load_mode = "fixed";
  std::string integrator = "rk23";
  bool hopfield = true;
  std::string hopfield_states = "pm1";
  // trials
  std::uint64_t trials = 100;
  std::uint64_t seed = 1;
  std::string precision = "float";
  std::vector<std::string> sweeps;  // NAME=start:stop:step or NAME=v1,v2,...

  // Resolve the string choices into the model and check every value (ParameterError).
  void validate();
};

// Run control: how, not what (never part of a result's identity).
struct RunControl {
  std::string backend = "auto";
  int device = 0;
  std::vector<int> devices;  // several GPUs in one process
  int threads = 0;
  bool oversubscribe = false;  // allow more --threads than hardware threads
  std::uint64_t batch = 0;
  std::string output;        // HDF5 results file; empty = none
  bool force = false;        // overwrite an existing output
  bool resume = false;       // continue the run the output holds
  std::string shard = "0/1"; // K/N: only trials whose global index is K mod N
  int traces = 0;            // waveforms of the first K trials of every point
  std::vector<std::string> trace_axons;  // "i:j" axons to trace; empty = neuron 0's axons
  bool quiet = false;
  bool progress = true;
  bool dry_run = false;      // check everything, print the plan, run nothing
};

struct SweepAxis {
  std::string name;  // canonical parameter name
  std::string unit;
  std::vector<double> values;
};

struct Shard {
  std::uint64_t index = 0;
  std::uint64_t count = 1;
};
Shard parse_shard(const std::string& s);

// One sweep point, materialised.
struct ExperimentPoint {
  std::uint64_t index = 0;
  std::vector<double> values;  // one per sweep axis
  ExperimentConfig config;     // the base config with the values applied
  std::shared_ptr<const Task> task;
  PointSpec spec;
};

class Experiment {
 public:
  explicit Experiment(ExperimentConfig config);
  const ExperimentConfig& config() const { return config_; }
  const std::vector<SweepAxis>& axes() const { return axes_; }
  std::uint64_t points() const { return points_; }
  std::uint64_t total_trials() const { return points_ * config_.trials; }
  ExperimentPoint point(std::uint64_t p) const;
  int max_neurons() const { return max_neurons_; }
  // The trials of point p that shard `s` runs: first, first + s.count, ... below trials.
  std::uint64_t shard_first(std::uint64_t p, const Shard& s) const;
  std::uint64_t shard_trials(std::uint64_t p, const Shard& s) const;

 private:
  std::shared_ptr<const Task> build_task(const ExperimentConfig& c) const;
  ExperimentConfig config_;
  std::vector<SweepAxis> axes_;
  std::uint64_t points_ = 1;
  int max_neurons_ = 0;
  mutable InputFiles files_;
};

// Where the data files (the paper's letters, the Biq Mac graphs) live: $SPINHOP_DATA_DIR, else
// the source tree's data/.
std::string data_dir();

}  // namespace spinhop
