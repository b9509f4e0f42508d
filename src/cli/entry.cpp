// One spinhop command line, run in this process: the executable's main and the Python module
// (spinhop.run) both come here, so they parse, validate and run alike (docs/python.md).
#include "entry.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>

#include "commands.hpp"
#include "toml_config.hpp"
#include "spinhop/errors.hpp"
#include "io/input_file.hpp"
#include "spinhop/options.hpp"
#include "spinhop/results_file.hpp"
#include "spinhop/version.hpp"

namespace spinhop::cli {

namespace {
std::string with_stored_inputs(const std::string& h5, const ResultsHeader& h);
}  // namespace

std::string join_args(const std::vector<std::string>& args) {
  std::string s = "spinhop";
  for (const std::string& a : args) {
    const bool plain = !a.empty() && a.find_first_of(" \t\"'$\\`*?[]{}()<>|&;!#~") == std::string::npos;
    if (plain) {
      s += " " + a;
      continue;
    }
    // single-quoted for a POSIX shell: a quote inside closes, escapes and reopens
    std::string q = "'";
    for (char ch : a) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    s += " " + q + "'";
  }
  return s;
}

std::string one_line(const std::string& what) {
  std::string s(what);
  for (char& ch : s) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return s;
}

void print_message(Message kind, const std::string& text) {
  switch (kind) {
    case Message::Error: std::fprintf(stderr, "spinhop: error: %s\n", one_line(text).c_str()); break;
    case Message::Internal: std::fprintf(stderr, "spinhop: internal error: %s\n", one_line(text).c_str()); break;
    case Message::Interrupted: std::fprintf(stderr, "\nspinhop: interrupted %s\n", text.c_str()); break;
  }
}

namespace {

int run_unguarded(const std::vector<std::string>& argv_in, const MessageSink& say) {
  const std::string command_line = join_args(argv_in);
  CLI::App app{"spinhop " SPINHOP_VERSION
               ": Monte-Carlo simulator of all-spintronic (DW-MTJ) Hopfield networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("spinhop ") + SPINHOP_VERSION + " (" +
                                        SPINHOP_GIT_SHA + ")");
  auto toml_reader = std::make_shared<TomlRunConfig>();
  app.config_formatter(toml_reader);
  app.set_config("--config", "", "TOML configuration of `spinhop run`");
  app.allow_config_extras(false);
  register_commands(app, command_line);
  toml_reader->set_run_command(app.get_subcommand("run"));

  // `spinhop run FILE [...]` and `spinhop run --from RESULTS.h5 [...]` read their configuration
  // through the top-level --config, so the command line overrides it
  std::vector<std::string> args = argv_in;
  std::string temp_config;
  try {
    // CLI11 would open a configuration that is a FIFO (and block) or a device (and read forever)
    for (std::size_t i = 0; i < args.size(); ++i) {
      std::string cfg;
      if (args[i] == "--config" && i + 1 < args.size()) cfg = args[i + 1];
      if (args[i].rfind("--config=", 0) == 0) cfg = args[i].substr(9);
      if (!cfg.empty() && std::filesystem::exists(cfg) && !std::filesystem::is_regular_file(cfg)) {
        throw InputError("configuration '" + cfg + "' is not a regular file");
      }
    }
    if (!args.empty() && args[0] == "run") {
      for (std::size_t i = 1; i < args.size(); ++i) {
        const bool from = args[i] == "--from" && i + 1 < args.size();
        const bool eq_from = args[i].rfind("--from=", 0) == 0;
        if (from || eq_from) {
          const std::string h5 = from ? args[i + 1] : args[i].substr(7);
          const ResultsHeader stored = read_results_header(h5);
          const std::string toml = with_stored_inputs(h5, stored);
          temp_config = (std::filesystem::temp_directory_path() /
                         ("spinhop-from-" + std::to_string(getpid()) + ".toml")).string();
          std::ofstream(temp_config) << toml;
          args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + (from ? 2 : 1));
          args.insert(args.begin(), {"--config", temp_config});
          break;
        }
      }
      if (args.size() > 1 && args[0] == "run" && !args[1].empty() && args[1][0] != '-') {
        if (!std::filesystem::exists(args[1])) {
          throw IoError("config file '" + args[1] + "' does not exist");
        }
        if (!std::filesystem::is_regular_file(args[1])) {
          throw InputError("config file '" + args[1] + "' is not a regular file");
        }
        const std::string file = args[1];
        args.erase(args.begin() + 1);
        args.insert(args.begin(), {"--config", file});
      }
    }
  } catch (const Error& e) {
    say(Message::Error, e.what());
    std::error_code ec;
    if (!temp_config.empty()) std::filesystem::remove(temp_config, ec);
    return 2;
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
  int rc = 0;
  try {
    app.parse(args);
  } catch (const CLI::ConfigError& e) {
    say(Message::Error, std::string("configuration file: ") + e.what() + " (a key that is not an option of `spinhop run`?)");
    rc = 2;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      rc = app.exit(e);  // --help, --version
    } else {
      // a malformed command line is a user error like any other: one line, exit 2 (docs/cli.md)
      bool command = false;
      for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        command = command || (!argv_in.empty() && sub->get_name() == argv_in[0]);
      }
      say(Message::Error, std::string(e.what()) + " (see spinhop " + (command ? argv_in[0] + " " : std::string()) + "--help)");
      rc = 2;
    }
  } catch (const Interrupted& e) {
    say(Message::Interrupted, e.what());
    rc = 130;
  } catch (const Error& e) {
    say(Message::Error, e.what());
    rc = 2;
  } catch (const std::filesystem::filesystem_error& e) {
    // a path the system refuses (too long, no permission, ...) is the user's input
    say(Message::Error, e.what());
    rc = 2;
  } catch (const std::bad_alloc&) {
    say(Message::Error, "out of memory (a smaller --batch, fewer --threads or a smaller network)");
    rc = 2;
  } catch (const std::exception& e) {
    say(Message::Internal, e.what());
    rc = 3;
  }
  std::error_code ec;
  if (!temp_config.empty()) std::filesystem::remove(temp_config, ec);
  return rc;
}

}  // namespace

