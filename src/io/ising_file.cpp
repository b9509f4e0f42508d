// Ising and QUBO problems from files (docs/ising.md): sparse text, dense .npy, dense CSV.
#include "spinhop/ising_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#include "io/input_file.hpp"
#include "io/text_parse.hpp"
#include "spinhop/errors.hpp"

namespace spinhop {
namespace {

using io::LineError;

// Coefficients as read: pairs (i < j) and the diagonal, before the Ising/QUBO meaning.
struct Coefficients {
  int n = 0;
  std::map<std::pair<int, int>, double> pairs;  // (i, j), i < j
  std::vector<double> diagonal;
};

std::string extension(const std::string& path) {
  std::string e = std::filesystem::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e;
}

// Sparse text: "n [m]", then "i j v" per line, 1-based; i == j is the diagonal. '#' starts a
// comment. In an Ising file a pair may appear once; in a QUBO (i, j) and (j, i) add up.
Coefficients read_sparse(const std::string& path, bool qubo) {
  const std::string bytes = io::read_input_file(path, io::kMaxGraphBytes, "couplings");
  std::istringstream in(bytes);
  const LineError fail(path);
  Coefficients c;
  long long declared = -1, entries = 0;
  int line = 0;
  std::map<std::pair<int, int>, int> first_line;
  for (std::string text; std::getline(in, text);) {
    ++line;
    const auto hash = text.find('#');
    if (hash != std::string::npos) text.erase(hash);
    const std::vector<std::string> t = io::split_whitespace(text);
    if (t.empty()) continue;
    if (c.n == 0) {
      long long n = 0;
      if (t.size() > 2 || !io::parse_int(t[0], &n)) fail(line, "header must be 'n' or 'n m' (spins, entries), got '" + text + "'");
      if (t.size() == 2 && (!io::parse_int(t[1], &declared) || declared < 0)) {
        fail(line, "non-numeric or negative entry count '" + t[1] + "' in the header");
      }
      if (n < 1 || n > kMaxIsingSpins) {
        fail(line, "spin count " + t[0] + " must be in [1, " + std::to_string(kMaxIsingSpins) + "]");
      }
      c.n = static_cast<int>(n);
      c.diagonal.assign(static_cast<std::size_t>(n), 0.0);
      continue;
    }
    if (t.size() != 3) fail(line, "expected an entry 'i j value', got '" + text + "'");
    long long a = 0, b = 0;
    double v = 0;
    if (!io::parse_int(t[0], &a) || !io::parse_int(t[1], &b)) fail(line, "non-numeric index in '" + text + "'");
    if (!io::parse_real(t[2], &v)) fail(line, "non-numeric or non-finite value '" + t[2] + "'");
    for (long long id : {a, b}) {
      if (id < 1 || id > c.n) fail(line, "index " + std::to_string(id) + " out of range 1.." + std::to_string(c.n));
    }
    if (declared >= 0 && entries == declared) fail(line, "extra entry: the header declares " + std::to_string(declared));
    ++entries;
    const int i = static_cast<int>(std::min(a, b)) - 1, j = static_cast<int>(std::max(a, b)) - 1;
    // a QUBO's x^T Q x may give (i, j) and (j, i), which add up; Ising pairs are unordered
    const std::pair<int, int> key = qubo ? std::make_pair(static_cast<int>(a) - 1, static_cast<int>(b) - 1)
                                         : std::make_pair(i, j);
    const auto [it, fresh] = first_line.emplace(key, line);
    if (!fresh) {
      fail(line, "duplicate entry " + t[0] + " " + t[1] + " (first on line " + std::to_string(it->second) + ")");
    }
    if (i == j) c.diagonal[static_cast<std::size_t>(i)] += v;
    else c.pairs[{i, j}] += v;
  }
  if (c.n == 0) fail(line, "missing header 'n' (empty file)");
  if (declared >= 0 && entries < declared) {
    fail(line, "file ends after " + std::to_string(entries) + " of the " + std::to_string(declared) + " entries the header declares");
  }
  return c;
}

// A dense n x n matrix, row-major, from .npy (float64/float32/int64/int32, little-endian, C or
// Fortran order) or CSV (n lines of n comma-separated numbers).
std::vector<double> read_dense(const std::string& path, int* n_out, int rank_wanted) {
  const std::string ext = extension(path);
  const std::string bytes = io::read_input_file(path, io::kMaxGraphBytes, "matrix");
  std::vector<double> v;
  long long rows = 0, cols = 0;
  if (ext == ".npy") {
    const std::string magic("\x93NUMPY", 6);
    if (bytes.size() < 10 || bytes.compare(0, 6, magic) != 0) throw InputError(path + ": not a .npy file (no NUMPY magic)");
    const int major = static_cast<unsigned char>(bytes[6]);
    std::size_t header_len = 0, start = 0;
    if (major == 1) {
      header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
      start = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.size() < 12) throw InputError(path + ": truncated .npy header");
      for (int k = 0; k < 4; ++k) header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + k])) << (8 * k);
      start = 12;
    } else {
      throw InputError(path + ": unsupported .npy version " + std::to_string(major));
    }
    if (header_len > bytes.size() - start || header_len > 65536) throw InputError(path + ": truncated .npy header");
    const std::string header = bytes.substr(start, header_len);
    auto value_of = [&](const std::string& key) {
      const auto k = header.find("'" + key + "'");
      if (k == std::string::npos) throw InputError(path + ": .npy header lacks '" + key + "'");
      const auto colon = header.find(':', k);
      if (colon == std::string::npos) throw InputError(path + ": malformed .npy header");
      return header.substr(colon + 1);
    };
    const std::string descr = value_of("descr");
    const std::string order = value_of("fortran_order");
    const std::string shape = value_of("shape");
    std::size_t item = 0;
    char kind = 0;
    for (const auto& [code, k, size] : {std::tuple<const char*, char, std::size_t>{"'<f8'", 'f', 8},
                                        {"'<f4'", 'f', 4}, {"'<i8'", 'i', 8}, {"'<i4'", 'i', 4},
                                        {"'|i1'", 'i', 1}, {"'|u1'", 'u', 1}}) {
      if (descr.find(code) != std::string::npos && descr.find(code) < 8) {
        kind = k;
        item = size;
        break;
      }
    }
    if (item == 0) throw InputError(path + ": .npy dtype must be little-endian float64, float32, int64, int32 or int8");
    const bool fortran = order.find("True") != std::string::npos && order.find("True") < order.find('}');
    const auto open = shape.find('('), close = shape.find(')');
    if (open == std::string::npos || close == std::string::npos || close < open) throw InputError(path + ": malformed .npy shape");
    std::vector<long long> dims;
    std::istringstream ds(shape.substr(open + 1, close - open - 1));
    for (std::string tok; std::getline(ds, tok, ',');) {
      const auto t = io::split_whitespace(tok);
      if (t.empty()) continue;
      long long d = 0;
      if (t.size() != 1 || !io::parse_int(t[0], &d) || d < 0) throw InputError(path + ": malformed .npy shape");
      dims.push_back(d);
    }
    if (static_cast<int>(dims.size()) != rank_wanted) {
      throw InputError(path + ": a " + std::to_string(dims.size()) + "-d array; expected " +
                       (rank_wanted == 2 ? "a square matrix (2-d)" : "a vector (1-d)"));
    }
    rows = dims[0];
    cols = rank_wanted == 2 ? dims[1] : 1;
    if (rows < 1 || rows > kMaxIsingSpins || cols < 1 || cols > kMaxIsingSpins) {
      throw InputError(path + ": shape out of range (at most " + std::to_string(kMaxIsingSpins) + " spins)");
    }
    const std::size_t data = start + header_len, count = static_cast<std::size_t>(rows * cols);
    if (bytes.size() - data != count * item) {
      throw InputError(path + ": " + std::to_string(bytes.size() - data) + " data bytes, expected " +
                       std::to_string(count * item) + " for the shape in its header");
    }
    v.resize(count);
    for (std::size_t k = 0; k < count; ++k) {
      const char* p = bytes.data() + data + k * item;
      double x = 0;
      if (kind == 'f' && item == 8) { std::memcpy(&x, p, 8); }
      else if (kind == 'f') { float f; std::memcpy(&f, p, 4); x = f; }
      else if (item == 8) { long long i; std::memcpy(&i, p, 8); x = static_cast<double>(i); }
      else if (item == 4) { std::int32_t i; std::memcpy(&i, p, 4); x = i; }
      else if (kind == 'u') { x = static_cast<unsigned char>(*p); }
      else { x = static_cast<signed char>(*p); }
      if (!std::isfinite(x)) throw InputError(path + ": a non-finite entry (element " + std::to_string(k) + ")");
      // store row-major
      const std::size_t r = fortran ? k % static_cast<std::size_t>(rows) : k / static_cast<std::size_t>(cols);
      const std::size_t col = fortran ? k / static_cast<std::size_t>(rows) : k % static_cast<std::size_t>(cols);
      v[r * static_cast<std::size_t>(cols) + col] = x;
    }
  } else {
    // CSV or whitespace text: one row per line
    std::istringstream in(bytes);
    const LineError fail(path);
    int line = 0;
    for (std::string text; std::getline(in, text);) {
      ++line;
      const auto hash = text.find('#');
      if (hash != std::string::npos) text.erase(hash);
      std::replace(text.begin(), text.end(), ',', ' ');
      const auto t = io::split_whitespace(text);
      if (t.empty()) continue;
      if (cols == 0) {
        cols = static_cast<long long>(t.size());
        if (cols > kMaxIsingSpins) fail(line, std::to_string(cols) + " columns: at most " + std::to_string(kMaxIsingSpins));
      }
      if (static_cast<long long>(t.size()) != cols) {
        fail(line, std::to_string(t.size()) + " values; the first row has " + std::to_string(cols));
      }
      if (++rows > kMaxIsingSpins) fail(line, "more than " + std::to_string(kMaxIsingSpins) + " rows");
      for (const auto& tok : t) {
        double x = 0;
        if (!io::parse_real(tok, &x)) fail(line, "non-numeric or non-finite value '" + tok + "'");
        v.push_back(x);
      }
    }
    if (rows == 0) throw InputError(path + ": no values");
    if (rank_wanted == 1) {
      // a vector: one value per line, or one line of values
      if (cols != 1 && rows != 1) throw InputError(path + ": expected one value per line (a vector)");
      rows = static_cast<long long>(v.size());
      cols = 1;
    }
  }
  if (rank_wanted == 2 && rows != cols) {
    throw InputError(path + ": a " + std::to_string(rows) + " x " + std::to_string(cols) + " matrix; it must be square");
  }
  *n_out = static_cast<int>(rows);
  return v;
}

