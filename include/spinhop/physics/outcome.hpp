// What the physics of one trial produced, before any task-specific scoring.
#pragma once

#include <cstdint>

namespace spinhop {

struct NetworkOutcome {
  double t_solution = 0;  // loading start to convergence; t_max if not converged [s]
  double t_switch = 0;    // when the inputs were switched off [s]
  double energy = 0;      // source energy from loading start to t_solution [J]
  long long steps = 0;    // integrator steps taken
  int converged = 0;      // 1 if every wall stopped before t_max
  int undecided = 0;      // somas read neither 0 nor 1
};

}  // namespace spinhop
