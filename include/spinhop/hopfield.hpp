// The ideal discrete Hopfield network (the paper's eq. 1-2) that the device network implements,
// run on the same weights and input as a trial: the baseline every trial is compared with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spinhop/physics/rng.hpp"

namespace spinhop {

// Neuron states of the ideal network. PlusMinus: s in {-1, +1}, the standard Hopfield network
// Hebbian weights are made for. ZeroOne: s in {0, 1}, eq. 1-2 read literally (O_ij = S_i W_ij,
// threshold 0); from the all-OFF start of max-cut it never moves.
enum class HopfieldStates { PlusMinus, ZeroOne };

struct HopfieldResult {
  std::vector<std::uint8_t> state;  // final bits (1 = ON)
  int sweeps = 0;                   // sweeps until one changed nothing
  bool converged = false;           // a full sweep changed nothing within max_sweeps
};

// Asynchronous updates, each sweep in a fresh random order (Philox stream HopfieldOrder keyed by
// the trial), threshold 0, a zero field keeps the state, until a sweep changes nothing.
// w[i*n + j] is the weight onto neuron j from neuron i (the device layout); w[j*n + j] unused.
// fields: a constant added to each neuron's field (empty: none).
HopfieldResult run_hopfield(int n, const std::vector<double>& w,
                            const std::vector<std::uint8_t>& input, HopfieldStates states,
                            const TrialKey& key, int max_sweeps = 1000,
                            const std::vector<double>& fields = {});

const char* to_string(HopfieldStates s);
HopfieldStates parse_hopfield_states(const std::string& s);

}  // namespace spinhop
