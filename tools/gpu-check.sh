#!/usr/bin/env bash
# GPU check: configure with CUDA, build, run the GPU tests with SPINHOP_REQUIRE_GPU=1 and the
# throughput benchmark on one GPU; logs go to the folder given as the first argument.
#
#   tools/gpu-check.sh LOGDIR [--prebuilt BUILDDIR] [--quick]
#
# --prebuilt uses binaries built elsewhere (for a GPU machine without the build dependencies);
# --quick times fewer configurations. Finishes in a few minutes on one H100/H200.
set -uo pipefail
logs=${1:?usage: tools/gpu-check.sh LOGDIR [--prebuilt BUILDDIR] [--quick]}
shift
build=""
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prebuilt) build=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    *) echo "gpu-check: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$logs"
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
{
  date -u +"%Y-%m-%dT%H:%M:%SZ"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1
  nproc
} > "$logs/machine.txt" 2>&1
cat "$logs/machine.txt"

if [ -z "$build" ]; then
  build="$root/build-gpu"
  cmake -S "$root" -B "$build" -DSPINHOP_ENABLE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
    > "$logs/configure.log" 2>&1 || { echo "configure failed"; tail -20 "$logs/configure.log"; exit 1; }
  cmake --build "$build" -j"$(nproc)" > "$logs/build.log" 2>&1 || { echo "build failed"; tail -40 "$logs/build.log"; exit 1; }
fi

echo "== GPU tests (the every-backend suites and the regression cases on cuda, bitwise against the CPU)"
SPINHOP_REQUIRE_GPU=1 timeout 300 ctest --test-dir "$build" -L gpu -j4 --output-on-failure \
  > "$logs/gpu-tests.log" 2>&1
rc=$?
grep -E "tests passed|tests failed|Failed|\*\*\*|Failure|Expected|Which is|actual" "$logs/gpu-tests.log" | head -80
[ $rc -eq 0 ] || status=1

echo "== benchmark"
if [ $quick -eq 1 ]; then
  args=(--neurons 10,60,100 --seconds 1)
else
  args=(--neurons 10,29,60,100,256 --seconds 1)
fi
timeout 150 "$build/spinhop_bench" --backend cuda "${args[@]}" --json "$logs/bench.json" \
  > "$logs/bench.log" 2>&1 || status=1
[ $quick -eq 1 ] && cat "$logs/bench.log"
if [ $quick -eq 0 ]; then
  # the per-device kernel (used with variation or noise) on the same nominal workloads, with
  # its layout alternatives, then variation and double precision
  timeout 120 "$build/spinhop_bench" --backend cuda --neurons 10,29,60,100,256 --seconds 1 \
    --per-device --gpu-layouts --json "$logs/bench.json" >> "$logs/bench.log" 2>&1 || status=1
  timeout 60 "$build/spinhop_bench" --backend cuda --neurons 60 --seconds 2 --variation \
    --json "$logs/bench.json" >> "$logs/bench.log" 2>&1 || status=1
  timeout 60 "$build/spinhop_bench" --backend cuda --neurons 60,100 --seconds 2 --precision double \
    --json "$logs/bench.json" >> "$logs/bench.log" 2>&1 || status=1
  cat "$logs/bench.log"
fi
echo "== an 800-node max-cut graph on both backends (issue 16: one block of 804 neurons)"
# nominal trials (the spectral start and three of its roundings): the same cuts and times on
# cuda and cpu, bit for bit, and the wall time and peak memory of each
for b in cuda cpu; do
  timeout 120 /usr/bin/time -f "wall %e s, peak RSS %M kB" "$build/spinhop" maxcut --random-graph 800 \
    --density 0.06 --graphs 1 -t 4 --seed 11 --backend "$b" > "$logs/maxcut800-$b.log" 2>&1 || status=1
  grep -E "backend|time to solution|graph gnp|wall" "$logs/maxcut800-$b.log"
done
if ! diff <(grep "graph gnp" "$logs/maxcut800-cuda.log") <(grep "graph gnp" "$logs/maxcut800-cpu.log") > /dev/null; then
  echo "the 800-node max-cut differs between cuda and cpu"
  status=1
fi
echo "== end-to-end"
timeout 60 "$build/spinhop" recall -n 60 -t 50000 --backend cuda > "$logs/recall.log" 2>&1 || status=1
cat "$logs/recall.log"
exit $status
