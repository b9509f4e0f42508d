// TOML configuration files of `spinhop run`, read with toml++ (a TOML 1.0 parser) and handed to
// CLI11 as config items, so the command line still overrides the file.
#include "toml_config.hpp"
#include "io/input_file.hpp"
#include "io/toml_guard.hpp"

#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include <cstdio>
#include <iterator>
#include <sstream>
#include <variant>

#include "spinhop/errors.hpp"
#include "spinhop/experiment.hpp"
#include "spinhop/options.hpp"

namespace spinhop::cli {

namespace {


// What TOML type an option of the option table wants (control options, not in the table, take
// any scalar and are converted by CLI11).
enum class Want { Any, Bool, Number, Integer, Unsigned, Text, TextList };

Want wanted(const std::string& name) {
  ExperimentConfig c;
  for (const OptionSpec& o : option_table(c)) {
    if (name != o.name) continue;
    return std::visit(
        [](auto& t) -> Want {
          using T = std::decay_t<decltype(t)>;
          if constexpr (std::is_same_v<T, bool*>) return Want::Bool;
          else if constexpr (std::is_same_v<T, double*>) return Want::Number;
          else if constexpr (std::is_same_v<T, std::function<void(double)>>) return Want::Number;
          else if constexpr (std::is_same_v<T, std::uint64_t*>) return Want::Unsigned;
          else if constexpr (std::is_same_v<T, int*>) return Want::Integer;
          else if constexpr (std::is_same_v<T, std::string*>) return Want::Text;
          else if constexpr (std::is_same_v<T, std::vector<std::string>*>) return Want::TextList;
          else return Want::Any;
        },
        const_cast<OptionTarget&>(o.target));
  }
  return Want::Any;
}

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

[[noreturn]] void fail(const toml::node& n, const std::string& what) {
  throw InputError("configuration file line " + std::to_string(n.source().begin.line) + ": " + what);
}

std::string number_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// One scalar as the text CLI11 converts.
std::string scalar_text(const std::string& key, const toml::node& n) {
  if (const auto* s = n.as_string()) return s->get();
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) return number_text(f->get());
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
  fail(n, "'" + key + "' is " + type_name(n) + "; expected a string, a number or a boolean");
}

void check_type(const std::string& key, const toml::node& n, Want want) {
  const bool ok = [&] {
    switch (want) {
      case Want::Bool: return n.is_boolean();
      case Want::Number: return n.is_number();
      case Want::Integer: return n.is_integer();
      // above 2^63 - 1 TOML has no integer: such a seed is written as a string of digits
      case Want::Unsigned:
        return (n.is_integer() && n.as_integer()->get() >= 0) ||
               (n.is_string() && !n.as_string()->get().empty() &&
                n.as_string()->get().find_first_not_of("0123456789") == std::string::npos);
      case Want::Text: return n.is_string();
      case Want::TextList: return n.is_string() || n.is_array();
      case Want::Any: return !n.is_table();
    }
    return false;
  }();
  if (ok) return;
  const char* expected = want == Want::Bool       ? "true or false"
                         : want == Want::Number   ? "a number"
                         : want == Want::Integer  ? "an integer"
                         : want == Want::Unsigned ? "a whole number >= 0 (above 2^63 - 1: in quotes)"
                         : want == Want::Text     ? "a string"
                         : want == Want::TextList ? "a string or an array of strings"
                                                  : "a value";
  fail(n, "'" + key + "' must be " + expected + ", not " + type_name(n));
}

}  // namespace

std::vector<CLI::ConfigItem> TomlRunConfig::from_config(std::istream& input) const {
  std::string text = io::read_bounded(input, io::kMaxConfigBytes, "configuration");
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte-order mark
  io::refuse_stray_non_ascii(text, "configuration file");
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& e) {
    throw InputError("configuration file line " + std::to_string(e.source().begin.line) + ": " +
                     std::string(e.description()));
  }
  std::vector<CLI::ConfigItem> items;
  auto add = [&](const std::string& raw_key, const toml::node& n) {
    std::string key = raw_key;
    for (char& ch : key) ch = ch == '_' ? '-' : ch;  // t_max and t-max alike
    if (run_ != nullptr && run_->get_option_no_throw("--" + key) == nullptr) {
      fail(n, "unknown key '" + raw_key + "': not an option of spinhop run (spinhop run --help lists them)");
    }
    check_type(raw_key, n, wanted(key));
    CLI::ConfigItem item;
    item.parents = {"run"};
    item.name = key;
    if (const auto* a = n.as_array()) {
      for (const toml::node& e : *a) item.inputs.push_back(scalar_text(raw_key, e));
    } else {
      item.inputs.push_back(scalar_text(raw_key, n));
    }
    items.push_back(std::move(item));
  };
  for (const auto& [k, v] : root) {
    const std::string key(k.str());
    if (const auto* t = v.as_table()) {
      if (key == "run") {
        for (const auto& [k2, v2] : *t) {
          if (v2.is_table()) fail(v2, "a table inside [run] ('" + std::string(k2.str()) + "') is not an option");
          add(std::string(k2.str()), v2);
        }
      } else if (key == "sweep") {
        // [sweep] W = [0.05, 0.1]: one axis per key, its values as an array
        CLI::ConfigItem item;
        item.parents = {"run"};
        item.name = "sweep";
        for (const auto& [axis, values] : *t) {
          const auto* a = values.as_array();
          if (a == nullptr || a->empty()) fail(values, "sweep axis '" + std::string(axis.str()) + "' must be a non-empty array of values");
          std::string spec = std::string(axis.str()) + "=";
          for (std::size_t i = 0; i < a->size(); ++i) {
            const toml::node& e = *a->get(i);
            if (!e.is_number()) fail(e, "sweep axis '" + std::string(axis.str()) + "' must hold numbers, not " + type_name(e));
            spec += (i ? "," : "") + scalar_text(std::string(axis.str()), e);
          }
          item.inputs.push_back(spec);
        }
        items.push_back(std::move(item));
      } else {
        fail(v, "section [" + key + "] is not one of spinhop run's: write the options at the top level or under "
                "[run] (task = \"" + key + "\" chooses a task), sweeps under [sweep]");
      }
      continue;
    }
    add(key, v);
  }
  return items;
}

}  // namespace spinhop::cli
