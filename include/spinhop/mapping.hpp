// How a problem becomes synapse voltages (docs/model.md, "Mappings"): a graph's max-cut or a
// general Ising problem (couplings J, fields h) onto the device network.
#pragma once

#include <string>
#include <vector>

#include "spinhop/graph.hpp"
#include "spinhop/model.hpp"

namespace spinhop {

// An Ising problem over spins s in {-1, +1}:
//   E(s) = offset - sum_{i<j} J_ij s_i s_j - sum_i h_i s_i     (dimensionless)
struct IsingProblem {
  std::string name;
  int n = 0;
  std::vector<Edge> couplings;  // J_ij for i < j (Edge::w holds J)
  std::vector<double> fields;   // [n] h_i, empty = all zero
  double offset = 0.0;          // constant term (a QUBO's conversion constant)

  double energy(const std::vector<std::uint8_t>& bits) const;  // bit 1 = s +1
  bool has_fields() const;
};

// Max-cut as Ising: J_ij = -w_ij / 2, h = 0, offset = -(sum w) / 2, so that E = -cut.
IsingProblem graph_as_ising(const Graph& g);

enum class Mapping {
  Paper,     // the paper's: W_ij = +W for a non-edge, -edge_factor W w for an edge, no bias
  Balanced,  // the paper's with the edge factor scaled by (1 - p)/p for edge density p
  Ising,     // W_ij = c J_ij (0 for a non-edge) plus an always-ON bias neuron that cancels
             // the conductance offset and the soma leak and carries the fields h
};
Mapping parse_mapping(const std::string& s);  // ParameterError if unknown
const char* to_string(Mapping m);

struct MappedNetwork {
  int neurons = 0;        // neurons of the device network (the problem's, plus the bias neuron)
  int bias = -1;          // the first bias neuron (they are the last neurons, loaded ON), -1 without
  double scale = 0.0;     // synapse volts per unit coupling (Ising mapping) [V]
  std::vector<double> w;  // [neurons^2] nominal synapse voltage onto j from i at i*neurons + j [V]
  std::vector<double> ideal_fields;  // [n] the field of the ideal network in the same volts [V]
  // Ising mapping: a lower bound on the nominal speed of any soma that has a decision to make
  // (the weakest field over the dendrite's largest conductance; the automatic time limits)
  // [m/s]; 0 where no bound is known (the paper's and the balanced mapping, weights without a
  // decimal quantum, a tie break of 1/2 or more).
  double decision_speed = 0.0;
};

// The Ising mapping: W_ij = c J_ij - v_L for every pair (0 - v_L without a coupling), c = W / max|J|
// (the strongest coupling or field gets W), v_L = v_soma R_M / k the dendrite voltage the soma
// leak amounts to; the bias neuron's synapse onto j,
//   b_j = [ (G_P - G_AP)/2 c (h_j + t_j) - (G_P + G_AP)/2 sum_i c J_ij - v_L (1/R_M + G_P) ] / G_P,
// makes the sign of soma j's velocity that of sum_i J_ij s_i + h_j + t_j for every state, ON
// axons at 1/R_P and OFF ones at 1/R_AP (nominal devices). The tie break t_j =
// tie_break (1 + j/n) q, q = field_quantum(p), settles a zero field ON, and two nodes of equal
// field do not move in step.
constexpr double kDefaultTieBreak = 0.25;
// Four bias neurons: a quarter of the bias power, and each bias voltage the mean of four
// independent sources and conductances (docs/validation.md, Mappings).
constexpr int kDefaultBiasNeurons = 4;
// With bias_neurons = m > 1, m bias neurons share b_j equally (each b_j / m, the leak term with
// m G_P): 1/m of the bias synapses' power at m N more devices.
MappedNetwork map_ising(const IsingProblem& p, const ModelParams& m, double tie_break = kDefaultTieBreak,
                        int bias_neurons = kDefaultBiasNeurons);

// A graph under any mapping (Ising: through graph_as_ising).
MappedNetwork map_graph(const Graph& g, Mapping mapping, double edge_factor, const ModelParams& m,
                        double tie_break = kDefaultTieBreak, int bias_neurons = kDefaultBiasNeurons);

// The step between field values: gcd(2 |J| 10^d, 2 |h| 10^d) / (2 10^d) for the smallest
// d <= 6 that makes those whole numbers, else 1e-6 x the smallest nonzero |J| or |h| (1 without
// couplings); *exact (when given) says whether the quantum is the fields' true step.
double field_quantum(const IsingProblem& p, bool* exact = nullptr);

// The bits loaded into the problem's somas before a max-cut / Ising trial relaxes.
enum class StartState {
  Off,       // every soma OFF (the paper's protocol)
  Random,    // random bits, one draw per trial
  Spectral,  // the spectral start, then randomised spectral roundings (MaxCutTask)
};
// "off", "random", "spectral", or "auto": spectral under the Ising mapping, off under the
// paper's and the balanced one (their protocol). ParameterError if unknown.
StartState parse_start(const std::string& s, Mapping m);
const char* to_string(StartState s);

// The two leading eigenpairs of J on each connected component (fields as couplings to one more
// spin held +1, index n): Lanczos (at most 200 steps) from a fixed vector, a pure function of the
// problem. Isolated spins belong to no part.
struct SpectralPart {
  std::vector<int> spins;      // the component's spins (n = the field spin), ascending
  std::vector<double> u1, u2;  // unit eigenvectors of the largest and second-largest eigenvalue
  double l1 = 0.0, l2 = 0.0;   // their eigenvalues
};
struct SpectralEmbedding {
  int n = 0;                   // the problem's spins
  bool field_spin = false;     // whether spin n (the fields) exists
  std::vector<SpectralPart> parts;
};
SpectralEmbedding spectral_embedding(const IsingProblem& p);

// Part k rounded at angles[k] [rad] (0 where angles is shorter): the signs of the direction at
// that angle in the plane of u1 and u2, each scaled by the square root of its positive
// eigenvalue (angle 0: the signs of u1 itself); bit 1 = s +1. Each part's overall sign puts the
// field spin at +1 (unless its component is below 1e-9 of the largest), else its largest
// component positive; components below 1e-9 of the largest, and isolated spins, are OFF.
std::vector<std::uint8_t> spectral_rounding(const SpectralEmbedding& e, const std::vector<double>& angles);

// The spectral start: the signs of the leading eigenvector of J on every component, the
// rounding of the energy's continuous relaxation (every angle 0). All OFF without couplings.
std::vector<std::uint8_t> spectral_start(const IsingProblem& p);

// The angles of rounding q of a problem: all 0 for q = 0, else pseudo-random in [0, 2 pi),
// keyed by (seed, problem index, q, part).
std::vector<double> spectral_angles(const SpectralEmbedding& e, std::uint64_t seed, std::uint64_t problem,
                                    std::uint64_t rounding);

// Edge density of a simple graph: edges / (n (n - 1) / 2).
double edge_density(const Graph& g);

}  // namespace spinhop
