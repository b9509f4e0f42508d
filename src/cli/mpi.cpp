// the C API only (OpenMPI would pull in its deprecated C++ bindings from a .cpp file)
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <cstdlib>

#include "cluster.hpp"

namespace spinhop::cli {

namespace {

MpiContext g_ctx;

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MV2_COMM_WORLD_SIZE",
                        "PMI_RANK"}) {
    if (std::getenv(v) != nullptr) return true;
  }
  return false;
}

}  // namespace

MpiContext mpi_start(int* argc, char*** argv) {
  if (!launched_by_mpi()) return g_ctx;
  MPI_Init(argc, argv);
  g_ctx.active = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_ctx.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_ctx.size);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_ctx.rank, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &g_ctx.local_rank);
  MPI_Comm_free(&node);
  return g_ctx;
}

const MpiContext& mpi_context() { return g_ctx; }

bool mpi_all(bool ok) {
  if (!g_ctx.active) return ok;
  int mine = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return all == 1;
}

void mpi_stop() {
  if (g_ctx.active) MPI_Finalize();
  g_ctx.active = false;
}

}  // namespace spinhop::cli
