// A reference cut for graphs too large for the exhaustive search and without a known optimum:
// multi-start tabu search over single-node flips (the standard local search for max-cut), with
// a fixed seed so that every run of a graph gets the same reference.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "spinhop/errors.hpp"
#include "spinhop/graph.hpp"

namespace spinhop {

namespace {

// splitmix64: a portable, seeded integer sequence (the reference must not depend on the
// standard library's distributions)
struct SplitMix {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
};

struct Neighbor {
  int j;
  double w;
};

}  // namespace

MaxCut heuristic_maxcut(const Graph& g, std::uint64_t seed, int restarts) {
  const int n = g.n;
  if (n < 1) throw ParameterError("heuristic max-cut of graph '" + g.name + "': no nodes");
  std::vector<std::vector<Neighbor>> adj(static_cast<std::size_t>(n));
  for (const Edge& e : g.edges) {
    if (e.i == e.j) continue;  // a loop is never cut
    adj[static_cast<std::size_t>(e.i)].push_back({e.j, e.w});
    adj[static_cast<std::size_t>(e.j)].push_back({e.i, e.w});
  }
  SplitMix rng{seed ^ (0x5B1D0B5ull * static_cast<std::uint64_t>(n)) ^ static_cast<std::uint64_t>(g.edges.size())};
  MaxCut best{-std::numeric_limits<double>::infinity(), std::vector<std::uint8_t>(static_cast<std::size_t>(n), 0)};
  const long long iterations = std::max<long long>(2000, 40LL * n);
  std::vector<std::uint8_t> side(static_cast<std::size_t>(n));
  std::vector<double> gain(static_cast<std::size_t>(n));  // cut change if node i flips
  std::vector<long long> tabu_until(static_cast<std::size_t>(n));
  for (int r = 0; r < std::max(restarts, 1); ++r) {
    for (int i = 0; i < n; ++i) side[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(rng.next() & 1);
    double cut = 0;
    for (int i = 0; i < n; ++i) {
      double gi = 0;
      for (const Neighbor& nb : adj[static_cast<std::size_t>(i)]) {
        const bool same = side[static_cast<std::size_t>(i)] == side[static_cast<std::size_t>(nb.j)];
        gi += same ? nb.w : -nb.w;
        if (!same && i < nb.j) cut += nb.w;
      }
      gain[static_cast<std::size_t>(i)] = gi;
    }
    std::fill(tabu_until.begin(), tabu_until.end(), -1);
    double run_best = cut;
    std::vector<std::uint8_t> run_side = side;
    const int tenure = std::max(1, n / 10);
    for (long long it = 0; it < iterations; ++it) {
      // the best move that is not tabu, or a tabu one that beats the run's best (aspiration)
      int pick = -1;
      double pick_gain = -std::numeric_limits<double>::infinity();
      for (int i = 0; i < n; ++i) {
        const double gi = gain[static_cast<std::size_t>(i)];
        const bool allowed = tabu_until[static_cast<std::size_t>(i)] < it || cut + gi > run_best + 1e-12;
        if (allowed && gi > pick_gain) {
          pick_gain = gi;
          pick = i;
        }
      }
      if (pick < 0) break;
      const std::size_t p = static_cast<std::size_t>(pick);
      cut += pick_gain;
      gain[p] = -gain[p];
      for (const Neighbor& nb : adj[p]) {
        const bool was_same = side[p] == side[static_cast<std::size_t>(nb.j)];
        gain[static_cast<std::size_t>(nb.j)] += was_same ? -2 * nb.w : 2 * nb.w;
      }
      side[p] ^= 1;
      tabu_until[p] = it + tenure + rng.below(std::max(2, tenure));
      if (cut > run_best + 1e-12) {
        run_best = cut;
        run_side = side;
      }
    }
    if (run_best > best.value) {
      best.value = run_best;
      best.side = run_side;
    }
  }
  // the same normal form as the exact search: the last node on side 0
  if (n > 0 && best.side.back() == 1) {
    for (auto& s : best.side) s ^= 1;
  }
  best.value = cut_value(g, best.side);  // recomputed from the partition: no drift of the sums
  return best;
}

}  // namespace spinhop
