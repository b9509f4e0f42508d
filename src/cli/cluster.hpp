// MPI, when spinhop is built with it and started by mpirun: every rank runs one shard of the
// run into its own file (its GPU chosen by its rank on the node), and rank 0 merges the shards
// into the one output file. Each rank writing its own file needs no parallel HDF5, and every
// shard stays resumable on its own.
#pragma once

#include <string>

namespace spinhop::cli {

struct MpiContext {
  bool active = false;  // started by an MPI launcher (and built with MPI)
  int rank = 0, size = 1, local_rank = 0;
};

// Initialises MPI when an MPI launcher started this process; inactive otherwise.
MpiContext mpi_start(int* argc, char*** argv);
const MpiContext& mpi_context();
// True on every rank iff every rank passed true.
bool mpi_all(bool ok);
void mpi_stop();

}  // namespace spinhop::cli
