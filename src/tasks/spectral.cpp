// The spectral start (docs/model.md, "Mappings"): the signs of the leading eigenvector of the
// problem's coupling matrix, loaded into the somas before the network relaxes.
//
// Why: from all OFF the device runs one steepest-first descent, and on sparse or signed graphs a
// single descent stops 10-20% short of good cuts. Rounding the leading eigenvector of J (the
// maximiser of s^T J s on the sphere, the continuous relaxation of the Ising energy) puts the
// start in a good basin; the network's descent then repairs what the rounding got wrong.
//
// Later trials of a problem load other roundings of the same relaxation: the signs of a direction
// at a pseudo-random angle in the plane of the two leading eigenvectors (a rank-2 embedding,
// rounded by a random hyperplane as in Goemans-Williamson), so that best-of-K has distinct
// starts in good basins to choose from, not the same start K times.
//
// How: Lanczos with full reorthogonalisation from a fixed pseudo-random vector (at most
// kLanczosSteps matrix-vector products over the edge list), the two largest eigenvalues of the
// small tridiagonal matrix by bisection and their vectors by inverse iteration: the Ritz pairs.
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

// y <- y - (y . q) q: y's component along the unit vector q removed.
void remove_component(std::vector<double>& y, const std::vector<double>& q) {
  const double c = dot(y, q);
  for (std::size_t j = 0; j < y.size(); ++j) y[j] -= c * q[j];
}

// The index of the largest |x_j|, the lowest among equals.
std::size_t largest_component(const std::vector<double>& x) {
  std::size_t ref = 0;
  for (std::size_t j = 1; j < x.size(); ++j) {
    if (std::fabs(x[j]) > std::fabs(x[ref])) ref = j;
  }
  return ref;
}

// The tridiagonal Lanczos matrix: diagonal a[0..k), off-diagonal b[0..k-1).
struct Tridiagonal {
  std::vector<double> a, b;
  int size() const { return static_cast<int>(a.size()); }
  double norm() const {  // a bound on |eigenvalue| (Gershgorin)
    double r = 0.0;
    for (int i = 0; i < size(); ++i) {
      const double left = i > 0 ? std::fabs(b[static_cast<std::size_t>(i - 1)]) : 0.0;
      const double right = i + 1 < size() ? std::fabs(b[static_cast<std::size_t>(i)]) : 0.0;
      r = std::max(r, std::fabs(a[static_cast<std::size_t>(i)]) + left + right);
    }
    return r;
  }
};

// Eigenvalues of t below x, by the signs of the LDL^T pivots of t - x I (Sturm count).
int eigenvalues_below(const Tridiagonal& t, double x, double pivmin) {
  int count = 0;
  double d = 1.0;
  for (int i = 0; i < t.size(); ++i) {
    const double off = i > 0 ? t.b[static_cast<std::size_t>(i - 1)] : 0.0;
    d = (t.a[static_cast<std::size_t>(i)] - x) - (i > 0 ? off * off / d : 0.0);
    if (std::fabs(d) < pivmin) d = -pivmin;  // a zero pivot: perturb, as LAPACK's bisection does
    if (d < 0.0) ++count;
  }
  return count;
}

// The eigenvalue of ascending index idx, by bisection to rounding level.
double eigenvalue(const Tridiagonal& t, int idx) {
  const double norm = t.norm();
  const double pivmin = std::max(1e-300, 1e-30 * norm * norm);
  double lo = -norm - 1e-300, hi = norm + 1e-300;  // count(lo) <= idx < count(hi)
  for (int it = 0; it < 200 && hi - lo > 4e-16 * std::max({std::fabs(lo), std::fabs(hi), 1e-300}); ++it) {
    const double mid = 0.5 * (lo + hi);
    (eigenvalues_below(t, mid, pivmin) > idx ? hi : lo) = mid;
  }
  return 0.5 * (lo + hi);
}

