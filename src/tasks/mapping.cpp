// Problem -> synapse voltages (docs/model.md, "Mappings").
//
// Why a bias neuron: dendrite j settles at V_j = sum_i G_ij W_ij / S_j, a conductance-weighted
// mean of its synapse voltages, with G_ij = G_AP for an OFF axon and G_P for an ON one. Written
// with spins s_i = +-1 the numerator is (G_P - G_AP)/2 sum_i W_ij s_i + (G_P + G_AP)/2 sum_i W_ij:
// the network adds an offset proportional to the row sum of W to every field. The paper's mapping
// lives with it (dense unit graphs make it small); any other graph is pushed to one side. A neuron
// held ON (its dendrite sees only +W, so it fires and stays) has one synapse onto every dendrite
// whose voltage cancels that offset, the soma leak's pull towards ON, and adds the fields h.
#include "spinhop/mapping.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "spinhop/errors.hpp"

namespace spinhop {

double IsingProblem::energy(const std::vector<std::uint8_t>& bits) const {
  double e = offset;
  for (const Edge& c : couplings) {
    const double si = bits[static_cast<std::size_t>(c.i)] ? 1.0 : -1.0;
    const double sj = bits[static_cast<std::size_t>(c.j)] ? 1.0 : -1.0;
    e -= c.w * si * sj;
  }
  for (std::size_t i = 0; i < fields.size(); ++i) e -= fields[i] * (bits[i] ? 1.0 : -1.0);
  return e;
}

bool IsingProblem::has_fields() const {
  return std::any_of(fields.begin(), fields.end(), [](double h) { return h != 0.0; });
}

IsingProblem graph_as_ising(const Graph& g) {
  IsingProblem p;
  p.name = g.name;
  p.n = g.n;
  p.couplings.reserve(g.edges.size());
  for (const Edge& e : g.edges) p.couplings.push_back(Edge{e.i, e.j, -0.5 * e.w});
  p.offset = -0.5 * g.total_weight();
  return p;
}

Mapping parse_mapping(const std::string& s) {
  if (s == "paper") return Mapping::Paper;
  if (s == "balanced") return Mapping::Balanced;
  if (s == "ising") return Mapping::Ising;
  throw ParameterError("invalid --mapping '" + s + "': must be ising, balanced or paper");
}

const char* to_string(Mapping m) {
  switch (m) {
    case Mapping::Paper: return "paper";
    case Mapping::Balanced: return "balanced";
    default: return "ising";
  }
}

StartState parse_start(const std::string& s, Mapping m) {
  if (s == "off") return StartState::Off;
  if (s == "random") return StartState::Random;
  if (s == "spectral") return StartState::Spectral;
  if (s == "auto") return m == Mapping::Ising ? StartState::Spectral : StartState::Off;
  throw ParameterError("invalid --start '" + s + "': must be auto, off, random or spectral");
}

const char* to_string(StartState s) {
  switch (s) {
    case StartState::Random: return "random";
    case StartState::Spectral: return "spectral";
    default: return "off";
  }
}

double field_quantum(const IsingProblem& p, bool* exact) {
  if (exact != nullptr) *exact = true;
  // fields are sums of +-J and +-h: with every 2|J| and 2|h| a whole multiple of 1/10^d
  // (d <= 6: decimal inputs), they are multiples of gcd / (2 10^d); otherwise no quantum is
  // known and a millionth of the smallest |J| or |h| stands in (a tie break that small cannot
  // outweigh a real field, and still settles an exact zero)
  std::vector<double> v;
  for (const Edge& c : p.couplings) v.push_back(std::fabs(c.w));
  for (double h : p.fields) v.push_back(std::fabs(h));
  double smallest = 0.0;
  for (double x : v) {
    if (x != 0.0 && (smallest == 0.0 || x < smallest)) smallest = x;
  }
  if (smallest == 0.0) return 1.0;
  double scale = 1.0;
  for (int d = 0; d <= 6; ++d, scale *= 10.0) {
    long long g = 0;
    bool whole = true;
    for (double x : v) {
      if (x == 0.0) continue;
      const double t = 2.0 * x * scale;
      if (!(t < 1e15) || std::fabs(t - std::round(t)) > 1e-9 * t) {
        whole = false;
        break;
      }
      g = std::gcd(g, static_cast<long long>(std::llround(t)));
    }
    if (whole && g > 0) return static_cast<double>(g) / (2.0 * scale);
  }
  if (exact != nullptr) *exact = false;
  return 1e-6 * smallest;
}

double edge_density(const Graph& g) {
  const double pairs = 0.5 * g.n * (g.n - 1.0);
  return pairs > 0 ? static_cast<double>(g.edges.size()) / pairs : 0.0;
}

MappedNetwork map_ising(const IsingProblem& p, const ModelParams& m, double tie_break, int bias_neurons) {
  if (bias_neurons < 1) throw ParameterError("the Ising mapping needs at least one bias neuron");
  const int n = p.n;
  const int nb = bias_neurons;
  const int nd = n + nb;
  MappedNetwork net;
  net.neurons = nd;
  net.bias = n;
  double jmax = 0.0;
  for (const Edge& c : p.couplings) jmax = std::max(jmax, std::fabs(c.w));
  for (double h : p.fields) jmax = std::max(jmax, std::fabs(h));
  net.scale = jmax > 0.0 ? m.w / jmax : m.w;
  net.w.assign(static_cast<std::size_t>(nd) * nd, 0.0);
  auto at = [&](int i, int j) -> double& { return net.w[static_cast<std::size_t>(i) * nd + j]; };
  // the soma leak amounts to a dendrite voltage v_leak; subtracting it from every synapse of the
  // problem takes sum_i G_i v_leak off the numerator whatever the axons' states, the bias
  // synapse takes the rest, (1/R_M + G_P) v_leak: the leak is cancelled exactly for every state
  const double v_leak = m.leak_soma * m.r_m / m.k();  // [V]
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i != j) at(i, j) = -v_leak;
    }
  }
  std::vector<double> row_sum(static_cast<std::size_t>(n), 0.0);
  for (const Edge& c : p.couplings) {
    if (c.i == c.j) continue;
    const double v = net.scale * c.w;
    at(c.i, c.j) += v;
    at(c.j, c.i) += v;
    row_sum[static_cast<std::size_t>(c.i)] += v;
    row_sum[static_cast<std::size_t>(c.j)] += v;
  }
  const double g_p = 1.0 / m.r_p, g_ap = 1.0 / m.r_ap;
  const double g_mean = 0.5 * (g_p + g_ap), g_half = 0.5 * (g_p - g_ap);
  // a zero field (a node whose neighbours' weights balance) would leave its soma still or
  // creeping: a push towards ON of a fraction of the field quantum settles it, graded with the node index so that two nodes of equal field (an isolated edge)
  // do not move in step and oscillate
  bool quantised = true;
  const double quantum = net.scale * field_quantum(p, &quantised);
  // soma j moves at (k / R_M) g_half c (sum_i J_ij s_i + h_j + t_j) / S_j, S_j the dendrite's
  // conductance to its sources and ground, at most 1/R_M + nd G_P. Fields are multiples of q, so
  // the weakest |field + t_j| is the tie break of node 0 (t q) or a field of -q against the
  // largest tie break (q (1 - t (2 - 1/n))), whichever is less; the quantum itself without a tie
  // break. No quantum known (irrational weights), or a tie break that can cancel a field: no
  // bound (0), the fixed defaults.
  const double t = tie_break;
  const double weakest = t > 0.0 ? quantum * std::min(t, 1.0 - t * (2.0 - 1.0 / n)) : quantum;
  net.decision_speed = quantised && weakest > 0.0
                           ? m.k() / m.r_m * g_half * weakest / (1.0 / m.r_m + nd * g_p)
                           : 0.0;
  net.ideal_fields.assign(static_cast<std::size_t>(n), 0.0);
  for (int j = 0; j < n; ++j) {
    const double h = p.fields.empty() ? 0.0 : net.scale * p.fields[static_cast<std::size_t>(j)];
    const double tie = tie_break * quantum * (1.0 + static_cast<double>(j) / n);
    net.ideal_fields[static_cast<std::size_t>(j)] = h;
    const double b = (g_half * (h + tie) - g_mean * row_sum[static_cast<std::size_t>(j)] -
                      v_leak * (1.0 / m.r_m + nb * g_p)) / g_p;
    for (int k = n; k < nd; ++k) {
      at(k, j) = b / nb;
      at(j, k) = m.w;  // a bias neuron's dendrite sees +W only: it stays ON
    }
  }
  return net;
}

MappedNetwork map_graph(const Graph& g, Mapping mapping, double edge_factor, const ModelParams& m,
                        double tie_break, int bias_neurons) {
  if (mapping == Mapping::Ising) return map_ising(graph_as_ising(g), m, tie_break, bias_neurons);
  const int n = g.n;
  MappedNetwork net;
  net.neurons = n;
  net.scale = m.w;
  double factor = edge_factor;
  if (mapping == Mapping::Balanced) {
    // as much synapse voltage on a node's edges as on its non-edges, on average
    const double p = edge_density(g);
    if (p > 0.0) factor *= (1.0 - p) / p;
  }
  net.w.assign(static_cast<std::size_t>(n) * n, m.w);
  for (int j = 0; j < n; ++j) net.w[static_cast<std::size_t>(j) * n + j] = 0.0;
  for (const Edge& e : g.edges) {
    const double v = -factor * m.w * e.w;
    net.w[static_cast<std::size_t>(e.i) * n + e.j] = v;
    net.w[static_cast<std::size_t>(e.j) * n + e.i] = v;
  }
  net.ideal_fields.assign(static_cast<std::size_t>(n), 0.0);
  return net;
}

}  // namespace spinhop
