// The closed-form node voltages and source power against an independent nodal analysis of the
// same circuit, built element by element as a netlist and solved densely.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "spinhop/model.hpp"
#include "spinhop/physics/network.hpp"

using namespace spinhop;

namespace {

// A resistive circuit of floating nodes and fixed-voltage nodes (ideal sources to ground).
struct Circuit {
  struct Resistor {
    int a, b;
    double g;
  };
  std::vector<double> fixed;  // NaN = floating
  std::vector<Resistor> r;
  int node(double v = std::nan("")) {
    fixed.push_back(v);
    return static_cast<int>(fixed.size()) - 1;
  }
  void resistor(int a, int b, double g) { r.push_back({a, b, g}); }
  // Solve KCL at floating nodes by Gaussian elimination with partial pivoting.
  std::vector<double> solve() const {
    const int m = static_cast<int>(fixed.size());
    std::vector<int> idx(m, -1);
    int k = 0;
    for (int i = 0; i < m; ++i)
      if (std::isnan(fixed[i])) idx[i] = k++;
    std::vector<std::vector<double>> A(k, std::vector<double>(k + 1, 0.0));
    for (const auto& e : r) {
      for (int s = 0; s < 2; ++s) {
        const int p = s ? e.b : e.a, q = s ? e.a : e.b;
        if (idx[p] < 0) continue;
        A[idx[p]][idx[p]] += e.g;
        if (idx[q] >= 0) A[idx[p]][idx[q]] -= e.g;
        else A[idx[p]][k] += e.g * fixed[q];
      }
    }
    for (int c = 0; c < k; ++c) {
      int piv = c;
      for (int i = c + 1; i < k; ++i)
        if (std::fabs(A[i][c]) > std::fabs(A[piv][c])) piv = i;
      std::swap(A[c], A[piv]);
      for (int i = 0; i < k; ++i) {
        if (i == c) continue;
        const double f = A[i][c] / A[c][c];
        for (int j = c; j <= k; ++j) A[i][j] -= f * A[c][j];
      }
    }
    std::vector<double> v(m);
    for (int i = 0; i < m; ++i) v[i] = idx[i] < 0 ? fixed[i] : A[idx[i]][k] / A[idx[i]][idx[i]];
    return v;
  }
  double dissipation(const std::vector<double>& v) const {
    double p = 0;
    for (const auto& e : r) p += e.g * (v[e.a] - v[e.b]) * (v[e.a] - v[e.b]);
    return p;
  }
};

void check_network(int n, bool loading, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> pos(0.0, 100e-9), rel(0.8, 1.2), sign(-1.0, 1.0);
  ModelParams m;
  // random device states and per-device parameters (variation), random synapse voltages
  const int nn = n * n;
  std::vector<double> x(nn), w(nn, 0.0), rm(nn), store(static_cast<std::size_t>(kDeviceFields) * nn);
  DeviceArrays<double> params;
  params.carve(store.data(), static_cast<std::size_t>(nn));
  std::vector<double> v_dw(n), v_in(n), g_bus(n, 0.0), g_soma_track(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const int d = i * n + j;
      PhysicalDevice p = (i == j) ? m.physical_soma() : m.physical_axon();
      p.r_p *= rel(rng);
      p.r_ap *= rel(rng);
      p.r_m *= rel(rng);
      const DeviceParams<double> q = integrator_params<double>(p, m.k_prefactor());
      params.store(d, q);
      rm[d] = p.r_m;
      x[d] = pos(rng);
      if (i != j) w[d] = 0.1 * sign(rng);
    }
  }
  for (int i = 0; i < n; ++i) {
    v_dw[i] = 0.3 * rel(rng);
    v_in[i] = 0.1 * (sign(rng) > 0 ? 1 : -1);
    for (int j = 0; j < n; ++j)
      if (j != i) g_bus[i] += 1.0 / rm[i * n + j];
    g_soma_track[i] = 1.0 / rm[i * n + i];
  }
  NetworkView<double> net;
  net.n = n; net.w = w.data(); net.v_dw = v_dw.data(); net.v_in = v_in.data();
  net.g_bus = g_bus.data(); net.g_soma_track = g_soma_track.data();
  net.params = params.as_const();

  // closed forms, as the integrator evaluates them
  std::vector<double> vb(n), vd(n);
  double power = 0;
  for (int j = 0; j < n; ++j) {
    DendriteSums<double> s{0, 0, 0};
    for (int i = 0; i < n; ++i) {
      const int d = i * n + j;
      dendrite_accumulate(s, mtj_conductance(device_at(net, d, i == j), x[d]), w[d], i == j);
    }
    const int dj = j * n + j;
    const double gs = mtj_conductance(device_at(net, dj, true), x[dj]);
    power += neuron_nodes(net, j, s, gs, loading, &vb[j], &vd[j]);
  }

  // the same circuit as a netlist
  Circuit c;
  const int gnd = c.node(0.0);
  std::vector<int> D(n), A(n);
  for (int j = 0; j < n; ++j) D[j] = loading ? c.node(v_in[j]) : c.node();
  for (int i = 0; i < n; ++i) A[i] = c.node();
  for (int i = 0; i < n; ++i) {
    const int dsoma = i * n + i;
    const int vdw = c.node(v_dw[i]);
    c.resistor(vdw, A[i], mtj_conductance(device_at(net, dsoma, true), x[dsoma]));  // soma MTJ
    c.resistor(D[i], gnd, 1.0 / rm[dsoma]);                                          // soma track
    for (int j = 0; j < n; ++j) {
      if (j == i) continue;
      const int d = i * n + j;
      c.resistor(A[i], gnd, 1.0 / rm[d]);                                            // axon track
      const int wsrc = c.node(w[d]);
      c.resistor(wsrc, D[j], mtj_conductance(device_at(net, d, false), x[d]));       // synapse MTJ
    }
  }
  const std::vector<double> v = c.solve();
  for (int j = 0; j < n; ++j) {
    EXPECT_NEAR(vd[j], v[D[j]], 1e-12) << "dendrite " << j;
    EXPECT_NEAR(vb[j], v[A[j]], 1e-12) << "axon bus " << j;
  }
  EXPECT_NEAR(power, c.dissipation(v), 1e-12 * std::max(1.0, power) + 1e-15);
}

}  // namespace

TEST(Circuit, ClosedFormsEqualNodalSolveFree) {
  for (int n : {2, 3, 5, 8}) check_network(n, false, 100 + n);
}

TEST(Circuit, ClosedFormsEqualNodalSolveLoading) {
  for (int n : {2, 3, 5, 8}) check_network(n, true, 200 + n);
}