namespace {

// Where `run --from` puts the stored copy of a file that has moved: content-addressed, so a
// second --from (or a --resume of its output) finds the same path.
std::filesystem::path input_cache_dir() {
  namespace fs = std::filesystem;
  if (const char* d = std::getenv("SPINHOP_CACHE_DIR"); d != nullptr && *d) return fs::path(d) / "inputs";
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d != nullptr && *d) return fs::path(d) / "spinhop" / "inputs";
  if (const char* d = std::getenv("HOME"); d != nullptr && *d) return fs::path(d) / ".cache" / "spinhop" / "inputs";
  return fs::temp_directory_path() / "spinhop-inputs";
}

// The stored configuration of a results file, every file it names that is missing or changed
// replaced by the copy the file holds (/inputs).
std::string with_stored_inputs(const std::string& h5, const ResultsHeader& h) {
  namespace fs = std::filesystem;
  std::string toml = h.config_toml;
  for (std::size_t k = 0; k < h.inputs.size(); ++k) {
    const StoredInput& in = h.inputs[k];
    std::error_code ec;
    if (fs::is_regular_file(in.path, ec)) {
      try {
        if (content_hash_of_bytes(io::read_input_file(in.path, io::kMaxGraphBytes, in.option.c_str())) == in.hash) continue;
      } catch (const Error&) {
        // unreadable: use the stored copy
      }
    }
    const fs::path dir = input_cache_dir() / in.hash;
    const fs::path copy = dir / fs::path(in.path).filename();
    bool have = false;
    if (fs::is_regular_file(copy, ec)) {
      try {
        have = content_hash_of_bytes(io::read_input_file(copy.string(), io::kMaxGraphBytes, in.option.c_str())) == in.hash;
      } catch (const Error&) {
        have = false;
      }
    }
    if (!have) {
      const std::string bytes = read_stored_input(h5, k);
      if (content_hash_of_bytes(bytes) != in.hash) {
        throw InputError("'" + h5 + "': the stored copy of " + in.path + " does not match its content hash");
      }
      fs::create_directories(dir, ec);
      const fs::path tmp = copy.string() + ".tmp";
      {
        std::ofstream out(tmp, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw IoError("cannot write the stored copy of " + in.path + " to " + tmp.string());
      }
      fs::rename(tmp, copy, ec);
      if (ec) throw IoError("cannot write the stored copy of " + in.path + " to " + copy.string() + ": " + ec.message());
    }
    std::fprintf(stderr, "spinhop: note: --%s %s has moved or changed since the run: using the copy stored in %s (%s)\n",
                 in.option.c_str(), in.path.c_str(), h5.c_str(), copy.string().c_str());
    const std::string from = toml_quote(in.path), to = toml_quote(copy.string());
    for (std::size_t at = toml.find(from); at != std::string::npos; at = toml.find(from, at + to.size())) {
      toml.replace(at, from.size(), to);
    }
  }
  return toml;
}

}  // namespace

int run_command(const std::vector<std::string>& args, const MessageSink& sink) {
  const MessageSink say = sink ? sink : MessageSink(print_message);
  // whatever escapes (also from reading a --from file before the command line is parsed) is one
  // message, never an abort
  try {
    return run_unguarded(args, say);
  } catch (const Error& e) {
    say(Message::Error, e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    say(Message::Error, e.what());
  } catch (const std::bad_alloc&) {
    say(Message::Error, "out of memory");
  } catch (const std::exception& e) {
    say(Message::Internal, e.what());
    return 3;
  } catch (...) {
    say(Message::Internal, "an unknown exception");
    return 3;
  }
  return 2;
}

}  // namespace spinhop::cli
