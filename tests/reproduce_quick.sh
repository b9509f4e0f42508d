#!/usr/bin/env bash
# CI smoke test of the paper reproduction: the results reader (python/spinhop, its tests when
# pytest is there), then every experiment at --quick scale, then every figure, table and number
# checked by tools/check_reproduction.py.   reproduce_quick.sh SOURCE SPINHOP
set -uo pipefail
src=${1:?source dir}
exe=${2:?spinhop executable}
[ -x /usr/bin/python3 ] || { echo "skipped: no /usr/bin/python3"; exit 77; }
/usr/bin/python3 -c "import h5py, numpy, pandas, matplotlib" 2>/dev/null \
  || { echo "skipped: no h5py/numpy/pandas/matplotlib"; exit 77; }
if /usr/bin/python3 -c "import pytest" 2>/dev/null; then
  SPINHOP_EXE="$exe" /usr/bin/python3 -m pytest -q -p no:cacheprovider "$src/tests/python/test_results_reader.py" \
    || { echo "FAILED: the results reader's tests"; exit 1; }
fi
out=$(mktemp -d /tmp/spinhop-repro-XXXXXX)
trap 'rm -rf "$out"' EXIT
/usr/bin/python3 "$src/tools/reproduce-paper" --quick --spinhop "$exe" --backend cpu --out "$out" \
  || { echo "FAILED: reproduce-paper --quick"; exit 1; }
/usr/bin/python3 "$src/tools/check_reproduction.py" "$out"
