// spinhop: batch Monte-Carlo simulation of all-spintronic DW-MTJ Hopfield networks.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "spinhop/errors.hpp"
#include "spinhop/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"spinhop " SPINHOP_VERSION
               ": Monte-Carlo simulator of all-spintronic (DW-MTJ) Hopfield networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("spinhop ") + SPINHOP_VERSION + " (" +
                                        SPINHOP_GIT_SHA + ")");
  spinhop::cli::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const spinhop::Interrupted& e) {
    std::fprintf(stderr, "spinhop: interrupted: %s\n", e.what());
    return 130;
  } catch (const spinhop::Error& e) {
    std::fprintf(stderr, "spinhop: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spinhop: internal error: %s\n", e.what());
    return 3;
  }
  return 0;
}
