// Task construction, variation draws, the ideal Hopfield baseline, experiments and several backends
// behind one (host side; the task runs themselves are in every_backend/tasks.cpp).
#include "spinhop/variation_file.hpp"
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "helpers.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/experiment.hpp"
#include "spinhop/hopfield.hpp"

using namespace spinhop;
using namespace spinhop::test;

TEST(ImagesTask, EveryTrialFlipsExactlyRoundDTimesPixels) {
  ModelParams m;
  for (double d : {0.0, 0.05, 0.125, 0.33, 0.5}) {
    ImagesTask task(paper_letters(), d);
    const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 3, 0);
    for (std::uint64_t t = 0; t < 20; ++t) {
      const TrialCircuit c = rebuild_circuit(spec, t);
      const Image& img = task.images()[t % 3];
      int flipped = 0;
      for (int j = 0; j < 100; ++j) flipped += c.input[j] != img.pixels[j];
      EXPECT_EQ(flipped, static_cast<int>(std::lround(d * 100))) << "d=" << d << " trial " << t;
    }
  }
}

TEST(ImagesTask, DifferentSizesAreRejected) {
  std::vector<Image> v = paper_letters();
  Image small;
  small.name = "small";
  small.width = small.height = 5;
  small.pixels.assign(25, 0);
  v.push_back(small);
  try {
    ImagesTask t(v, 0.1);
    FAIL() << "accepted images of different sizes";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("differ in size"), std::string::npos);
  }
}

TEST(MaxCutTask, WeightedEdgesScaleTheEdgeSynapse) {
  ModelParams m;
  Graph g;
  g.name = "w";
  g.n = 3;
  g.edges = {{0, 1, 2.0}, {1, 2, 0.0}};
  MaxCutTask task({g}, 1.05);
  const TaskSpec t = task.spec(m);
  EXPECT_DOUBLE_EQ(t.matrices[0 * 3 + 1], -1.05 * 0.1 * 2.0);
  EXPECT_DOUBLE_EQ(t.matrices[1 * 3 + 2], 0.0);  // an edge of weight 0 is still an edge
  EXPECT_DOUBLE_EQ(t.matrices[0 * 3 + 2], 0.1);  // a non-edge gets +W
  EXPECT_DOUBLE_EQ(t.matrices[1 * 3 + 1], 0.0);
}

// The Ising mapping's algebra on nominal devices: for any spin state, every soma's velocity (its
// dendrite voltage over R_M plus the leak, ON axons at 1/R_P, OFF at 1/R_AP) is proportional to
// the problem's field plus the tie break; the field of the ideal network is c h.
TEST(Mapping, IsingBiasNeuronGivesTheFieldsSign) {
  ModelParams m;
  IsingProblem p;
  p.n = 9;
  std::uint64_t x = 12345;
  auto next = [&x]() { x = x * 6364136223846793005ull + 1442695040888963407ull; return (x >> 33) % 21; };
  for (int i = 0; i < p.n; ++i) {
    for (int j = i + 1; j < p.n; ++j) {
      const double v = static_cast<double>(next()) - 10.0;
      if (v != 0.0 && next() < 12) p.couplings.push_back(Edge{i, j, v});
    }
    p.fields.push_back(static_cast<double>(next()) - 10.0);
  }
  EXPECT_DOUBLE_EQ(field_quantum(p), 1.0);  // integer J and h: integer fields
  // the default tie break and one near the largest that keeps every field's sign (0.45: a field
  // of -1 meets a tie break of up to 0.85)
  for (double tb : {kDefaultTieBreak, 0.45}) {
  for (int nb : {1, 3}) {
  SCOPED_TRACE(std::to_string(nb) + " bias neurons, tie break " + std::to_string(tb));
  const MappedNetwork net = map_ising(p, m, tb, nb);
  ASSERT_EQ(net.neurons, 9 + nb);
  ASSERT_EQ(net.bias, 9);
  const int nd = net.neurons;
  double slowest = INFINITY;  // the slowest soma over every state and neuron
  for (int s = 0; s < 512; ++s) {
    std::vector<double> spin(nd, 1.0);
    for (int i = 0; i < p.n; ++i) spin[i] = (s >> i) & 1 ? 1.0 : -1.0;
    for (int j = 0; j < p.n; ++j) {
      double num = 0, den = 1.0 / m.r_m, field = p.fields[j];
      for (int i = 0; i < nd; ++i) {
        if (i == j) continue;
        const double g = spin[i] > 0 ? 1.0 / m.r_p : 1.0 / m.r_ap;
        num += g * net.w[i * nd + j];
        den += g;
      }
      for (const Edge& c : p.couplings) {
        if (c.i == j) field += c.w * spin[c.j];
        if (c.j == j) field += c.w * spin[c.i];
      }
      const double v = m.k() * (num / den) / m.r_m + m.leak_soma;
      if (field != 0.0) EXPECT_EQ(v > 0, field > 0) << "state " << s << " neuron " << j << " field " << field;
      else EXPECT_GT(v, 0.0) << "a zero field settles ON";
      // exactly: the leak cancelled for every state, the offset for nominal devices
      const double tie = tb * 1.0 * (1.0 + static_cast<double>(j) / p.n);
      const double g_half = 0.5 * (1.0 / m.r_p - 1.0 / m.r_ap);
      EXPECT_NEAR(v, m.k() / m.r_m * g_half * net.scale * (field + tie) / den, 1e-9);
      slowest = std::min(slowest, std::fabs(v));
    }
  }
  // decision_speed bounds every soma's speed from below (the automatic time limits rest on it);
  // with the default tie break it is the speed of soma 0's tie break with every axon ON, up to
  // one synapse in nd
  EXPECT_GT(net.decision_speed, 0.0);
  EXPECT_GE(slowest, net.decision_speed);
  if (tb == kDefaultTieBreak) {
    const double g_half = 0.5 * (1.0 / m.r_p - 1.0 / m.r_ap);
    const double tie_all_on = m.k() / m.r_m * g_half * net.scale * kDefaultTieBreak /
                              (1.0 / m.r_m + (nd - 1) / m.r_p);
    EXPECT_LE(net.decision_speed, tie_all_on);
    EXPECT_GT(net.decision_speed, tie_all_on * (1.0 - 1.5 / nd));
  }
  for (int j = 0; j < p.n; ++j) EXPECT_DOUBLE_EQ(net.ideal_fields[j], net.scale * p.fields[j]);
  EXPECT_DOUBLE_EQ(net.scale, m.w / 10.0);  // the strongest coupling or field gets W
  }
  }
  // no bound where none is known: a tie break that can cancel a field, irrational weights
  EXPECT_EQ(map_ising(p, m, 0.6, 4).decision_speed, 0.0);
  IsingProblem irrational = p;
  irrational.couplings[0].w = std::sqrt(2.0);
  EXPECT_EQ(map_ising(irrational, m, kDefaultTieBreak, 4).decision_speed, 0.0);
}

