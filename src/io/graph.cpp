#include "spinhop/graph.hpp"
#include "io/input_file.hpp"
#include "io/text_parse.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "spinhop/errors.hpp"
#include "spinhop/physics/rng.hpp"

namespace spinhop {
namespace {

constexpr int kMaxExactNodes = kExactMaxCutNodes;

// The whole file, checked (regular, bounded size) before a byte is parsed.
std::istringstream open_input(const std::string& path, std::uint64_t max_bytes, const char* what) {
  return std::istringstream(io::read_input_file(path, max_bytes, what));
}

using io::LineError;
using io::parse_int;
using io::parse_real;
using io::split_whitespace;

// Reads the "n m" header, skipping blank lines before it.
void read_rudy_header(std::istream& in, const LineError& fail, int* line, int* n, long long* m) {
  std::string text;
  std::vector<std::string> t;
  while (t.empty()) {
    if (!std::getline(in, text)) fail(*line, "missing header 'n m' (empty file)");
    ++*line;
    t = split_whitespace(text);
  }
  if (t.size() != 2) fail(*line, "header must be 'n m' (nodes, edges), got '" + text + "'");
  long long nodes = 0;
  if (!parse_int(t[0], &nodes)) fail(*line, "non-numeric node count '" + t[0] + "' in the header");
  if (!parse_int(t[1], m)) fail(*line, "non-numeric edge count '" + t[1] + "' in the header");
  if (nodes < 1 || nodes > 1000000000) fail(*line, "node count " + t[0] + " must be in [1, 1e9]");
  if (*m < 0) fail(*line, "edge count " + t[1] + " must be >= 0");
  // Without duplicates or self-loops there are at most n(n-1)/2 edges; also bounds the reserve.
  if (*m > nodes * (nodes - 1) / 2) {
    fail(*line, "edge count " + t[1] + " exceeds n(n-1)/2 = " + std::to_string(nodes * (nodes - 1) / 2));
  }
  *n = static_cast<int>(nodes);
}

void check_edges(const Graph& g) {
  for (const Edge& e : g.edges) {
    if (e.i < 0 || e.j >= g.n || e.i >= e.j) {
      throw ParameterError("graph '" + g.name + "': edge (" + std::to_string(e.i) + ", " +
                           std::to_string(e.j) + ") must have 0 <= i < j < n = " + std::to_string(g.n));
    }
  }
}

// Both searches below keep node n-1 on side 0 (swapping the sides gives the same cut) and walk the
// other 2^(n-1) assignments in Gray-code order: step t flips node ctz(t), so each step changes the
// cut by one node's edges. Both return the best assignment as a bit mask (bit k = side of node k).

// Every edge weighs the same w > 0 and none repeats: count cut edges with adjacency bit masks.
std::uint64_t search_uniform(const Graph& g) {
  std::vector<std::uint64_t> adj(g.n, 0);
  for (const Edge& e : g.edges) {
    adj[e.i] |= std::uint64_t{1} << e.j;
    adj[e.j] |= std::uint64_t{1} << e.i;
  }
  std::vector<int> degree(g.n);
  for (int k = 0; k < g.n; ++k) degree[k] = __builtin_popcountll(adj[k]);
  std::uint64_t state = 0, best_state = 0;
  long long cut = 0, best = 0;
  const std::uint64_t steps = std::uint64_t{1} << (g.n - 1);
  for (std::uint64_t t = 1; t < steps; ++t) {
    const int k = __builtin_ctzll(t);
    const std::uint64_t same = (state >> k) & 1 ? adj[k] & state : adj[k] & ~state;
    cut += 2 * __builtin_popcountll(same) - degree[k];  // same-side edges become cut, the rest uncut
    state ^= std::uint64_t{1} << k;
    if (cut > best) {
      best = cut;
      best_state = state;
    }
  }
  return best_state;
}

// Any weights: neighbour lists in one flat array (CSR) for locality.
std::uint64_t search_weighted(const Graph& g) {
  std::vector<int> start(g.n + 1, 0);
  for (const Edge& e : g.edges) {
    ++start[e.i + 1];
    ++start[e.j + 1];
  }
  for (int k = 0; k < g.n; ++k) start[k + 1] += start[k];
  std::vector<int> fill(start.begin(), start.end() - 1);
  std::vector<int> nbr(start[g.n]);
  std::vector<double> wt(start[g.n]);
  for (const Edge& e : g.edges) {
    nbr[fill[e.i]] = e.j;
    wt[fill[e.i]++] = e.w;
    nbr[fill[e.j]] = e.i;
    wt[fill[e.j]++] = e.w;
  }
  std::uint64_t state = 0, best_state = 0;
  double cut = 0, best = 0;
  const std::uint64_t steps = std::uint64_t{1} << (g.n - 1);
  for (std::uint64_t t = 1; t < steps; ++t) {
    const int k = __builtin_ctzll(t);
    const std::uint64_t sk = (state >> k) & 1;
    double delta = 0;
    for (int a = start[k]; a < start[k + 1]; ++a) {
      // +w if the neighbour shares k's side, -w if not; a multiply, not a branch (3x faster)
      const int differs = static_cast<int>(((state >> nbr[a]) ^ sk) & 1);
      delta += (1 - 2 * differs) * wt[a];
    }
    cut += delta;
    state ^= std::uint64_t{1} << k;
    if (cut > best) {
      best = cut;
      best_state = state;
    }
  }
  return best_state;
}

bool uniform_simple(const Graph& g) {
  if (g.edges.empty() || !(g.edges[0].w > 0)) return false;
  std::vector<std::uint64_t> adj(g.n, 0);
  for (const Edge& e : g.edges) {
    if (e.w != g.edges[0].w || (adj[e.i] >> e.j) & 1) return false;
    adj[e.i] |= std::uint64_t{1} << e.j;
  }
  return true;
}

// A tab-separated table with a header line naming its columns; blank lines are skipped.
struct Tsv {
  std::vector<std::string> header;
  int header_line = 0;
  std::vector<std::pair<int, std::vector<std::string>>> rows;  // (line, fields)
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> f;
  std::size_t from = 0;
  for (std::size_t tab; (tab = line.find('\t', from)) != std::string::npos; from = tab + 1) {
    f.push_back(line.substr(from, tab - from));
  }
  f.push_back(line.substr(from));
  return f;
}

Tsv read_tsv(const std::string& path, const LineError& fail) {
  std::istringstream in = open_input(path, io::kMaxTableBytes, "table");
  Tsv tsv;
  int line = 0;
  for (std::string text; std::getline(in, text);) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    std::vector<std::string> f = split_tabs(text);
    if (tsv.header.empty()) {
      tsv.header = std::move(f);
      tsv.header_line = line;
    } else if (f.size() != tsv.header.size()) {
      fail(line, "expected " + std::to_string(tsv.header.size()) + " tab-separated fields, got " +
                     std::to_string(f.size()));
    } else {
      tsv.rows.emplace_back(line, std::move(f));
    }
  }
  if (tsv.header.empty()) fail(line, "empty file, expected a header line");
  return tsv;
}

std::size_t column(const Tsv& tsv, const std::string& name, const LineError& fail) {
  for (std::size_t c = 0; c < tsv.header.size(); ++c) {
    if (tsv.header[c] == name) return c;
  }
  fail(tsv.header_line, "header has no '" + name + "' column");
}

// Instance names: non-empty and unique within the table.
template <class Map>
void check_instance(const Map& seen, const std::string& name, int line, const LineError& fail) {
  if (name.empty()) fail(line, "empty instance name");
  if (seen.count(name) != 0) fail(line, "duplicate instance '" + name + "'");
}

}  // namespace

