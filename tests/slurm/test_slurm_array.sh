#!/usr/bin/env bash
# Slurm end to end: a local one-node cluster (munge, slurmctld, slurmd), a 3-task array run of a
# small sweep submitted through tools/slurm/spinhop-slurm, the dependent merge, and the merged
# file compared trial for trial with the single-process run. Then one shard is lost and
# resubmitted alone. Needs root and Debian's slurm-wlm and munge; exits 77 (skipped) otherwise.
#   test_slurm_array.sh SOURCE_DIR SPINHOP_EXE
set -uo pipefail
src=${1:?source dir}
exe=${2:?spinhop executable}
if [ "$(id -u)" -ne 0 ] || ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "skipped: needs root, slurm-wlm and munge"
  exit 77
fi
work=$(mktemp -d /tmp/spinhop-slurm-XXXXXX)
cluster="$work/cluster"
fail() {
  echo "FAILED: $*"
  echo "--- logs"
  tail -n 30 "$cluster"/log/*.log "$work"/run/logs/*.log 2>/dev/null
  squeue 2>/dev/null
  exit 1
}
cleanup() {
  "$src/tests/slurm/local-cluster.sh" stop "$cluster" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
export SLURM_CONF
SLURM_CONF=$(timeout 60 "$src/tests/slurm/local-cluster.sh" start "$cluster") || fail "the local cluster did not start"

cat > "$work/exp.toml" <<TOML
task = "recall"
neurons = 12
trials = 40
seed = 3
sweep = ["W=0.05,0.1", "P=1,2"]
TOML

wait_for() {  # job id, seconds
  local id=$1 left=$2
  while [ "$left" -gt 0 ]; do
    state=$(sacct -j "$id" -n -o State 2>/dev/null | head -1 | tr -d ' ')
    if ! squeue -h -j "$id" 2>/dev/null | grep -q .; then return 0; fi
    sleep 1
    left=$((left - 1))
  done
  fail "job $id did not finish in time"
}

"$src/tools/slurm/spinhop-slurm" submit "$work/exp.toml" --shards 3 --out "$work/run" \
  --cpus-per-task 1 --time 00:05:00 --spinhop "$exe" || fail "submit"
wait_for "$(cat "$work/run/array.jobid")" 120
wait_for "$(cat "$work/run/merge.jobid")" 60
[ -f "$work/run/results.h5" ] || fail "no merged results.h5"
"$exe" run "$work/exp.toml" -q -o "$work/single.h5" || fail "single-process run"
/usr/bin/python3 "$src/tests/python/compare_trials.py" "$work/run/results.h5" "$work/single.h5" \
  || fail "merged array run differs from the single-process run"

# a lost shard is rerun alone; the merge is redone
rm -f "$work/run/shard-1.h5" "$work/run/results.h5"
"$src/tools/slurm/spinhop-slurm" resubmit --out "$work/run" --tasks 1 || fail "resubmit"
wait_for "$(cat "$work/run/merge.jobid")" 120
/usr/bin/python3 "$src/tests/python/compare_trials.py" "$work/run/results.h5" "$work/single.h5" \
  || fail "resubmitted run differs"
echo "slurm array run equals the single-process run"