// The spectral start on problems whose leading eigenvector is known: a balanced signed graph (a
// gauge-transformed ferromagnet: w_ij = -sigma_i sigma_j |w_ij|, every positive edge cut by sigma
// and no negative one) has J = D |J| D with D = diag(sigma), so the leading eigenvector is D times
// the Perron vector of |J| and its signs are sigma: the start is the exact maximum cut.
TEST(SpectralStart, FindsTheHiddenPartitionOfABalancedSignedGraph) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    for (double p : {0.08, 0.3, 0.9}) {
      const int n = 150;
      Graph g = random_graph(n, p, seed, 0, EdgeWeights::Int10);
      std::vector<std::uint8_t> sigma(n);
      for (int j = 0; j < n; ++j) sigma[j] = static_cast<std::uint8_t>((j * 7919u + seed * 31u) % 5u < 2u);
      std::vector<Edge> edges;
      for (Edge e : g.edges) {
        e.w = (std::fabs(e.w) + 1.0) * (sigma[e.i] == sigma[e.j] ? -1.0 : 1.0);
        edges.push_back(e);
      }
      // one path through every node keeps the graph connected (a simple Perron vector)
      for (int j = 0; j + 1 < n; ++j) edges.push_back({j, j + 1, sigma[j] == sigma[j + 1] ? -1.0 : 1.0});
      g.edges = edges;
      const std::vector<std::uint8_t> bits = spectral_start(graph_as_ising(g));
      double positive = 0.0;
      for (const Edge& e : g.edges) positive += std::max(e.w, 0.0);
      EXPECT_DOUBLE_EQ(cut_value(g, bits), positive) << "seed " << seed << " p " << p;
      EXPECT_TRUE(bits == sigma || bits[0] != sigma[0]) << "the partition, or its mirror image";
      EXPECT_EQ(bits, spectral_start(graph_as_ising(g))) << "a pure function of the problem";
    }
  }
}

// Every eigenvalue of a small dense symmetric matrix (row-major), by cyclic Jacobi rotations: an
// independent reference for the host's Lanczos + bisection + inverse iteration.
std::vector<double> dense_eigenvalues(std::vector<double> a, int n) {
  for (int sweep = 0; sweep < 60; ++sweep) {
    for (int p = 0; p < n; ++p) {
      for (int q = p + 1; q < n; ++q) {
        const double apq = a[p * n + q];
        if (std::fabs(apq) < 1e-300) continue;
        const double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int r = 0; r < n; ++r) {
          const double rp = a[r * n + p], rq = a[r * n + q];
          a[r * n + p] = c * rp - s * rq;
          a[r * n + q] = s * rp + c * rq;
        }
        for (int r = 0; r < n; ++r) {
          const double pr = a[p * n + r], qr = a[q * n + r];
          a[p * n + r] = c * pr - s * qr;
          a[q * n + r] = s * pr + c * qr;
        }
      }
    }
  }
  std::vector<double> d(n);
  for (int i = 0; i < n; ++i) d[i] = a[i * n + i];
  std::sort(d.begin(), d.end());
  return d;
}

