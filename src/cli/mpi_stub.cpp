// Built without MPI: spinhop runs as one process (shards through --shard and Slurm arrays).
#include <cstdlib>

#include "cluster.hpp"
#include "spinhop/errors.hpp"

namespace spinhop::cli {

namespace {
MpiContext g_ctx;
}

MpiContext mpi_start(int*, char***) {
  // started by mpirun but built without MPI: every rank would run the whole job
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MV2_COMM_WORLD_SIZE"}) {
    const char* s = std::getenv(v);
    if (s != nullptr && std::atoi(s) > 1) {
      throw ParameterError("started by mpirun, but this spinhop was built without MPI (install "
                           "libopenmpi-dev and rebuild, or use --shard K/N per process)");
    }
  }
  return g_ctx;
}
const MpiContext& mpi_context() { return g_ctx; }
bool mpi_all(bool ok) { return ok; }
void mpi_stop() {}

}  // namespace spinhop::cli