double Graph::total_weight() const {
  double sum = 0;
  for (const Edge& e : edges) sum += e.w;
  return sum;
}

Graph read_rudy(const std::string& path) {
  std::istringstream in = open_input(path, io::kMaxGraphBytes, "graph");
  const std::size_t bytes = in.str().size();
  const LineError fail(path);
  Graph g;
  g.name = std::filesystem::path(path).filename().string();
  int line = 0;
  long long m = 0;
  read_rudy_header(in, fail, &line, &g.n, &m);
  // an edge line has at least 6 bytes ("1 2 1\n"): a header claiming more edges than the file
  // can hold reserves no more than the file can fill (the count is checked at the end)
  g.edges.reserve(static_cast<std::size_t>(std::min<long long>(m, static_cast<long long>(bytes / 6 + 1))));
  std::unordered_map<std::uint64_t, int> first_line;  // edge (i, j), i < j -> line it appeared on
  std::string text;
  while (std::getline(in, text)) {
    ++line;
    const std::vector<std::string> t = split_whitespace(text);
    if (t.empty()) continue;
    if (static_cast<long long>(g.edges.size()) == m) {
      fail(line, "extra edge line: the header declares " + std::to_string(m) + " edges");
    }
    if (t.size() == 2) fail(line, "missing weight: expected 'i j w', got '" + text + "'");
    if (t.size() < 2) fail(line, "expected an edge 'i j w', got '" + text + "'");
    if (t.size() > 3) fail(line, "trailing token '" + t[3] + "' after 'i j w'");
    long long a = 0, b = 0;
    double w = 0;
    if (!parse_int(t[0], &a)) fail(line, "non-numeric node id '" + t[0] + "'");
    if (!parse_int(t[1], &b)) fail(line, "non-numeric node id '" + t[1] + "'");
    if (!parse_real(t[2], &w)) fail(line, "non-numeric weight '" + t[2] + "'");
    for (long long id : {a, b}) {
      if (id < 1 || id > g.n) {
        fail(line, "node id " + std::to_string(id) + " out of range 1.." + std::to_string(g.n));
      }
    }
    if (a == b) fail(line, "self-loop on node " + std::to_string(a));
    const int i = static_cast<int>(std::min(a, b)) - 1, j = static_cast<int>(std::max(a, b)) - 1;
    const auto [it, fresh] = first_line.emplace((std::uint64_t(i) << 32) | std::uint64_t(j), line);
    if (!fresh) {
      fail(line, "duplicate edge " + t[0] + "-" + t[1] + " (first on line " +
                     std::to_string(it->second) + ")");
    }
    g.edges.push_back(Edge{i, j, w});
  }
  if (static_cast<long long>(g.edges.size()) < m) {
    fail(line, "file ends after " + std::to_string(g.edges.size()) + " of the " + std::to_string(m) +
                   " edges the header declares");
  }
  return g;
}