// The embedding holds the two leading eigenpairs of J: the values of a dense reference, unit
// orthogonal vectors with small residuals, each with its largest component positive; also where
// the leading eigenvalue is repeated (the complete graph: J = -(11^T - I)/2 has 1/2 n-1 times).
TEST(SpectralStart, EmbeddingHoldsTheTwoLeadingEigenpairs) {
  std::vector<Graph> graphs;
  for (EdgeWeights w : {EdgeWeights::Unit, EdgeWeights::PlusMinus, EdgeWeights::Int10}) {
    for (double p : {0.1, 0.5}) {
      Graph g = random_graph(40, p, 7, 0, w);
      for (int j = 0; j + 1 < g.n; ++j) {  // connected: one component, one part
        bool have = false;
        for (const Edge& e : g.edges) have |= (e.i == j && e.j == j + 1);
        if (!have) g.edges.push_back({j, j + 1, 1.0});
      }
      graphs.push_back(g);
    }
  }
  Graph complete;
  complete.n = 12;
  for (int i = 0; i < 12; ++i) {
    for (int j = i + 1; j < 12; ++j) complete.edges.push_back({i, j, 1.0});
  }
  graphs.push_back(complete);
  for (const Graph& g : graphs) {
    SCOPED_TRACE(g.name.empty() ? "complete graph" : g.name);
    const IsingProblem p = graph_as_ising(g);
    const int n = p.n;
    std::vector<double> j(static_cast<std::size_t>(n) * n, 0.0);
    double norm = 0.0;
    for (const Edge& c : p.couplings) {
      j[c.i * n + c.j] += c.w;
      j[c.j * n + c.i] += c.w;
      norm = std::max(norm, std::fabs(c.w));
    }
    norm *= n;
    const SpectralEmbedding e = spectral_embedding(p);
    ASSERT_EQ(e.parts.size(), 1u);
    const SpectralPart& part = e.parts[0];
    const std::vector<double> ref = dense_eigenvalues(j, n);
    EXPECT_NEAR(part.l1, ref[n - 1], 1e-10 * norm);
    EXPECT_NEAR(part.l2, ref[n - 2], 1e-10 * norm);
    double u12 = 0.0;
    for (auto [u, l] : {std::pair{&part.u1, part.l1}, std::pair{&part.u2, part.l2}}) {
      double len = 0.0, residual = 0.0, largest = 0.0;
      for (int r = 0; r < n; ++r) {
        double ju = 0.0;
        for (int c = 0; c < n; ++c) ju += j[r * n + c] * (*u)[c];
        residual = std::max(residual, std::fabs(ju - l * (*u)[r]));
        len += (*u)[r] * (*u)[r];
        if (std::fabs((*u)[r]) > std::fabs(largest) + 1e-12) largest = (*u)[r];
      }
      EXPECT_NEAR(len, 1.0, 1e-12);
      EXPECT_LT(residual, 1e-9 * norm);
      EXPECT_GT(largest, 0.0) << "the sign: largest component positive";
    }
    for (int r = 0; r < n; ++r) u12 += part.u1[r] * part.u2[r];
    EXPECT_NEAR(u12, 0.0, 1e-9);
  }
}

// A disconnected problem is rounded component by component: two disjoint even cycles (each
// bipartite) and an isolated node start at the full cut, the isolated node OFF.
TEST(SpectralStart, EveryComponentGetsItsOwnRounding) {
  Graph g;
  g.n = 15;
  for (int j = 0; j < 8; ++j) g.edges.push_back({std::min(j, (j + 1) % 8), std::max(j, (j + 1) % 8), 1.0});
  for (int j = 0; j < 6; ++j) g.edges.push_back({8 + std::min(j, (j + 1) % 6), 8 + std::max(j, (j + 1) % 6), 2.0});
  const std::vector<std::uint8_t> bits = spectral_start(graph_as_ising(g));
  EXPECT_DOUBLE_EQ(cut_value(g, bits), g.total_weight());
  EXPECT_EQ(bits[14], 0);
  EXPECT_EQ(spectral_embedding(graph_as_ising(g)).parts.size(), 2u);
}

