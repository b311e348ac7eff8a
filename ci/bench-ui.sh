#!/usr/bin/env bash
# Benchmark of the web replays page check: runs the gate with only the @ui scenario and prints
#   - the median seconds per patient page check after the browser is up (login, every page read, API listing, compare;
#     goal <= 1.5 s),
#   - browser start-up, the whole page check for the sample (browser.sample, default 20), and the gate end to end
#     (seeding and the update included).
#   ci/bench-ui.sh [gate options, e.g. --patients 30]
# The benchmark fails when the page check left no timings.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
command -v jq >/dev/null || { echo "bench-ui: needs jq (apt-get install jq)" >&2; exit 2; }

rm -f target/cordon/ui-timings.json
log=target/cordon/bench-ui.log
mkdir -p target/cordon
started=$(date +%s.%N)
bash ci/release-gate.sh --tags @ui --no-report "$@" >"$log" 2>&1
rc=$?
ended=$(date +%s.%N)
t=target/cordon/ui-timings.json
if [[ ! -f $t ]]; then
  echo "bench-ui: no page check timings (gate exit $rc); see $log" >&2
  grep -E "VERDICT|note:" "$log" >&2
  exit 1
fi
median=$(jq -r .medianPatientSeconds "$t")
printf 'median per patient page check after browser start: %s s (goal <= 1.5 s: %s); page part only %s s, slowest %s s\n' \
  "$median" "$(awk -v m="$median" 'BEGIN{print (m <= 1.5) ? "met" : "NOT met"}')" \
  "$(jq -r .medianPageOnlySeconds "$t")" "$(jq -r .maxPatientSeconds "$t")"
printf 'sample: %s patients, %s pages, %s browser(s) in parallel, browser start %s s\n' \
  "$(jq -r .patients "$t")" "$(jq -r .pages "$t")" "$(jq -r .browsers "$t")" "$(jq -r '.browserStartSeconds | join(" s, ")' "$t")"
printf 'page check of the sample (browser start included): %s s\n' "$(jq -r .checkWallSeconds "$t")"
printf 'gate end to end (build check, seeding, update, page check): %.1f s (summary durationSeconds %s)\n' \
  "$(awk -v a="$started" -v b="$ended" 'BEGIN{print b - a}')" "$(jq -r .durationSeconds target/cordon/summary.json)"
printf 'machine: %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
