#!/usr/bin/env bash
# Executes every notebook of examples/ (nbconvert) with the package of this build, in a scratch
# directory: they must run without an error.   run_notebooks.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=${1:?source dir}
build=${2:?build dir}
/usr/bin/python3 -c "import nbconvert, ipykernel" 2>/dev/null || { echo "skipped: no nbconvert/ipykernel"; exit 77; }
[ -n "$(ls "$build"/python/spinhop/_core*.so 2>/dev/null)" ] || { echo "skipped: spinhop._core not built"; exit 77; }
work=$(mktemp -d /tmp/spinhop-notebooks-XXXXXX)
trap 'rm -rf "$work"' EXIT
cp "$src"/examples/*.ipynb "$work/"
export PYTHONPATH="$build/python" SPINHOP_DATA="$src/data" MPLBACKEND=Agg
status=0
for nb in "$work"/*.ipynb; do
  start=$(date +%s)
  if /usr/bin/python3 -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
       --output-dir "$work/out" "$nb" >"$work/log" 2>&1; then
    echo "$(basename "$nb"): ran in $(( $(date +%s) - start )) s"
  else
    echo "FAILED: $(basename "$nb")"; tail -30 "$work/log"; status=1
  fi
done
exit $status