// Fields ride on one more spin held +1: a ferromagnet in a positive field starts all +1, in a
// negative one all -1; without couplings the start is all OFF.
TEST(SpectralStart, FieldsFixTheOverallSign) {
  for (double h : {0.3, -0.3}) {
    IsingProblem p;
    p.n = 40;
    for (int j = 0; j + 1 < p.n; ++j) p.couplings.push_back({j, j + 1, 1.0});
    for (int j = 0; j + 5 < p.n; j += 3) p.couplings.push_back({j, j + 5, 0.5});
    p.fields.assign(p.n, h);
    const std::vector<std::uint8_t> bits = spectral_start(p);
    for (int j = 0; j < p.n; ++j) EXPECT_EQ(bits[j], h > 0 ? 1 : 0) << "h " << h << " spin " << j;
  }
  IsingProblem empty;
  empty.n = 5;
  EXPECT_EQ(spectral_start(empty), std::vector<std::uint8_t>(5, 0));
  EXPECT_EQ(parse_start("auto", Mapping::Ising), StartState::Spectral);
  EXPECT_EQ(parse_start("auto", Mapping::Paper), StartState::Off);
  EXPECT_EQ(parse_start("auto", Mapping::Balanced), StartState::Off);
  EXPECT_EQ(parse_start("random", Mapping::Ising), StartState::Random);
  EXPECT_THROW(parse_start("eigen", Mapping::Ising), ParameterError);
}

// The task loads each graph's own spectral start on its first trial, other roundings of the same
// embedding on later ones (keyed by the seed: the same trial loads the same bits again), and the
// bias neurons ON.
TEST(SpectralStart, EveryTrialLoadsARoundingOfItsGraph) {
  ModelParams m;
  std::vector<Graph> graphs;
  for (int g = 0; g < 3; ++g) graphs.push_back(random_graph(30, 0.2, 9, g, EdgeWeights::PlusMinus));
  MaxCutTask task(graphs, 1.05, {}, kExactMaxCutNodes, Mapping::Ising, StartState::Spectral,
                  kDefaultTieBreak, kDefaultBiasNeurons, 77);
  ASSERT_EQ(task.roundings(), 64);
  const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 1, 0);
  std::set<std::vector<std::uint8_t>> distinct;
  for (std::uint64_t t = 0; t < 3 * 70; ++t) {
    const TrialCircuit c = rebuild_circuit(spec, t);
    const std::uint64_t g = t % 3, q = (t / 3) % 64;
    const SpectralEmbedding e = spectral_embedding(graph_as_ising(graphs[g]));
    const std::vector<std::uint8_t> bits =
        q == 0 ? spectral_start(graph_as_ising(graphs[g])) : spectral_rounding(e, spectral_angles(e, 77, g, q));
    std::vector<std::uint8_t> loaded(30);
    for (int j = 0; j < 30; ++j) loaded[j] = c.input[j] ? 1 : 0;
    EXPECT_EQ(loaded, bits) << "trial " << t;
    for (int j = 30; j < task.neurons(); ++j) EXPECT_TRUE(c.input[j]) << "bias neuron " << j;
    if (g == 0) distinct.insert(loaded);
  }
  EXPECT_GT(distinct.size(), 5u) << "the roundings of one graph differ";
  const SpectralEmbedding e = spectral_embedding(graph_as_ising(graphs[1]));
  ASSERT_FALSE(e.parts.empty());
  EXPECT_EQ(spectral_angles(e, 77, 1, 0), std::vector<double>(e.parts.size(), 0.0));
  EXPECT_NE(spectral_angles(e, 77, 1, 5), spectral_angles(e, 78, 1, 5));
}

TEST(Mapping, MaxCutAsIsingEnergyIsMinusTheCut) {
  const Graph g = random_graph(12, 0.4, 3, 1, EdgeWeights::Int10);
  const IsingProblem p = graph_as_ising(g);
  for (int s = 0; s < 4096; s += 37) {
    std::vector<std::uint8_t> side(12);
    for (int j = 0; j < 12; ++j) side[j] = (s >> j) & 1;
    EXPECT_DOUBLE_EQ(p.energy(side), -cut_value(g, side));
  }
  Graph unit = random_graph(12, 0.4, 3, 1);
  EXPECT_DOUBLE_EQ(field_quantum(graph_as_ising(unit)), 0.5);  // J = -1/2: fields in steps of 1/2
  IsingProblem real;
  real.n = 2;
  real.couplings = {{0, 1, 0.3}};
  EXPECT_DOUBLE_EQ(field_quantum(real), 0.3);
  IsingProblem decimal;  // fields of 1 and 1.1 differ by 0.1
  decimal.n = 3;
  decimal.couplings = {{0, 1, 1.0}, {0, 2, 1.1}};
  EXPECT_NEAR(field_quantum(decimal), 0.1, 1e-15);
  IsingProblem irrational;  // no common step: a tie break far below any field
  irrational.n = 3;
  irrational.couplings = {{0, 1, 1.0}, {0, 2, std::sqrt(2.0)}};
  EXPECT_DOUBLE_EQ(field_quantum(irrational), 1e-6);
  EXPECT_THROW(map_ising(irrational, ModelParams{}, kDefaultTieBreak, 0), ParameterError);
  EXPECT_THROW(parse_mapping("spectral"), ParameterError);
  EXPECT_EQ(parse_mapping("paper"), Mapping::Paper);
}

