#!/usr/bin/env bash
# Benchmark of the gate on the embedded default: runs it R times (default 3) and prints the median of each stage's
# wall-clock seconds from target/cordon/summary.json, and the median seeding throughput.
#   ci/benchmark.sh [RUNS] [extra gate arguments...]     e.g.  ci/benchmark.sh 3 --skip-ui
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
runs=${1:-3}; shift || true
out=$(mktemp -d)
for i in $(seq "$runs"); do
  bash ci/release-gate.sh --no-report "$@" >"$out/run$i.log" 2>&1
  rc=$?
  [[ $rc == 0 ]] || { echo "run $i exited $rc (see $out/run$i.log)"; exit 1; }
  cp target/cordon/summary.json "$out/run$i.json"
done
echo "gate benchmark: $runs runs of ci/release-gate.sh $*  ($(nproc) cores)"
jq -s -r '
  def median: sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
  (.[0].timings | keys_unsorted) as $stages
  | ($stages[] as $s | "  \($s): median \(map(.timings[$s]) | median) s"),
    "  whole run: median \(map(.durationSeconds) | median) s",
    "  seeding throughput before the update: median \(map(.population.patients / .timings["seed before-update"]) | median | . * 10 | floor / 10) patients/s (\(.[0].population.patients) patients x \(.[0].population.consultationsPerPatient) consultations)",
    "  patients checked: \(.[0].counts.patientsChecked), recordings: \(.[0].counts.recordingsExpected), pages: \(.[0].counts.pagesFetched)"
' "$out"/run*.json
