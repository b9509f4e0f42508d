// Max-cut graphs: the Biq Mac rudy instances, seeded G(n, p) graphs, and exact reference cuts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace spinhop {

struct Edge {
  int i, j;  // 0-based node ids, i < j
  double w;
};

struct Graph {
  std::string name;
  int n = 0;
  std::vector<Edge> edges;

  double total_weight() const;
};

// Reads a rudy file ("n m", then m lines "i j w", 1-based ids). The graph's name is the file's name
// ("g05_60.0"), the key of optima.tsv. Throws InputError naming the path and line.
Graph read_rudy(const std::string& path);

// Edge weights of random graphs: 1, +-1 with equal odds, or integers uniform in [-10, 10]
// (0 included: an edge of weight 0).
enum class EdgeWeights { Unit, PlusMinus, Int10 };
EdgeWeights parse_edge_weights(const std::string& s);  // ParameterError if unknown

// A G(n, p) graph, a pure function of (n, density, seed, graph_id, weights); see graph.cpp for
// the exact draw (the edges do not depend on the weights). n in [2, 4096], density in [0, 1],
// graph_id < 2^48.
Graph random_graph(int n, double density, std::uint64_t seed, std::uint64_t graph_id,
                   EdgeWeights weights = EdgeWeights::Unit);

// The graph's content, independent of its name and edge order: FNV-1a 64 over "n" and the
// sorted edges "i j w" (w to 17 digits), as 16 hex digits. Known optima are matched by it.
std::string content_hash(const Graph& g);

// Total weight of the edges whose ends lie on different sides; side[k] is 0 or 1 (nonzero counts
// as 1) and has g.n entries.
double cut_value(const Graph& g, const std::vector<std::uint8_t>& side);

struct MaxCut {
  double value;
  std::vector<std::uint8_t> side;  // one optimal partition; the last node is on side 0
};

// Exhaustive maximum cut for n <= kExactMaxCutNodes (ParameterError above).
constexpr int kExactMaxCutNodes = 24;
MaxCut exact_maxcut(const Graph& g);

// A reference cut for larger graphs: multi-start tabu search over single-node flips, seeded
// (the same graph always gets the same reference), `restarts` starts of max(2000, 40 n) moves.
// A lower bound on the optimum, usually the optimum itself for n <= a few hundred.
MaxCut heuristic_maxcut(const Graph& g, std::uint64_t seed = 1, int restarts = 10);

// Expected cut of a uniformly random partition: each edge is cut with probability 1/2.
double half_approximation(const Graph& g);

// data/maxcut/optima.tsv: instance -> optimum, and with a `content_hash` column also
// "#<hash>" -> optimum (a renamed copy of an instance keeps its optimum). Throws InputError on
// malformed lines.
std::map<std::string, double> read_optima_tsv(const std::string& path);

// data/maxcut/solutions.tsv: instance -> side string ('0'/'1', character k = node k + 1).
std::map<std::string, std::string> read_solutions_tsv(const std::string& path);

}  // namespace spinhop
