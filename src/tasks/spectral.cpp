// The spectral start (docs/model.md, "Mappings"): the signs of the leading eigenvector of the
// problem's coupling matrix, loaded into the somas before the network relaxes.
//
// Why: from all OFF the device runs one steepest-first descent, and on sparse or signed graphs a
// single descent stops 10-20% short of good cuts. Rounding the leading eigenvector of J (the
// maximiser of s^T J s on the sphere, the continuous relaxation of the Ising energy) puts the
// start in a good basin; the network's descent then repairs what the rounding got wrong.
//
// How: Lanczos with full reorthogonalisation from a fixed pseudo-random vector (at most
// kLanczosSteps matrix-vector products over the edge list), the small tridiagonal matrix
// diagonalised by cyclic Jacobi rotations, the Ritz vector of the largest Ritz value rounded.
// Plain double loops in a fixed order: the same bits on every machine and build.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "spinhop/mapping.hpp"

namespace spinhop {

namespace {

constexpr int kLanczosSteps = 200;  // Krylov dimension cap: extreme Ritz pairs converge first

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Leading eigenpair of the symmetric k x k matrix t (row-major, overwritten) by cyclic Jacobi.
std::vector<double> leading_eigenvector(std::vector<double> t, int k) {
  std::vector<double> v(static_cast<std::size_t>(k) * k, 0.0);
  for (int i = 0; i < k; ++i) v[static_cast<std::size_t>(i) * k + i] = 1.0;
  auto at = [k](std::vector<double>& m, int r, int c) -> double& {
    return m[static_cast<std::size_t>(r) * k + c];
  };
  double norm = 0.0;
  for (double x : t) norm += x * x;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (int p = 0; p < k; ++p) {
      for (int q = p + 1; q < k; ++q) off += at(t, p, q) * at(t, p, q);
    }
    if (off <= 1e-30 * norm) break;
    for (int p = 0; p < k; ++p) {
      for (int q = p + 1; q < k; ++q) {
        const double apq = at(t, p, q);
        if (apq == 0.0) continue;
        const double theta = (at(t, q, q) - at(t, p, p)) / (2.0 * apq);
        const double tn = (theta >= 0.0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(tn * tn + 1.0), s = tn * c;
        for (int r = 0; r < k; ++r) {  // columns p, q
          const double tp = at(t, r, p), tq = at(t, r, q);
          at(t, r, p) = c * tp - s * tq;
          at(t, r, q) = s * tp + c * tq;
        }
        for (int r = 0; r < k; ++r) {  // rows p, q
          const double tp = at(t, p, r), tq = at(t, q, r);
          at(t, p, r) = c * tp - s * tq;
          at(t, q, r) = s * tp + c * tq;
        }
        for (int r = 0; r < k; ++r) {
          const double vp = at(v, r, p), vq = at(v, r, q);
          at(v, r, p) = c * vp - s * vq;
          at(v, r, q) = s * vp + c * vq;
        }
      }
    }
  }
  int best = 0;
  for (int i = 1; i < k; ++i) {
    if (at(t, i, i) > at(t, best, best)) best = i;
  }
  std::vector<double> y(static_cast<std::size_t>(k));
  for (int r = 0; r < k; ++r) y[static_cast<std::size_t>(r)] = at(v, r, best);
  return y;
}

// A fixed start vector without structure (splitmix64 of the index): it overlaps every eigenvector.
double start_component(int j) {
  std::uint64_t z = 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(j + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / 9007199254740992.0 - 0.5;
}

}  // namespace

std::vector<std::uint8_t> spectral_start(const IsingProblem& p) {
  const int n = p.n;
  std::vector<std::uint8_t> bits(static_cast<std::size_t>(std::max(n, 0)), 0);
  if (n <= 0 || p.couplings.empty()) return bits;
  // fields as couplings to one more spin held +1 (its sign fixes the overall flip)
  const bool fields = p.has_fields();
  const int m = n + (fields ? 1 : 0);
  auto apply = [&](const std::vector<double>& x, std::vector<double>& y) {
    std::fill(y.begin(), y.end(), 0.0);
    for (const Edge& c : p.couplings) {
      if (c.i == c.j) continue;
      y[static_cast<std::size_t>(c.i)] += c.w * x[static_cast<std::size_t>(c.j)];
      y[static_cast<std::size_t>(c.j)] += c.w * x[static_cast<std::size_t>(c.i)];
    }
    if (fields) {
      for (int i = 0; i < n; ++i) {
        const double h = p.fields[static_cast<std::size_t>(i)];
        y[static_cast<std::size_t>(i)] += h * x[static_cast<std::size_t>(n)];
        y[static_cast<std::size_t>(n)] += h * x[static_cast<std::size_t>(i)];
      }
    }
  };
  const int steps = std::min(m, kLanczosSteps);
  std::vector<std::vector<double>> basis;
  basis.reserve(static_cast<std::size_t>(steps));
  std::vector<double> alpha, beta;
  std::vector<double> v(static_cast<std::size_t>(m)), w(static_cast<std::size_t>(m));
  for (int j = 0; j < m; ++j) v[static_cast<std::size_t>(j)] = start_component(j);
  double scale = std::sqrt(dot(v, v));
  for (double& x : v) x /= scale;
  double jnorm = 0.0;  // a bound on |J|'s spectrum: below it, a residual counts as zero
  for (const Edge& c : p.couplings) jnorm = std::max(jnorm, std::fabs(c.w));
  for (double h : p.fields) jnorm = std::max(jnorm, std::fabs(h));
  jnorm *= m;
  for (int k = 0; k < steps; ++k) {
    basis.push_back(v);
    apply(v, w);
    alpha.push_back(dot(w, v));
    // full reorthogonalisation, twice: without it the Ritz values repeat ("ghosts")
    for (int pass = 0; pass < 2; ++pass) {
      for (const std::vector<double>& b : basis) {
        const double c = dot(w, b);
        for (int j = 0; j < m; ++j) w[static_cast<std::size_t>(j)] -= c * b[static_cast<std::size_t>(j)];
      }
    }
    const double b = std::sqrt(dot(w, w));
    if (k + 1 == steps || b <= 1e-12 * jnorm) break;  // the Krylov space is exhausted
    beta.push_back(b);
    for (int j = 0; j < m; ++j) v[static_cast<std::size_t>(j)] = w[static_cast<std::size_t>(j)] / b;
  }
  const int k = static_cast<int>(basis.size());
  std::vector<double> t(static_cast<std::size_t>(k) * k, 0.0);
  for (int i = 0; i < k; ++i) {
    t[static_cast<std::size_t>(i) * k + i] = alpha[static_cast<std::size_t>(i)];
    if (i + 1 < k) {
      t[static_cast<std::size_t>(i) * k + i + 1] = beta[static_cast<std::size_t>(i)];
      t[static_cast<std::size_t>(i + 1) * k + i] = beta[static_cast<std::size_t>(i)];
    }
  }
  const std::vector<double> y = leading_eigenvector(std::move(t), k);
  std::vector<double> x(static_cast<std::size_t>(m), 0.0);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < m; ++j) {
      x[static_cast<std::size_t>(j)] += y[static_cast<std::size_t>(i)] * basis[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
    }
  }
  // the overall sign: the field spin +1, else the largest component positive (the lowest
  // index among equals), so that the start is a function of the problem alone
  int ref = 0;
  if (fields) {
    ref = n;
  } else {
    for (int j = 1; j < m; ++j) {
      if (std::fabs(x[static_cast<std::size_t>(j)]) > std::fabs(x[static_cast<std::size_t>(ref)])) ref = j;
    }
  }
  const double sign = x[static_cast<std::size_t>(ref)] < 0.0 ? -1.0 : 1.0;
  for (int j = 0; j < n; ++j) bits[static_cast<std::size_t>(j)] = sign * x[static_cast<std::size_t>(j)] > 0.0 ? 1 : 0;
  return bits;
}

}  // namespace spinhop