EdgeWeights parse_edge_weights(const std::string& s) {
  if (s == "unit") return EdgeWeights::Unit;
  if (s == "pm1") return EdgeWeights::PlusMinus;
  if (s == "int10") return EdgeWeights::Int10;
  throw ParameterError("invalid --edge-weights '" + s + "': must be unit, pm1 or int10");
}

// The draw, fixed so that a graph can be rebuilt from (n, density, seed, graph_id) alone:
//   pairs (i, j), i < j, are numbered row-major: p = 0 for (0,1), 1 for (0,2), ..., n-2 for (0,n-1),
//   n-1 for (1,2), ...;
//   r = draw_block(TrialKey{seed, graph_id}, Stream::RandomGraph, p / 2, 0);
//   u = p even ? uniform_open(r.v[0], r.v[1]) : uniform_open(r.v[2], r.v[3]);
//   the edge is present, with weight 1, iff u < density.
// u is never 0 or 1, so density 0 gives no edges and density 1 the complete graph. Weights other
// than unit: edge e (in that order) draws b = draw_block(key, RandomGraph, e, 1),
// u = uniform_open(b.v[0], b.v[1]); pm1: -1 if u < 1/2 else +1; int10: floor(21 u) - 10.
Graph random_graph(int n, double density, std::uint64_t seed, std::uint64_t graph_id,
                   EdgeWeights weights) {
  if (n < 2 || n > 4096) {
    throw ParameterError("invalid random graph size n = " + std::to_string(n) + ": must be in [2, 4096]");
  }
  if (!(density >= 0 && density <= 1)) {
    throw ParameterError("invalid random graph density " + std::to_string(density) + ": must be in [0, 1]");
  }
  if (graph_id >> 48 != 0) {
    throw ParameterError("invalid random graph id " + std::to_string(graph_id) + ": must be < 2^48");
  }
  Graph g;
  g.name = "gnp_n" + std::to_string(n) + "_p" + std::to_string(density) + "_seed" +
           std::to_string(seed) + "_id" + std::to_string(graph_id) +
           (weights == EdgeWeights::PlusMinus ? "_pm1" : weights == EdgeWeights::Int10 ? "_int10" : "");
  g.n = n;
  const TrialKey key{seed, graph_id};
  std::uint32_t p = 0;
  Philox4 r{};
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j, ++p) {
      if (p % 2 == 0) r = draw_block(key, Stream::RandomGraph, p / 2, 0);
      const double u = p % 2 == 0 ? uniform_open(r.v[0], r.v[1]) : uniform_open(r.v[2], r.v[3]);
      if (u < density) g.edges.push_back(Edge{i, j, 1.0});
    }
  }
  if (weights != EdgeWeights::Unit) {
    // one draw per edge in edge order, from the pair blocks' second counter
    for (std::size_t e = 0; e < g.edges.size(); ++e) {
      const Philox4 b = draw_block(key, Stream::RandomGraph, static_cast<std::uint32_t>(e), 1);
      const double u = uniform_open(b.v[0], b.v[1]);
      g.edges[e].w = weights == EdgeWeights::PlusMinus ? (u < 0.5 ? -1.0 : 1.0)
                                                       : std::floor(u * 21.0) - 10.0;
    }
  }
  return g;
}

