#include "spinhop/variation_file.hpp"

#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include <cmath>
#include <sstream>

#include "io/input_file.hpp"
#include "io/toml_guard.hpp"
#include "spinhop/errors.hpp"

namespace spinhop {

namespace {

int param_index(const std::string& name) {
  for (int k = 0; k < kVarParams; ++k) {
    if (name == kVarParamNames[k]) return k;
  }
  return -1;
}

std::string where(const std::string& path, const toml::node& n) {
  return "variation file '" + path + "' line " + std::to_string(n.source().begin.line);
}

double number(const std::string& path, const std::string& key, const toml::node& n) {
  if (const auto* v = n.as_floating_point()) return v->get();
  if (const auto* v = n.as_integer()) return static_cast<double>(v->get());
  throw InputError(where(path, n) + ": '" + key + "' must be a number");
}

double fraction(const std::string& path, const std::string& key, const toml::node& n) {
  const double v = number(path, key, n);
  if (!(v >= 0.0 && v <= 1.0)) {
    std::ostringstream os;
    os << where(path, n) << ": '" << key << "' = " << v << " must be a fraction in [0, 1]";
    throw ParameterError(os.str());
  }
  return v;
}

// A value the command line left at zero takes the file's.
void fill(double& target, double v) {
  if (target == 0.0) target = v;
}

double* sigma_field(VariationSigmas& s, int k) {
  double* f[kVarParams] = {&s.r_p, &s.r_ap, &s.r_m, &s.area, &s.length, &s.mtj_width, &s.mtj_position,
                           &s.leak, &s.depin, &s.w, &s.v_dw, &s.v_c};
  return f[k];
}

void read_parameter(const std::string& path, const std::string& name, const toml::table& t,
                    VariationSigmas& s) {
  const int k = param_index(name);
  for (const auto& [key_node, value] : t) {
    const std::string key(key_node.str());
    if (key == "sigma") {
      fill(*sigma_field(s, k), fraction(path, name + ".sigma", value));
    } else if (key == "global_fraction") {
      s.fraction[k] = fraction(path, name + ".global_fraction", value);
      s.own_fraction |= 1u << k;
    } else if (key == "distribution") {
      const auto* v = value.as_string();
      const std::string d = v ? v->get() : "";
      if (d == "lognormal") {
        s.lognormal |= 1u << k;
      } else if (d == "normal") {
        s.lognormal &= ~(1u << k);
      } else {
        throw InputError(where(path, value) + ": '" + name + ".distribution' must be \"normal\" or \"lognormal\"");
      }
    } else if (key == "importance_shift" || key == "importance_scale") {
      const double v = number(path, name + "." + key, value);
      const bool shift = key == "importance_shift";
      if (!(std::isfinite(v) && (shift ? std::fabs(v) <= 20.0 : (v > 0.0 && v <= 20.0)))) {
        throw ParameterError(where(path, value) + ": '" + name + "." + key + "' must be " +
                             (shift ? "in [-20, 20] (standard deviations)" : "in (0, 20]"));
      }
      (shift ? s.is_shift : s.is_scale)[k] = v;
    } else {
      throw InputError(where(path, value) + ": unknown key '" + name + "." + key +
                       "' (sigma, global_fraction, distribution, importance_shift, importance_scale)");
    }
  }
}

void read_correlation(const std::string& path, const toml::table& t, VariationSigmas& s) {
  const toml::array* names = t["parameters"].as_array();
  const toml::array* rows = t["matrix"].as_array();
  for (const auto& [key_node, value] : t) {
    const std::string key(key_node.str());
    if (key != "parameters" && key != "matrix") {
      throw InputError(where(path, value) + ": unknown key 'correlation." + key + "' (parameters, matrix)");
    }
  }
  if (names == nullptr || rows == nullptr) {
    throw InputError(where(path, t) + ": [correlation] needs 'parameters' (names) and 'matrix' (rows)");
  }
  const std::size_t m = names->size();
  std::vector<int> idx;
  for (const toml::node& n : *names) {
    const auto* v = n.as_string();
    const int k = v ? param_index(v->get()) : -1;
    if (k < 0 || k >= kDeviceVarParams) {
      throw InputError(where(path, n) + ": correlation parameters are device parameters (r_p, r_ap, r_m, area, "
                       "length, mtj_width, mtj_position, leak, depinning)");
    }
    for (int j : idx) {
      if (j == k) throw InputError(where(path, n) + ": '" + std::string(v->get()) + "' listed twice");
    }
    idx.push_back(k);
  }
  if (rows->size() != m) throw InputError(where(path, *rows) + ": the matrix must have one row per parameter");
  double c[kDeviceVarParams * kDeviceVarParams] = {};
  for (int k = 0; k < kDeviceVarParams; ++k) c[k * kDeviceVarParams + k] = 1.0;
  std::vector<std::vector<double>> a(m, std::vector<double>(m));
  for (std::size_t r = 0; r < m; ++r) {
    const toml::array* row = (*rows)[r].as_array();
    if (row == nullptr || row->size() != m) {
      throw InputError(where(path, (*rows)[r]) + ": matrix row " + std::to_string(r + 1) + " must hold " +
                       std::to_string(m) + " numbers");
    }
    for (std::size_t q = 0; q < m; ++q) a[r][q] = number(path, "correlation.matrix", (*row)[q]);
  }
  for (std::size_t r = 0; r < m; ++r) {
    for (std::size_t q = 0; q < m; ++q) {
      const double v = a[r][q];
      const bool ok = r == q ? v == 1.0 : (v >= -1.0 && v <= 1.0 && v == a[q][r]);
      if (!ok) {
        throw ParameterError(where(path, *rows) + ": a correlation matrix is symmetric with 1 on the diagonal and "
                             "entries in [-1, 1] (entry " + std::to_string(r + 1) + ", " + std::to_string(q + 1) + ")");
      }
      c[idx[r] * kDeviceVarParams + idx[q]] = v;
    }
  }
  if (!cholesky(c, s.chol, kDeviceVarParams)) {
    throw ParameterError(where(path, *rows) + ": the correlation matrix is not positive definite");
  }
  s.correlated = 1;
}

}  // namespace

bool cholesky(const double* c, double* l, int n) {
  for (int i = 0; i < n * n; ++i) l[i] = 0.0;
  for (int j = 0; j < n; ++j) {
    double d = c[j * n + j];
    for (int k = 0; k < j; ++k) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 1e-12)) return false;
    l[j * n + j] = std::sqrt(d);
    for (int i = j + 1; i < n; ++i) {
      double v = c[i * n + j];
      for (int k = 0; k < j; ++k) v -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = v / l[j * n + j];
    }
  }
  return true;
}

