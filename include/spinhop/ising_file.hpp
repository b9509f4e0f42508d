// Ising and QUBO problems from files (docs/ising.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spinhop/graph.hpp"
#include "spinhop/mapping.hpp"

namespace spinhop {

// Spins per problem: the network's size limit less the field node and the bias neuron.
constexpr int kMaxIsingSpins = 4094;
// Largest coefficient magnitude accepted (sums of up to 4094^2 of them stay finite).
constexpr double kMaxCoefficient = 1e12;

// Reads a problem. `couplings`: sparse text ("n [m]" header, then "i j value" lines, 1-based;
// i == j is a field h_i, or a QUBO's linear term), a dense .npy or a dense .csv matrix (Ising:
// symmetric or upper-triangular, the diagonal holds fields; QUBO: f(x) = x^T Q x for any Q).
// `fields` (Ising only, optional): n values, text or a 1-d .npy. A QUBO (minimise f over
// x in {0,1}^n, x_i = 1 for spin +1) is converted to Ising with its offset:
// E(s) = f(x) for every state. InputError naming the file (and line) on anything malformed.
IsingProblem read_ising(const std::string& couplings, const std::string& fields, bool qubo);

// A dense square matrix, row-major, from .npy or .csv / whitespace text (as for couplings);
// *n its size. InputError when it is not square or malformed.
std::vector<double> read_square_matrix(const std::string& path, int* n);

// Rows of bits, one per line as '0'/'1' characters ('#' comments, blank lines skipped), all of
// one length (*n); `what` names them in errors ("pattern", "input"). At most max_rows.
std::vector<std::vector<std::uint8_t>> read_bit_rows(const std::string& path, const char* what,
                                                     std::size_t max_rows, int* n);

// The max-cut of an equivalent graph: w_ij = -2 J_ij, and with fields one more node (the last)
// with w_{i,field} = -2 h_i. E(s) = *energy_of_zero_cut - cut, where spin i is +1 when node i
// is on the field node's side (any side without fields: E is symmetric then).
Graph ising_as_graph(const IsingProblem& p, double* energy_of_zero_cut);

}  // namespace spinhop
