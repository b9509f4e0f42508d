#!/usr/bin/env bash
# `mpirun -n 2 spinhop ...` (one shard per rank, rank 0 merges) gives the same trial data as one
# process.   test_mpi.sh SOURCE_DIR SPINHOP_EXE [MPI_BUILT=ON|OFF]
set -uo pipefail
src=${1:?source dir}
exe=${2:?spinhop executable}
# without MPI in the build, mpirun would start two independent whole runs: nothing to test
[ "${3:-ON}" = "ON" ] || { echo "skipped: spinhop built without MPI"; exit 77; }
command -v mpirun >/dev/null || { echo "skipped: no mpirun"; exit 77; }
work=$(mktemp -d /tmp/spinhop-mpi-XXXXXX)
trap 'rm -rf "$work"' EXIT
args=(images -t 24 --sweep distortion=0,0.3 --threads 1 -q)
root=()
[ "$(id -u)" -eq 0 ] && root=(--allow-run-as-root)
timeout 300 mpirun "${root[@]}" --oversubscribe -n 2 "$exe" "${args[@]}" -o "$work/mpi.h5" \
  || { echo "FAILED: mpirun"; exit 1; }
[ ! -e "$work/mpi.h5.shard-0-of-2" ] || { echo "FAILED: shard files left behind"; exit 1; }
"$exe" "${args[@]}" -o "$work/one.h5" || { echo "FAILED: single run"; exit 1; }
/usr/bin/python3 "$src/tests/python/compare_trials.py" "$work/mpi.h5" "$work/one.h5"
