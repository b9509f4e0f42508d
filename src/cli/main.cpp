// spinhop: batch Monte-Carlo simulation of all-spintronic DW-MTJ Hopfield networks.
#include <csignal>
#include <string>
#include <vector>

#include "cluster.hpp"
#include "entry.hpp"
#include "spinhop/errors.hpp"

int main(int argc, char** argv) {
  // a file that cannot grow (full disk, size limit) is a write error, not a killed process
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    spinhop::cli::mpi_start(&argc, &argv);
  } catch (const spinhop::Error& e) {
    spinhop::cli::print_message(spinhop::cli::Message::Error, e.what());
    return 2;
  }
  struct MpiStop {
    ~MpiStop() { spinhop::cli::mpi_stop(); }
  } mpi_stop_at_exit;
  return spinhop::cli::run_command(std::vector<std::string>(argv + 1, argv + argc));
}