Coefficients read_coefficients(const std::string& path, bool qubo) {
  const std::string ext = extension(path);
  if (ext != ".npy" && ext != ".csv") return read_sparse(path, qubo);
  int n = 0;
  const std::vector<double> m = read_dense(path, &n, 2);
  Coefficients c;
  c.n = n;
  c.diagonal.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    c.diagonal[static_cast<std::size_t>(i)] = m[static_cast<std::size_t>(i) * n + i];
    for (int j = i + 1; j < n; ++j) {
      const double up = m[static_cast<std::size_t>(i) * n + j], lo = m[static_cast<std::size_t>(j) * n + i];
      double v = up + lo;  // QUBO: x^T Q x adds both triangles
      if (!qubo) {
        // Ising: the upper triangle; the lower one empty or its mirror image
        if (lo != 0.0 && up != 0.0 && lo != up) {
          throw InputError(path + ": entries (" + std::to_string(i + 1) + ", " + std::to_string(j + 1) + ") = " +
                           std::to_string(up) + " and (" + std::to_string(j + 1) + ", " + std::to_string(i + 1) +
                           ") = " + std::to_string(lo) +
                           " differ: give a symmetric or an upper-triangular coupling matrix");
        }
        v = up != 0.0 ? up : lo;
      }
      if (v != 0.0) c.pairs[{i, j}] = v;
    }
  }
  return c;
}

}  // namespace

