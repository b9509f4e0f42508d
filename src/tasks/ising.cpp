// Ising and QUBO problems (docs/ising.md): each problem becomes the max-cut of its equivalent
// graph (ising_file.hpp), mapped and scored as max-cut; every trial also reports the problem's
// energy, and the reference (exact, or the tabu search) is the ground-state energy's bound.
#include <cmath>

#include "spinhop/errors.hpp"
#include "spinhop/experiment.hpp"
#include "spinhop/ising_file.hpp"
#include "spinhop/tasks.hpp"

namespace spinhop {
namespace {

std::shared_ptr<const Task> build_ising(const ExperimentConfig& c, InputFiles&) {
  if (c.couplings.empty()) throw ParameterError("ising needs --couplings FILE (repeatable)");
  if (!c.fields.empty() && c.couplings.size() != 1) {
    throw ParameterError("--fields goes with one --couplings file (put the fields of several problems on their diagonals)");
  }
  if (!(c.target > 0.0 && c.target <= 1.0)) {
    throw ParameterError("invalid --target " + std::to_string(c.target) + ": must be in (0, 1]");
  }
  std::vector<Graph> graphs;
  std::vector<double> constants, offsets;
  for (const std::string& path : c.couplings) {
    const IsingProblem p = read_ising(path, c.fields, c.qubo);
    double k = 0.0;
    graphs.push_back(ising_as_graph(p, &k));
    constants.push_back(k);
    offsets.push_back(p.offset);
  }
  auto task = std::make_shared<MaxCutTask>(std::move(graphs), c.edge_factor, std::map<std::string, double>{},
                                           kExactMaxCutNodes, parse_mapping(c.mapping),
                                           parse_start(c.start, parse_mapping(c.mapping)), c.tie_break, c.bias_neurons,
                                           c.seed);
  task->as_ising(std::move(constants), std::move(offsets));
  return task;
}

}  // namespace

const TaskKindInfo& ising_task_kind() {
  static const TaskKindInfo info{
      "ising", "Ising (J, h) or QUBO problems from sparse text, .npy or .csv files", build_ising};
  return info;
}

}  // namespace spinhop