// Random edge weights: the edges do not depend on the weight family, the weights are in range.
TEST(MaxCutTask, RandomGraphWeightFamilies) {
  const Graph u = random_graph(40, 0.3, 9, 2), pm = random_graph(40, 0.3, 9, 2, EdgeWeights::PlusMinus),
              in = random_graph(40, 0.3, 9, 2, EdgeWeights::Int10);
  ASSERT_EQ(u.edges.size(), pm.edges.size());
  ASSERT_EQ(u.edges.size(), in.edges.size());
  int neg = 0, zero = 0;
  std::set<double> values;
  for (std::size_t e = 0; e < u.edges.size(); ++e) {
    EXPECT_EQ(u.edges[e].i, pm.edges[e].i);
    EXPECT_EQ(u.edges[e].j, in.edges[e].j);
    EXPECT_EQ(std::fabs(pm.edges[e].w), 1.0);
    neg += pm.edges[e].w < 0;
    EXPECT_EQ(in.edges[e].w, std::round(in.edges[e].w));
    EXPECT_LE(std::fabs(in.edges[e].w), 10.0);
    zero += in.edges[e].w == 0.0;
    values.insert(in.edges[e].w);
  }
  const double edges = static_cast<double>(u.edges.size());
  EXPECT_NEAR(neg / edges, 0.5, 0.1);
  EXPECT_GE(values.size(), 19u);  // nearly all of -10..10 appear in ~230 draws
  EXPECT_LT(zero / edges, 0.15);
  EXPECT_THROW(parse_edge_weights("gauss"), ParameterError);
}

// sigma 0 is nominal (tested in Recall.PerDevicePathWithZeroSigmaEqualsNominal); sigma > 0 gives
// every device of every trial its own draw with the requested mean and spread, reproducibly.
TEST(Variation, DrawsHaveTheRequestedStatisticsAndAreReproducible) {
  ModelParams m;
  VariationSigmas s;
  s.r_p = 0.05;
  s.r_ap = 0.1;
  s.r_m = 0.02;
  s.area = 0.08;
  s.leak = 0.15;
  const PhysicalDevice nom = m.physical_axon();
  std::vector<double> rp, rap, rm, area, leak;
  std::set<double> distinct;
  for (std::uint64_t trial = 0; trial < 40; ++trial) {
    for (std::uint32_t d = 0; d < 500; ++d) {
      const PhysicalDevice p = vary_device(nom, s, TrialKey{11, trial}, d);
      rp.push_back(p.r_p);
      rap.push_back(p.r_ap);
      rm.push_back(p.r_m);
      area.push_back(p.area);
      leak.push_back(p.leak);
      distinct.insert(p.r_p);
      EXPECT_EQ(p.length, nom.length);  // sigma 0 for the length: nominal
    }
  }
  EXPECT_EQ(distinct.size(), rp.size()) << "every device of every trial draws its own value";
  auto check = [](const std::vector<double>& v, double nominal, double sigma, const char* what) {
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    const double sd = std::sqrt(ss / (v.size() - 1));
    const double se = sigma * std::fabs(nominal) / std::sqrt(static_cast<double>(v.size()));
    EXPECT_NEAR(mean, nominal, 5 * se) << what;
    EXPECT_NEAR(sd / std::fabs(nominal), sigma, 5 * sigma / std::sqrt(2.0 * v.size())) << what;
  };
  check(rp, nom.r_p, 0.05, "R_P");
  check(rap, nom.r_ap, 0.1, "R_AP");
  check(rm, nom.r_m, 0.02, "R_M");
  check(area, nom.area, 0.08, "A");
  check(leak, nom.leak, 0.15, "leak");
  const PhysicalDevice again = vary_device(nom, s, TrialKey{11, 3}, 77);
  EXPECT_EQ(again.r_p, rp[3 * 500 + 77]);
}