std::vector<double> read_square_matrix(const std::string& path, int* n) { return read_dense(path, n, 2); }

std::vector<std::vector<std::uint8_t>> read_bit_rows(const std::string& path, const char* what,
                                                     std::size_t max_rows, int* n) {
  const std::string bytes = io::read_input_file(path, io::kMaxGraphBytes, what);
  std::istringstream in(bytes);
  const LineError fail(path);
  std::vector<std::vector<std::uint8_t>> rows;
  int line = 0;
  *n = 0;
  for (std::string text; std::getline(in, text);) {
    ++line;
    const auto hash = text.find('#');
    if (hash != std::string::npos) text.erase(hash);
    std::vector<std::uint8_t> bits;
    for (char ch : text) {
      if (ch == '0' || ch == '1') bits.push_back(ch == '1' ? 1 : 0);
      else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != ',') {
        fail(line, std::string("unexpected character '") + ch + "' in a " + what + " (expected 0 or 1 per neuron)");
      }
    }
    if (bits.empty()) continue;
    if (*n == 0) *n = static_cast<int>(bits.size());
    if (static_cast<int>(bits.size()) != *n) {
      fail(line, std::string("a ") + what + " of " + std::to_string(bits.size()) + " bits; the first has " + std::to_string(*n));
    }
    if (rows.size() == max_rows) fail(line, "more than " + std::to_string(max_rows) + " " + what + "s");
    rows.push_back(std::move(bits));
  }
  if (rows.empty()) throw InputError(path + ": no " + std::string(what) + " (expected one per line as 0/1)");
  return rows;
}

