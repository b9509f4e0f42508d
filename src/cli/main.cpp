// spinhop: batch Monte-Carlo simulation of all-spintronic DW-MTJ Hopfield networks.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>

#include "cluster.hpp"
#include "commands.hpp"
#include "toml_config.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/results_file.hpp"
#include "spinhop/version.hpp"

namespace {

std::string join_args(int argc, char** argv) {
  std::string s = "spinhop";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
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

// An error message as one line (library messages, HDF5's among them, may carry newlines).
std::string one_line(const char* what) {
  std::string s(what);
  for (char& ch : s) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return s;
}

int run_main(int argc, char** argv) {
  // a file that cannot grow (full disk, size limit) is a write error, not a killed process
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    spinhop::cli::mpi_start(&argc, &argv);
  } catch (const spinhop::Error& e) {
    std::fprintf(stderr, "spinhop: error: %s\n", one_line(e.what()).c_str());
    return 2;
  }
  struct MpiStop {
    ~MpiStop() { spinhop::cli::mpi_stop(); }
  } mpi_stop_at_exit;
  const std::string command_line = join_args(argc, argv);
  CLI::App app{"spinhop " SPINHOP_VERSION
               ": Monte-Carlo simulator of all-spintronic (DW-MTJ) Hopfield networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("spinhop ") + SPINHOP_VERSION + " (" +
                                        SPINHOP_GIT_SHA + ")");
  auto toml_reader = std::make_shared<spinhop::cli::TomlRunConfig>();
  app.config_formatter(toml_reader);
  app.set_config("--config", "", "TOML configuration of `spinhop run`");
  app.allow_config_extras(false);
  spinhop::cli::register_commands(app, command_line);
  toml_reader->set_run_command(app.get_subcommand("run"));

  // `spinhop run FILE [...]` and `spinhop run --from RESULTS.h5 [...]` read their configuration
  // through the top-level --config, so the command line overrides it
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string temp_config;
  try {
    // CLI11 would open a configuration that is a FIFO (and block) or a device (and read forever)
    for (std::size_t i = 0; i < args.size(); ++i) {
      std::string cfg;
      if (args[i] == "--config" && i + 1 < args.size()) cfg = args[i + 1];
      if (args[i].rfind("--config=", 0) == 0) cfg = args[i].substr(9);
      if (!cfg.empty() && std::filesystem::exists(cfg) && !std::filesystem::is_regular_file(cfg)) {
        throw spinhop::InputError("configuration '" + cfg + "' is not a regular file");
      }
    }
    if (!args.empty() && args[0] == "run") {
      for (std::size_t i = 1; i < args.size(); ++i) {
        const bool from = args[i] == "--from" && i + 1 < args.size();
        const bool eq_from = args[i].rfind("--from=", 0) == 0;
        if (from || eq_from) {
          const std::string h5 = from ? args[i + 1] : args[i].substr(7);
          const std::string toml = spinhop::read_results_header(h5).config_toml;
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
          throw spinhop::IoError("config file '" + args[1] + "' does not exist");
        }
        if (!std::filesystem::is_regular_file(args[1])) {
          throw spinhop::InputError("config file '" + args[1] + "' is not a regular file");
        }
        const std::string file = args[1];
        args.erase(args.begin() + 1);
        args.insert(args.begin(), {"--config", file});
      }
    }
  } catch (const spinhop::Error& e) {
    std::fprintf(stderr, "spinhop: error: %s\n", one_line(e.what()).c_str());
    std::error_code ec;
    if (!temp_config.empty()) std::filesystem::remove(temp_config, ec);
    return 2;
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
  int rc = 0;
  try {
    app.parse(args);
  } catch (const CLI::ConfigError& e) {
    std::fprintf(stderr, "spinhop: error: configuration file: %s (a key that is not an option of `spinhop run`?)\n", one_line(e.what()).c_str());
    rc = 2;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      rc = app.exit(e);  // --help, --version
    } else {
      // a malformed command line is a user error like any other: one line, exit 2 (docs/cli.md)
      bool command = false;
      for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        command = command || (argc > 1 && sub->get_name() == argv[1]);
      }
      std::fprintf(stderr, "spinhop: error: %s (see spinhop %s%s--help)\n", one_line(e.what()).c_str(), command ? argv[1] : "",
                   command ? " " : "");
      rc = 2;
    }
  } catch (const spinhop::Interrupted& e) {
    std::fprintf(stderr, "\nspinhop: interrupted %s\n", e.what());
    rc = 130;
  } catch (const spinhop::Error& e) {
    std::fprintf(stderr, "spinhop: error: %s\n", one_line(e.what()).c_str());
    rc = 2;
  } catch (const std::filesystem::filesystem_error& e) {
    // a path the system refuses (too long, no permission, ...) is the user's input
    std::fprintf(stderr, "spinhop: error: %s\n", one_line(e.what()).c_str());
    rc = 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "spinhop: error: out of memory (a smaller --batch, fewer --threads or a smaller network)\n");
    rc = 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spinhop: internal error: %s\n", one_line(e.what()).c_str());
    rc = 3;
  }
  std::error_code ec;
  if (!temp_config.empty()) std::filesystem::remove(temp_config, ec);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  // whatever escapes (also from reading a --from file before the command line is parsed) is one
  // line, never an abort
  try {
    return run_main(argc, argv);
  } catch (const spinhop::Error& e) {
    std::fprintf(stderr, "spinhop: error: %s\n", one_line(e.what()).c_str());
  } catch (const std::filesystem::filesystem_error& e) {
    std::fprintf(stderr, "spinhop: error: %s\n", one_line(e.what()).c_str());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "spinhop: error: out of memory\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spinhop: internal error: %s\n", one_line(e.what()).c_str());
    return 3;
  } catch (...) {
    std::fprintf(stderr, "spinhop: internal error: an unknown exception\n");
    return 3;
  }
  return 2;
}