// x <- (t - shift I)^-1 x by Gaussian elimination with partial pivoting (rows i and i + 1 swap
// where the subdiagonal is larger); a zero pivot becomes `tiny`, as inverse iteration wants.
void solve_shifted(const Tridiagonal& t, double shift, double tiny, std::vector<double>& x) {
  const int k = t.size();
  std::vector<double> d(static_cast<std::size_t>(k)), du(t.b), dl(t.b), du2(static_cast<std::size_t>(k), 0.0);
  std::vector<char> swap(static_cast<std::size_t>(k), 0);
  for (int i = 0; i < k; ++i) d[static_cast<std::size_t>(i)] = t.a[static_cast<std::size_t>(i)] - shift;
  for (int i = 0; i + 1 < k; ++i) {
    const std::size_t u = static_cast<std::size_t>(i);
    if (std::fabs(d[u]) >= std::fabs(dl[u])) {
      if (d[u] == 0.0) d[u] = tiny;
      const double f = dl[u] / d[u];
      dl[u] = f;
      d[u + 1] -= f * du[u];
    } else {
      const double f = d[u] / dl[u];
      d[u] = dl[u];
      dl[u] = f;
      const double up = du[u];
      du[u] = d[u + 1];
      d[u + 1] = up - f * d[u + 1];
      if (i + 2 < k) {
        du2[u] = du[u + 1];
        du[u + 1] = -f * du[u + 1];
      }
      swap[u] = 1;
    }
  }
  if (d[static_cast<std::size_t>(k - 1)] == 0.0) d[static_cast<std::size_t>(k - 1)] = tiny;
  for (int i = 0; i + 1 < k; ++i) {  // L
    const std::size_t u = static_cast<std::size_t>(i);
    if (swap[u]) {
      const double xi = x[u];
      x[u] = x[u + 1];
      x[u + 1] = xi - dl[u] * x[u];
    } else {
      x[u + 1] -= dl[u] * x[u];
    }
  }
  for (int i = k - 1; i >= 0; --i) {  // U
    const std::size_t u = static_cast<std::size_t>(i);
    double r = x[u];
    if (i + 1 < k) r -= du[u] * x[u + 1];
    if (i + 2 < k) r -= du2[u] * x[u + 2];
    x[u] = r / d[u];
  }
}

double start_component(int j);

// The two leading eigenpairs of t: eigenvalues by bisection, eigenvectors by inverse iteration
// from a fixed vector (the second kept orthogonal to the first, so that a (nearly) repeated
// eigenvalue still gives two directions); O(k^2) instead of a dense diagonalisation's O(k^3).
// {vector 1, vector 2} and their values (vector 2 zero, value 0 when k = 1).
struct TopTwo {
  std::vector<double> y1, y2;
  double l1 = 0.0, l2 = 0.0;
};
TopTwo leading_eigenvectors(const Tridiagonal& t) {
  const int k = t.size();
  TopTwo out;
  out.y1.assign(static_cast<std::size_t>(k), 0.0);
  out.y2.assign(static_cast<std::size_t>(k), 0.0);
  if (k == 1) {
    out.l1 = t.a[0];
    out.y1[0] = 1.0;
    return out;
  }
  const double tiny = 1e-15 * std::max(t.norm(), 1e-300);
  auto normalise = [](std::vector<double>& y) {
    const double s = std::sqrt(dot(y, y));
    for (double& v : y) v /= s;
  };
  auto eigenvector = [&](double lambda, const std::vector<double>* against) {
    std::vector<double> y(static_cast<std::size_t>(k));
    for (int j = 0; j < k; ++j) y[static_cast<std::size_t>(j)] = start_component(j + 7 * k);
    for (int it = 0; it < 4; ++it) {  // the shift is exact to rounding: each pass gains ~1e-15
      if (against != nullptr) remove_component(y, *against);
      normalise(y);
      solve_shifted(t, lambda, tiny, y);
      normalise(y);
    }
    if (against != nullptr) {
      remove_component(y, *against);
      normalise(y);
    }
    return y;
  };
  out.l1 = eigenvalue(t, k - 1);
  out.l2 = eigenvalue(t, k - 2);
  out.y1 = eigenvector(out.l1, nullptr);
  out.y2 = eigenvector(out.l2, &out.y1);
  return out;
}

std::uint64_t splitmix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A fixed start vector without structure (splitmix64 of the index): it overlaps every eigenvector.
double start_component(int j) {
  return static_cast<double>(splitmix(0x5bd1e995ULL * static_cast<std::uint64_t>(j + 1)) >> 11) /
             9007199254740992.0 - 0.5;
}

struct Coupling {
  int i, j;
  double w;
};