IsingProblem read_ising(const std::string& couplings, const std::string& fields, bool qubo) {
  const Coefficients c = read_coefficients(couplings, qubo);
  // coefficients are bounded so that sums (a QUBO's two triangles, the equivalent graph's
  // weights, the energies) stay finite
  auto bounded = [&](double v, const std::string& where) {
    if (!(std::fabs(v) <= kMaxCoefficient)) {
      throw InputError(couplings + ": coefficient " + std::to_string(v) + " " + where + " exceeds " +
                       std::to_string(kMaxCoefficient) + " in magnitude");
    }
  };
  for (const auto& [ij, v] : c.pairs) bounded(v, "at (" + std::to_string(ij.first + 1) + ", " + std::to_string(ij.second + 1) + ")");
  for (std::size_t i = 0; i < c.diagonal.size(); ++i) bounded(c.diagonal[i], "on the diagonal at " + std::to_string(i + 1));
  IsingProblem p;
  p.name = std::filesystem::path(couplings).filename().string();
  p.n = c.n;
  if (!qubo) {
    for (const auto& [ij, v] : c.pairs) {
      if (v != 0.0) p.couplings.push_back(Edge{ij.first, ij.second, v});
    }
    p.fields = c.diagonal;
  } else {
    // f(x) = sum_i Q_ii x_i + sum_{i<j} Q_ij x_i x_j with x = (1 + s)/2:
    //   J_ij = -Q_ij/4, h_i = -(Q_ii/2 + sum_j Q_ij/4), offset = sum_i Q_ii/2 + sum_{i<j} Q_ij/4
    p.fields.assign(static_cast<std::size_t>(c.n), 0.0);
    for (int i = 0; i < c.n; ++i) {
      p.fields[static_cast<std::size_t>(i)] -= 0.5 * c.diagonal[static_cast<std::size_t>(i)];
      p.offset += 0.5 * c.diagonal[static_cast<std::size_t>(i)];
    }
    for (const auto& [ij, v] : c.pairs) {
      if (v == 0.0) continue;
      p.couplings.push_back(Edge{ij.first, ij.second, -0.25 * v});
      p.fields[static_cast<std::size_t>(ij.first)] -= 0.25 * v;
      p.fields[static_cast<std::size_t>(ij.second)] -= 0.25 * v;
      p.offset += 0.25 * v;
    }
  }
  if (!fields.empty()) {
    if (qubo) throw InputError("--fields is for Ising problems; a QUBO's linear terms are its diagonal");
    if (std::any_of(c.diagonal.begin(), c.diagonal.end(), [](double d) { return d != 0.0; })) {
      throw InputError(couplings + ": its diagonal holds fields already; give them there or in --fields, not both");
    }
    int n = 0;
    const std::vector<double> h = read_dense(fields, &n, 1);
    if (n != p.n) {
      throw InputError(fields + ": " + std::to_string(n) + " fields for " + std::to_string(p.n) + " spins");
    }
    for (double x : h) {
      if (!(std::fabs(x) <= kMaxCoefficient)) throw InputError(fields + ": a field beyond " + std::to_string(kMaxCoefficient));
    }
    p.fields = h;
  }
  if (!p.has_fields()) p.fields.clear();
  return p;
}

Graph ising_as_graph(const IsingProblem& p, double* energy_of_zero_cut) {
  // w_ij = -2 J_ij; with fields, node n is the field spin and w_in = -2 h_i. Then
  // E(s) = offset - sum J - sum h - cut, s_i = +1 where node i is on the field node's side.
  Graph g;
  g.name = p.name;
  g.n = p.n + (p.has_fields() ? 1 : 0);
  double constant = p.offset;
  for (const Edge& c : p.couplings) {
    g.edges.push_back(Edge{c.i, c.j, -2.0 * c.w});
    constant -= c.w;
  }
  if (p.has_fields()) {
    for (int i = 0; i < p.n; ++i) {
      const double h = p.fields[static_cast<std::size_t>(i)];
      if (h != 0.0) g.edges.push_back(Edge{i, p.n, -2.0 * h});
      constant -= h;
    }
  }
  *energy_of_zero_cut = constant;
  return g;
}

}  // namespace spinhop