// A global fraction g splits each sigma^2 into a per-trial part shared by every device
// (variance g sigma^2 between trial means) and the devices' own part ((1 - g) sigma^2 inside a
// trial); g = 1 gives every device of a trial the same value, and the sources follow too.
TEST(Variation, GlobalFractionSplitsDieToDieFromDeviceToDevice) {
  ModelParams m;
  const PhysicalDevice nom = m.physical_axon();
  for (double g : {0.0, 0.5, 1.0}) {
    SCOPED_TRACE("global fraction " + std::to_string(g));
    VariationSigmas s;
    s.r_p = 0.1;
    s.global_fraction = g;
    std::vector<double> means;
    double within = 0;
    const int trials = 400, devices = 200;
    for (std::uint64_t t = 0; t < trials; ++t) {
      std::vector<double> v;
      for (std::uint32_t d = 0; d < devices; ++d) v.push_back(vary_device(nom, s, TrialKey{7, t}, d).r_p / nom.r_p);
      const double mean = std::accumulate(v.begin(), v.end(), 0.0) / devices;
      double ss = 0;
      for (double x : v) ss += (x - mean) * (x - mean);
      within += ss / (devices - 1);
      means.push_back(mean);
      if (g == 1.0) {
        for (double x : v) EXPECT_EQ(x, v.front());
      }
    }
    within /= trials;
    const double mm = std::accumulate(means.begin(), means.end(), 0.0) / trials;
    double between = 0;
    for (double x : means) between += (x - mm) * (x - mm);
    between /= trials - 1;
    // between-trial variance of a mean: g sigma^2 + (1 - g) sigma^2 / devices
    EXPECT_NEAR(within, (1 - g) * 0.01, 0.1 * 0.01 + 1e-12);
    EXPECT_NEAR(between, g * 0.01 + (1 - g) * 0.01 / devices, 0.2 * (g * 0.01 + 0.01 / devices));
  }
  // all global with a wide spread: the shared draw is truncated on its own counters (a trial
  // whose draw leaves the bounds redraws instead of falling back to nominal)
  VariationSigmas wide;
  wide.r_p = 0.5;
  wide.global_fraction = 1.0;
  int nominal_trials = 0;
  for (std::uint64_t t = 0; t < 2000; ++t) {
    const double f = vary_device(nom, wide, TrialKey{8, t}, 3).r_p / nom.r_p;
    EXPECT_GT(f, 0.0);
    nominal_trials += f == 1.0;
  }
  EXPECT_EQ(nominal_trials, 0);
  // a source's factor follows the same split
  VariationSigmas src;
  src.w = 0.1;
  src.global_fraction = 1.0;
  double a = source_factor(src, TrialKey{3, 9}, kSourceW, 5), b = source_factor(src, TrialKey{3, 9}, kSourceW, 900);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, source_factor(src, TrialKey{3, 10}, kSourceW, 5));
}

// Dies, correlation, lognormal laws, defects and the importance-sampling weight.
TEST(Variation, StructuredModel) {
  ModelParams m;
  const PhysicalDevice nom = m.physical_axon();
  // a fixed set of dies: trial t and t + dies share every device draw
  VariationSigmas s;
  s.r_p = 0.1;
  s.dies = 5;
  EXPECT_EQ(vary_device(nom, s, TrialKey{2, 3}, 7).r_p, vary_device(nom, s, TrialKey{2, 8}, 7).r_p);
  EXPECT_NE(vary_device(nom, s, TrialKey{2, 3}, 7).r_p, vary_device(nom, s, TrialKey{2, 4}, 7).r_p);
  // correlation 0.9 between R_P and R_AP: the sample correlation follows; lognormal keeps the
  // mean and relative sd
  VariationSigmas c;
  c.r_p = c.r_ap = 0.05;
  c.lognormal = 1u << kParamRap;
  double corr[kDeviceVarParams * kDeviceVarParams] = {};
  for (int k = 0; k < kDeviceVarParams; ++k) corr[k * kDeviceVarParams + k] = 1.0;
  corr[kParamRp * kDeviceVarParams + kParamRap] = corr[kParamRap * kDeviceVarParams + kParamRp] = 0.9;
  ASSERT_TRUE(cholesky(corr, c.chol, kDeviceVarParams));
  c.correlated = 1;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  const int n = 20000;
  for (int d = 0; d < n; ++d) {
    const PhysicalDevice p = vary_device(nom, c, TrialKey{4, 1}, static_cast<std::uint32_t>(d));
    const double x = p.r_p / nom.r_p - 1, y = p.r_ap / nom.r_ap - 1;
    sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
  }
  const double mx = sx / n, my = sy / n;
  const double vx = sxx / n - mx * mx, vy = syy / n - my * my;
  EXPECT_NEAR((sxy / n - mx * my) / std::sqrt(vx * vy), 0.9, 0.01);
  EXPECT_NEAR(std::sqrt(vy), 0.05, 0.002);
  EXPECT_NEAR(my, 0.0, 0.002);
  double l[4];
  const double not_pd[4] = {1.0, 1.5, 1.5, 1.0};
  EXPECT_FALSE(cholesky(not_pd, l, 2));
  // defects: the fractions, and what they do to the integrator's parameters
  VariationSigmas dfx;
  dfx.stuck_on = 0.1;
  dfx.open = 0.05;
  int on = 0, open = 0, off = 0;
  for (int d = 0; d < n; ++d) {
    const PhysicalDevice p = vary_device(nom, dfx, TrialKey{6, 2}, static_cast<std::uint32_t>(d));
    on += p.defect == kDefectStuckOn;
    open += p.defect == kDefectOpen;
    off += p.defect == kDefectStuckOff;
    if (p.defect == kDefectStuckOn) {
      const DeviceParams<double> q = integrator_params<double>(p, m.k_prefactor());
      EXPECT_EQ(q.kg, 0.0);
      EXPECT_EQ(initial_position(q), q.len);
      EXPECT_DOUBLE_EQ(mtj_conductance(q, 0.0), 1.0 / p.r_p);  // parallel wherever the wall is
    }
    if (p.defect == kDefectOpen) EXPECT_EQ(mtj_conductance(integrator_params<double>(p, m.k_prefactor()), 50e-9), 0.0);
  }
  EXPECT_NEAR(on / double(n), 0.1, 0.007);
  EXPECT_NEAR(open / double(n), 0.05, 0.005);
  EXPECT_EQ(off, 0);
  // importance sampling: the weights of a shifted die-to-die draw average to 1 (E_q[p/q] = 1)
  VariationSigmas is;
  is.r_p = 0.05;
  is.global_fraction = 1.0;
  is.importance = 1;
  for (int k = 0; k < kVarParams; ++k) is.is_scale[k] = 1.0;
  is.is_shift[kParamRp] = 2.0;
  is.is_scale[kParamRp] = 1.3;
  double w = 0, zsum = 0;
  for (std::uint64_t t = 0; t < 20000; ++t) {
    w += std::exp(die_log_weight(is, TrialKey{9, t}));
    double z[kVarParams];
    die_normals(is, TrialKey{9, t}, z);
    zsum += z[kParamRp];
    EXPECT_TRUE(std::isnan(z[kParamRap]));
    EXPECT_DOUBLE_EQ(vary_device(nom, is, TrialKey{9, t}, 11).r_p / nom.r_p, 1.0 + 0.05 * z[kParamRp]);
  }
  EXPECT_NEAR(w / 20000, 1.0, 0.03);
  EXPECT_NEAR(zsum / 20000, 2.0, 0.03);
}