void read_variation_file(const std::string& path, VariationSigmas& s) {
  std::string text = io::read_input_file(path, io::kMaxConfigBytes, "variation file");
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  io::refuse_stray_non_ascii(text, ("variation file '" + path + "'").c_str());
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& e) {
    throw InputError("variation file '" + path + "' line " + std::to_string(e.source().begin.line) + ": " +
                     std::string(e.description()));
  }
  for (int k = 0; k < kVarParams; ++k) s.is_scale[k] = 1.0;
  for (const auto& [key_node, value] : root) {
    const std::string key(key_node.str());
    if (key == "global_fraction") {
      fill(s.global_fraction, fraction(path, key, value));
    } else if (key == "dies") {
      const auto* v = value.as_integer();
      if (v == nullptr || v->get() < 0 || v->get() >= (std::int64_t{1} << 40)) {
        throw ParameterError(where(path, value) + ": 'dies' must be an integer in [0, 2^40)");
      }
      if (s.dies == 0) s.dies = static_cast<std::uint64_t>(v->get());
    } else if (key == "importance") {
      const auto* v = value.as_boolean();
      if (v == nullptr) throw InputError(where(path, value) + ": 'importance' must be true or false");
      s.importance = v->get() ? 1 : 0;
    } else if (key == "correlation") {
      const toml::table* t = value.as_table();
      if (t == nullptr) throw InputError(where(path, value) + ": 'correlation' must be a table");
      read_correlation(path, *t, s);
    } else if (key == "defects") {
      const toml::table* t = value.as_table();
      if (t == nullptr) throw InputError(where(path, value) + ": 'defects' must be a table");
      for (const auto& [dk, dv] : *t) {
        const std::string d(dk.str());
        double* f = d == "stuck_on" ? &s.stuck_on : d == "stuck_off" ? &s.stuck_off : d == "open" ? &s.open : nullptr;
        if (f == nullptr) throw InputError(where(path, dv) + ": unknown key 'defects." + d + "' (stuck_on, stuck_off, open)");
        fill(*f, fraction(path, "defects." + d, dv));
      }
    } else if (key == "depinning_cycle") {
      fill(s.depin_cycle, fraction(path, key, value));
    } else if (param_index(key) >= 0) {
      const toml::table* t = value.as_table();
      if (t == nullptr) throw InputError(where(path, value) + ": '" + key + "' must be a table ([" + key + "])");
      read_parameter(path, key, *t, s);
    } else {
      throw InputError(where(path, value) + ": unknown key '" + key +
                       "' (global_fraction, dies, importance, depinning_cycle, [correlation], [defects], or a "
                       "parameter table: r_p, r_ap, r_m, area, length, mtj_width, mtj_position, leak, depinning, w, v_dw, v_c)");
    }
  }
}

}  // namespace spinhop