// The two leading eigenpairs of the symmetric matrix with the given couplings over m spins
// (connected): Lanczos with full reorthogonalisation from a fixed vector.
SpectralPart lanczos_top_two(int m, const std::vector<Coupling>& couplings) {
  auto apply = [&](const std::vector<double>& x, std::vector<double>& y) {
    std::fill(y.begin(), y.end(), 0.0);
    for (const Coupling& c : couplings) {
      y[static_cast<std::size_t>(c.i)] += c.w * x[static_cast<std::size_t>(c.j)];
      y[static_cast<std::size_t>(c.j)] += c.w * x[static_cast<std::size_t>(c.i)];
    }
  };
  const int steps = std::min(m, kLanczosSteps);
  std::vector<std::vector<double>> basis;
  basis.reserve(static_cast<std::size_t>(steps));
  std::vector<double> alpha, beta;
  std::vector<double> v(static_cast<std::size_t>(m)), w(static_cast<std::size_t>(m));
  for (int j = 0; j < m; ++j) v[static_cast<std::size_t>(j)] = start_component(j);
  const double scale = std::sqrt(dot(v, v));
  for (double& x : v) x /= scale;
  double jnorm = 0.0;  // a bound on the spectrum: below it, a residual counts as zero
  for (const Coupling& c : couplings) jnorm = std::max(jnorm, std::fabs(c.w));
  jnorm *= m;
  for (int k = 0; k < steps; ++k) {
    basis.push_back(v);
    apply(v, w);
    alpha.push_back(dot(w, v));
    // full reorthogonalisation, twice: without it the Ritz values repeat ("ghosts")
    for (int pass = 0; pass < 2; ++pass) {
      for (const std::vector<double>& q : basis) remove_component(w, q);
    }
    double b = std::sqrt(dot(w, w));
    if (k + 1 == steps) break;
    if (b <= 1e-12 * jnorm) {
      // the Krylov space is invariant (a symmetric problem: the complete graph's repeated
      // eigenvalue is one Ritz value): go on from a fresh direction orthogonal to it, with a
      // zero coupling in the tridiagonal matrix, so that a repeated eigenvalue shows its
      // multiplicity and the rank-2 roundings get two directions
      for (int j = 0; j < m; ++j) w[static_cast<std::size_t>(j)] = start_component(j + (k + 1) * m);
      for (int pass = 0; pass < 2; ++pass) {
        for (const std::vector<double>& q : basis) remove_component(w, q);
      }
      const double fresh = std::sqrt(dot(w, w));
      if (fresh <= 1e-8) break;  // the whole space is spanned
      beta.push_back(0.0);
      b = fresh;
    } else {
      beta.push_back(b);
    }
    for (int j = 0; j < m; ++j) v[static_cast<std::size_t>(j)] = w[static_cast<std::size_t>(j)] / b;
  }
  const int k = static_cast<int>(basis.size());
  Tridiagonal t;
  t.a = alpha;
  t.b.assign(beta.begin(), beta.begin() + (k - 1));
  const TopTwo y = leading_eigenvectors(t);
  SpectralPart part;
  part.u1.assign(static_cast<std::size_t>(m), 0.0);
  part.u2.assign(static_cast<std::size_t>(m), 0.0);
  part.l1 = y.l1;
  part.l2 = y.l2;
  for (int i = 0; i < k; ++i) {
    const std::vector<double>& b = basis[static_cast<std::size_t>(i)];
    for (int j = 0; j < m; ++j) {
      part.u1[static_cast<std::size_t>(j)] += y.y1[static_cast<std::size_t>(i)] * b[static_cast<std::size_t>(j)];
      part.u2[static_cast<std::size_t>(j)] += y.y2[static_cast<std::size_t>(i)] * b[static_cast<std::size_t>(j)];
    }
  }
  // each vector's sign fixed by the problem alone (its largest component positive, the lowest
  // index among equals): the rank-2 roundings then do not depend on how the solver chose them
  for (std::vector<double>* u : {&part.u1, &part.u2}) {
    if ((*u)[largest_component(*u)] < 0.0) {
      for (double& x : *u) x = -x;
    }
  }
  return part;
}

int find_root(std::vector<int>& up, int i) {
  while (up[static_cast<std::size_t>(i)] != i) {
    up[static_cast<std::size_t>(i)] = up[static_cast<std::size_t>(up[static_cast<std::size_t>(i)])];
    i = up[static_cast<std::size_t>(i)];
  }
  return i;
}

}  // namespace