TEST(Variation, TruncationKeepsDevicesPhysical) {
  ModelParams m;
  VariationSigmas s;
  s.r_p = s.r_ap = s.r_m = s.area = s.length = s.mtj_width = s.mtj_position = s.leak = 0.6;
  for (bool soma : {false, true}) {
    const PhysicalDevice nom = soma ? m.physical_soma() : m.physical_axon();
    for (std::uint32_t d = 0; d < 20000; ++d) {
      const PhysicalDevice p = vary_device(nom, s, TrialKey{5, 1}, d);
      ASSERT_GT(p.r_p, 0);
      ASSERT_GT(p.r_ap, 0);
      ASSERT_GT(p.r_m, 0);
      ASSERT_GT(p.area, 0);
      ASSERT_GT(p.length, 0);
      ASSERT_GT(p.mtj_width, 0);
      ASSERT_LT(p.mtj_width, p.length);
      ASSERT_GE(p.mtj_position * p.length - p.mtj_width / 2, 0);
      ASSERT_LE(p.mtj_position * p.length + p.mtj_width / 2, p.length * (1 + 1e-12));
      ASSERT_EQ(p.leak > 0, nom.leak > 0);
    }
  }
}

// The ideal network stops at a fixed point of eq. 2 and recalls a lightly distorted pattern.
TEST(Hopfield, ReachesAFixedPointAndRecalls) {
  const int n = 16;
  std::vector<std::uint8_t> pattern(n);
  for (int j = 0; j < n; ++j) pattern[j] = (j * 7 + 3) % 5 < 2;
  std::vector<double> w(n * n, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (i != j) w[i * n + j] = 0.1 * (2 * pattern[i] - 1) * (2 * pattern[j] - 1);
  std::vector<std::uint8_t> input = pattern;
  input[2] ^= 1;
  input[9] ^= 1;
  for (HopfieldStates st : {HopfieldStates::PlusMinus, HopfieldStates::ZeroOne}) {
    const HopfieldResult r = run_hopfield(n, w, input, st, TrialKey{1, 2});
    EXPECT_TRUE(r.converged);
    if (st == HopfieldStates::PlusMinus) {
      EXPECT_EQ(r.state, pattern);
    }
    // a fixed point: no neuron would change
    const double off = st == HopfieldStates::PlusMinus ? -1 : 0;
    for (int j = 0; j < n; ++j) {
      double h = 0;
      for (int i = 0; i < n; ++i)
        if (i != j) h += w[i * n + j] * (r.state[i] ? 1.0 : off);
      if (h > 0) {
        EXPECT_EQ(r.state[j], 1);
      }
      if (h < 0) {
        EXPECT_EQ(r.state[j], 0);
      }
    }
  }
  // from all-OFF, eq. 1-2 read literally ({0, 1}, threshold 0) never moves
  const HopfieldResult z = run_hopfield(n, w, std::vector<std::uint8_t>(n, 0), HopfieldStates::ZeroOne,
                                        TrialKey{1, 2});
  EXPECT_EQ(z.state, std::vector<std::uint8_t>(n, 0));
}

TEST(Experiment, SweepsExpandToACartesianProductWithGlobalTrialIndices) {
  ExperimentConfig c;
  c.neurons = 8;
  c.trials = 5;
  c.sweeps = {"W=0.05:0.15:0.05", "N=8,12"};
  const Experiment e(c);
  ASSERT_EQ(e.points(), 6u);
  const ExperimentPoint p3 = e.point(3);  // W = 0.1, N = 12 (the first sweep is outermost)
  EXPECT_DOUBLE_EQ(p3.config.model.w, 0.1);
  EXPECT_EQ(p3.spec.task.n, 12);
  EXPECT_EQ(p3.spec.trial_base, 15u);
  Shard s{1, 3};
  std::uint64_t total = 0;
  for (std::uint64_t p = 0; p < e.points(); ++p) {
    for (std::uint64_t k = 0; k < e.shard_trials(p, s); ++k) {
      const std::uint64_t global = p * 5 + e.shard_first(p, s) + k * 3;
      EXPECT_EQ(global % 3, 1u);
      ++total;
    }
  }
  EXPECT_EQ(total, 10u);  // 30 trials, every third
}

// Unset time limits follow the weakest decision of an Ising-mapped problem: a large integer-
// weight graph gets a longer t_max and a lower v_tol, a small one and a recall run keep the
// defaults, and explicit limits stay whatever the problem.
TEST(Experiment, TimeLimitsFollowTheWeakestDecision) {
  ExperimentConfig c;
  c.task = "maxcut";
  c.random_graph = 400;
  c.graph_count = 2;
  c.density = 0.05;
  c.edge_weights = "int10";
  c.trials = 2;
  const ExperimentPoint big = Experiment(c).point(0);
  const double v = big.task->decision_speed(big.config.model);
  ASSERT_GT(v, 0.0);
  EXPECT_LT(v, 2e-3);  // ~0.6 c q / N volts of drive: about a mm/s at N = 404 [m/s]
  const ModelParams& m = big.config.model;
  EXPECT_DOUBLE_EQ(big.spec.integ.t_max, std::clamp(kAutoTMaxCrossings * m.length / v, kDefaultTMax, kAutoTMaxCap));
  EXPECT_GT(big.spec.integ.t_max, kDefaultTMax);
  EXPECT_DOUBLE_EQ(big.spec.integ.v_tol, 0.5 * v);
  c.model.t_max = 2e-5;
  c.model.v_tol = 2e-3;
  const ExperimentPoint fixed = Experiment(c).point(0);
  EXPECT_DOUBLE_EQ(fixed.spec.integ.t_max, 2e-5);
  EXPECT_DOUBLE_EQ(fixed.spec.integ.v_tol, 2e-3);
  c.model = ModelParams{};
  c.random_graph = 20;
  c.edge_weights = "unit";
  const ExperimentPoint small = Experiment(c).point(0);
  EXPECT_GT(small.task->decision_speed(small.config.model), 2 * kDefaultVTol);
  EXPECT_DOUBLE_EQ(small.spec.integ.t_max, kDefaultTMax);
  EXPECT_DOUBLE_EQ(small.spec.integ.v_tol, kDefaultVTol);
  ExperimentConfig r;
  r.neurons = 60;
  const ExperimentPoint recall = Experiment(r).point(0);
  EXPECT_EQ(recall.task->decision_speed(recall.config.model), 0.0);
  EXPECT_DOUBLE_EQ(recall.spec.integ.t_max, kDefaultTMax);
  EXPECT_DOUBLE_EQ(recall.spec.integ.v_tol, kDefaultVTol);
}

// --devices: several backends behind one (two CPU backends stand in for two GPUs) give the same
// trials as one backend, whatever the split and stride.
TEST(MultiBackend, SplitsBatchesAndJoinsThemInOrder) {
  ModelParams m;
  RecallTask task(14, 2);
  const PointSpec spec = make_point_spec(m, VariationSigmas{}, task.spec(m), 12, 0);
  std::vector<std::unique_ptr<Backend>> parts;
  parts.push_back(make_cpu_backend(1));
  parts.push_back(make_cpu_backend(1));
  parts.push_back(make_cpu_backend(1));
  auto multi = make_multi_backend(std::move(parts));
  auto single = make_cpu_backend(2);
  for (std::uint64_t stride : {1u, 3u}) {
    BatchOutcome a, b;
    multi->run(spec, Precision::Float, 5, 17, a, stride);
    single->run(spec, Precision::Float, 5, 17, b, stride);
    ASSERT_EQ(a.trials.size(), 17u);
    for (int t = 0; t < 17; ++t) {
      EXPECT_TRUE(same_bits(a.trials[t], b.trials[t])) << "stride " << stride << " trial " << t;
      EXPECT_EQ(a.state[t], b.state[t]);
    }
  }
}