std::string content_hash(const Graph& g) {
  std::vector<Edge> e = g.edges;
  std::sort(e.begin(), e.end(), [](const Edge& a, const Edge& b) { return a.i != b.i ? a.i < b.i : a.j < b.j; });
  std::uint64_t h = 1469598103934665603ull;
  auto eat = [&h](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  eat(std::to_string(g.n) + "\n");
  char buf[96];
  for (const Edge& x : e) {
    std::snprintf(buf, sizeof buf, "%d %d %.17g\n", x.i, x.j, x.w);
    eat(buf);
  }
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

double cut_value(const Graph& g, const std::vector<std::uint8_t>& side) {
  if (side.size() != static_cast<std::size_t>(g.n)) {
    throw ParameterError("cut of graph '" + g.name + "': partition has " + std::to_string(side.size()) +
                         " sides for " + std::to_string(g.n) + " nodes");
  }
  check_edges(g);
  double cut = 0;
  for (const Edge& e : g.edges) {
    if ((side[e.i] != 0) != (side[e.j] != 0)) cut += e.w;
  }
  return cut;
}

MaxCut exact_maxcut(const Graph& g) {
  if (g.n < 1 || g.n > kMaxExactNodes) {
    throw ParameterError("exact max-cut of graph '" + g.name + "': n = " + std::to_string(g.n) +
                         " must be in [1, " + std::to_string(kMaxExactNodes) + "]");
  }
  check_edges(g);
  const std::uint64_t best = uniform_simple(g) ? search_uniform(g) : search_weighted(g);
  MaxCut r;
  r.side.resize(g.n);
  for (int k = 0; k < g.n; ++k) r.side[k] = (best >> k) & 1;
  r.value = cut_value(g, r.side);  // recomputed: the running sum may carry rounding from real weights
  return r;
}

double half_approximation(const Graph& g) { return g.total_weight() / 2; }

std::map<std::string, double> read_optima_tsv(const std::string& path) {
  const LineError fail(path);
  const Tsv tsv = read_tsv(path, fail);
  const std::size_t name_col = column(tsv, "instance", fail), value_col = column(tsv, "optimum", fail);
  std::map<std::string, double> optima;
  for (const auto& [line, f] : tsv.rows) {
    check_instance(optima, f[name_col], line, fail);
    double v = 0;
    if (!parse_real(f[value_col], &v)) fail(line, "non-numeric optimum '" + f[value_col] + "'");
    optima[f[name_col]] = v;
  }
  const auto hash_col = std::find(tsv.header.begin(), tsv.header.end(), "content_hash");
  if (hash_col != tsv.header.end()) {
    const std::size_t c = static_cast<std::size_t>(hash_col - tsv.header.begin());
    for (const auto& [line, f] : tsv.rows) {
      if (f[c].empty()) continue;
      if (f[c].size() != 16 || f[c].find_first_not_of("0123456789abcdef") != std::string::npos) {
        fail(line, "content_hash '" + f[c] + "' is not 16 lowercase hex digits");
      }
      optima["#" + f[c]] = optima[f[name_col]];
    }
  }
  return optima;
}

std::map<std::string, std::string> read_solutions_tsv(const std::string& path) {
  const LineError fail(path);
  const Tsv tsv = read_tsv(path, fail);
  const std::size_t name_col = column(tsv, "instance", fail), side_col = column(tsv, "side", fail);
  std::map<std::string, std::string> sides;
  for (const auto& [line, f] : tsv.rows) {
    check_instance(sides, f[name_col], line, fail);
    const std::string& s = f[side_col];
    if (s.empty() || s.find_first_not_of("01") != std::string::npos) {
      fail(line, "side string must be made of 0 and 1, got '" + s + "'");
    }
    sides[f[name_col]] = s;
  }
  return sides;
}

}  // namespace spinhop