SpectralEmbedding spectral_embedding(const IsingProblem& p) {
  SpectralEmbedding e;
  e.n = std::max(p.n, 0);
  e.field_spin = p.has_fields();
  const int m = e.n + (e.field_spin ? 1 : 0);
  // fields as couplings to one more spin held +1 (index n)
  std::vector<Coupling> all;
  for (const Edge& c : p.couplings) {
    if (c.i != c.j && c.w != 0.0) all.push_back({c.i, c.j, c.w});
  }
  if (e.field_spin) {
    for (int i = 0; i < e.n; ++i) {
      const double h = p.fields[static_cast<std::size_t>(i)];
      if (h != 0.0) all.push_back({i, e.n, h});
    }
  }
  // one relaxation per connected component: the cut (the energy) is a sum over components, and
  // one eigenvector of the whole problem lives on one component only
  std::vector<int> up(static_cast<std::size_t>(m));
  for (int i = 0; i < m; ++i) up[static_cast<std::size_t>(i)] = i;
  for (const Coupling& c : all) {
    const int a = find_root(up, c.i), b = find_root(up, c.j);
    if (a != b) up[static_cast<std::size_t>(std::max(a, b))] = std::min(a, b);
  }
  std::vector<int> part_of(static_cast<std::size_t>(m), -1), local(static_cast<std::size_t>(m), -1);
  std::vector<std::vector<int>> members;
  for (int i = 0; i < m; ++i) {
    const int r = find_root(up, i);
    if (part_of[static_cast<std::size_t>(r)] < 0) {
      part_of[static_cast<std::size_t>(r)] = static_cast<int>(members.size());
      members.emplace_back();
    }
    const int k = part_of[static_cast<std::size_t>(r)];
    part_of[static_cast<std::size_t>(i)] = k;
    local[static_cast<std::size_t>(i)] = static_cast<int>(members[static_cast<std::size_t>(k)].size());
    members[static_cast<std::size_t>(k)].push_back(i);
  }
  std::vector<std::vector<Coupling>> inside(members.size());
  for (const Coupling& c : all) {
    inside[static_cast<std::size_t>(part_of[static_cast<std::size_t>(c.i)])].push_back(
        {local[static_cast<std::size_t>(c.i)], local[static_cast<std::size_t>(c.j)], c.w});
  }
  for (std::size_t k = 0; k < members.size(); ++k) {
    if (members[k].size() < 2) continue;  // an isolated spin: no coupling to round
    SpectralPart part = lanczos_top_two(static_cast<int>(members[k].size()), inside[k]);
    part.spins = members[k];
    e.parts.push_back(std::move(part));
  }
  return e;
}

std::vector<std::uint8_t> spectral_rounding(const SpectralEmbedding& e, const std::vector<double>& angles) {
  std::vector<std::uint8_t> bits(static_cast<std::size_t>(e.n), 0);
  for (std::size_t k = 0; k < e.parts.size(); ++k) {
    const SpectralPart& part = e.parts[k];
    const double angle = k < angles.size() ? angles[k] : 0.0;
    const std::size_t m = part.u1.size();
    std::vector<double> x(m);
    if (angle == 0.0) {
      x = part.u1;
    } else {
      // the direction at `angle` in the plane of the two leading eigenvectors, each axis scaled
      // by the square root of its (positive) eigenvalue, as in a rank-2 embedding
      const double a = std::sqrt(std::max(part.l1, 0.0)) * std::cos(angle);
      const double b = std::sqrt(std::max(part.l2, 0.0)) * std::sin(angle);
      for (std::size_t j = 0; j < m; ++j) x[j] = a * part.u1[j] + b * part.u2[j];
      if (a == 0.0 && b == 0.0) x = part.u1;  // no positive eigenvalue to scale by
    }
    // the overall sign: the field spin +1, else the largest component positive (the lowest
    // index among equals), so that the start is a function of the problem alone
    std::size_t ref = largest_component(x);
    // components at rounding-error level are OFF: their signs would be noise
    const double floor = 1e-9 * std::fabs(x[ref]);
    if (e.field_spin && part.spins.back() == e.n && std::fabs(x[m - 1]) > floor) ref = m - 1;
    const double sign = x[ref] < 0.0 ? -1.0 : 1.0;
    for (std::size_t j = 0; j < m; ++j) {
      const int spin = part.spins[j];
      if (spin < e.n) bits[static_cast<std::size_t>(spin)] = sign * x[j] > floor ? 1 : 0;
    }
  }
  return bits;
}

std::vector<std::uint8_t> spectral_start(const IsingProblem& p) {
  return spectral_rounding(spectral_embedding(p), {});
}

std::vector<double> spectral_angles(const SpectralEmbedding& e, std::uint64_t seed, std::uint64_t problem,
                                    std::uint64_t rounding) {
  std::vector<double> angles(e.parts.size(), 0.0);
  if (rounding == 0) return angles;
  for (std::size_t k = 0; k < angles.size(); ++k) {
    const std::uint64_t z = splitmix(splitmix(splitmix(splitmix(seed) ^ problem) ^ rounding) ^ k);
    angles[k] = 6.283185307179586 * (static_cast<double>(z >> 11) / 9007199254740992.0);
  }
  return angles;
}

}  // namespace spinhop
