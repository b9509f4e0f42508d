// What the physics of one trial produced, before any task-specific scoring.
#pragma once

#include <cstdint>
#include <vector>

namespace spinhop {

struct NetworkOutcome {
  double t_solution = 0;  // loading start to convergence; t_max if not converged [s]
  double t_switch = 0;    // when the inputs were switched off [s]
  double energy = 0;      // source energy from loading start to t_solution [J]
  long long steps = 0;    // integrator steps taken
  int converged = 0;      // 1 if every wall stopped before t_max
  int undecided = 0;      // somas read neither 0 nor 1
};

// The outcomes of a batch of consecutive trials of one sweep point.
struct BatchOutcome {
  int n = 0;                 // neurons
  int words = 0;             // 64-bit words per trial for the final state
  std::vector<NetworkOutcome> trials;
  std::vector<std::uint64_t> state;      // [trial][words]: bit j = soma j read as 1
  std::vector<std::uint64_t> undecided;  // [trial][words]: bit j = soma j undecided

  void resize(int neurons, std::size_t count) {
    n = neurons;
    words = (neurons + 63) / 64;
    trials.assign(count, NetworkOutcome{});
    state.assign(count * static_cast<std::size_t>(words), 0);
    undecided.assign(count * static_cast<std::size_t>(words), 0);
  }
  bool bit(std::size_t t, int j) const {
    return (state[t * words + static_cast<std::size_t>(j >> 6)] >> (j & 63)) & 1u;
  }
  bool is_undecided(std::size_t t, int j) const {
    return (undecided[t * words + static_cast<std::size_t>(j >> 6)] >> (j & 63)) & 1u;
  }
};

}  // namespace spinhop
