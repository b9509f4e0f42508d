// What the physics of one trial produced, before any task-specific scoring.
#pragma once

#include <cstdint>

#include "spinhop/physics/hd.hpp"

namespace spinhop {

struct NetworkOutcome {
  double t_solution = 0;  // loading start to convergence; t_max if not converged [s]
  double t_switch = 0;    // when the inputs were switched off [s]
  double energy = 0;      // source energy from loading start to t_solution [J]
  long long steps = 0;    // integrator steps taken (accepted)
  long long rejected = 0; // steps rejected by the error control and retried shorter
  int converged = 0;      // 1 if every wall stopped before t_max
  int undecided = 0;      // somas read neither 0 nor 1
};

// The read-out is bit-packed: bit j of word j / 64 is soma j. words_for(n) words per trial.
SPINHOP_HD int words_for(int n) { return (n + 63) / 64; }
SPINHOP_HD int word_of(int j) { return j >> 6; }
SPINHOP_HD std::uint64_t bit_of(int j) { return std::uint64_t{1} << (j & 63); }
SPINHOP_HD bool test_bit(const std::uint64_t* words, int j) { return (words[word_of(j)] & bit_of(j)) != 0; }

}  // namespace spinhop
