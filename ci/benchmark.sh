#!/usr/bin/env bash
# Cordon at the target's speed (issue 12). One invocation starts the reference clinic as a separate process on
# 127.0.0.1 (release 2.0.0, H2 file database in a temporary directory) and, R times over, measures against it:
#   - the seeding capacity: the same HTTP calls per patient as Cordon's recipe, sent by a plain pooled JDK client on C
#     threads (dev.cordon.bench.SeedingCapacity), for as many patients as Cordon seeds;
#   - wrk on the replay listing (GET /api/replays?page=..&size=..) and on the by-id openers (GET /api/replays/{id} and
#     /media, alternating as Cordon's two openers do), over the patients the capacity run just seeded (a population
#     of Cordon's size, with their valid tokens), C connections; K patients of wrk's own only warm the clinic up; the
#     listing both in the first second straight after seeding and sustained for S seconds;
#   - Cordon's own rehearsal (every check, no browser) on environments/benchmark.yaml with --concurrency C.
# All of it once per scheme: plain HTTP, then HTTPS (the clinic started with --tls, which makes a self-signed certificate;
# wrk, the seeding client and Cordon all speak TLS to it, Cordon trusting the certificate as a CA bundle). For each
# scheme it prints one line per figure with the core count, the medians, and last:
#   SCHEME: listing ratio: <Cordon pages/s / wrk sustained pages/s>, open ratio: <Cordon opens/s / wrk by-id reads/s>,
#           seeding ratio: <Cordon patients/s / the plain client's>
# wrk's listing rate is its sustained rate over the same patients; beside it, its first second straight after seeding
# and the rate for Cordon's two passes (the first at the first-second rate, the second sustained).
#
#   ci/benchmark.sh [--patients N] [--consultations N] [--concurrency C] [--runs R] [--wrk-seconds S] [--wrk-patients K]
#                   [--schemes "http https"] [--warm-patients W]   W: patients of each unreported Cordon warm-up run (500)
#                   [--warm-rounds M]   warm-up runs until the clinic's JIT has settled, at most M (10)
#                   [--pin-target]      the clinic on the first half of the cores, wrk, the seeding client and Cordon on
#                                       the rest (taskset): the target's capacity no longer shares cores with a client's CPU
#                   [--jfr DIR]                                K patients of wrk's own (50) for the warm-up; JFR of Cordon's runs
#   ci/benchmark.sh --scale [--scale-from N] [--scale-to N]   the embedded default at N1 and N2 patients: every stage's
#                                                             time and the ratio between them, wall clock and peak RSS
#   ci/benchmark.sh --heap N                                  --phase seed, then --phase verify of N patients on the
#                                                             benchmark clinic in gate JVMs capped at -Xmx512m
# Exit: 0 figures printed, 1 a run failed (its log is shown), 2 usage, missing wrk, or the clinic did not start.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

patients=2000 consultations=3 concurrency=8 runs=3 wrk_seconds=5 jfr_dir= wrk_patient_count=50 warm_patients=500 warm_rounds=10
pin=0 mode=ratios scale_from=1000 schemes="http https" scale_to=10000 heap_patients=
heap_cap=-Xmx512m
usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit "${1:-2}"; }
while (($#)); do
  case $1 in
    --patients) patients=$2; shift 2 ;;
    --consultations) consultations=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --wrk-seconds) wrk_seconds=$2; shift 2 ;;
    --wrk-patients) wrk_patient_count=$2; shift 2 ;;
    --warm-patients) warm_patients=$2; shift 2 ;;
    --warm-rounds) warm_rounds=$2; shift 2 ;;
    --jfr) jfr_dir=$2; shift 2 ;;
    --schemes) schemes=$2; shift 2 ;;
    --pin-target) pin=1; shift ;;
    --scale) mode=scale; shift ;;
    --scale-from) scale_from=$2; shift 2 ;;
    --scale-to) scale_to=$2; shift 2 ;;
    --heap) mode=heap; heap_patients=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "benchmark: unknown argument $1" >&2; usage ;;
  esac
done
for sch in $schemes; do
  [[ $sch == http || $sch == https ]] || { echo "benchmark: --schemes takes http and/or https, got '$sch'" >&2; exit 2; }
done
for n in "$patients" "$consultations" "$concurrency" "$runs" "$wrk_seconds" "$wrk_patient_count" "$warm_patients" "$warm_rounds" "$scale_from" "$scale_to" ${heap_patients:+"$heap_patients"}; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "benchmark: expected a positive number, got '$n'" >&2; exit 2; }
done

cores=$(nproc)
# --pin-target: the clinic on cores 0..half-1, every client (wrk, the seeding client, Cordon) on the others. Without it
# all share every core, and a client's CPU per request comes out of the target's (docs/benchmarks.md).
pin_target= pin_client= client_cores=$cores topology="$cores cores shared by the clinic and the client"
if (( pin )); then
  command -v taskset >/dev/null || { echo "benchmark: --pin-target needs taskset (util-linux)" >&2; exit 2; }
  (( cores >= 2 )) || { echo "benchmark: --pin-target needs at least 2 cores, this machine has $cores" >&2; exit 2; }
  half=$(( cores / 2 ))
  pin_target="taskset -c 0-$(( half - 1 ))" pin_client="taskset -c $half-$(( cores - 1 ))" client_cores=$(( cores - half ))
  topology="the clinic pinned to $half of $cores cores, every client to the other $client_cores"
fi
# The gate's JVM: against the separate clinic (ratios) C1 only, which measured faster there (docs/benchmarks.md: the
# clinic hashes passwords in its own JVM, and the checks' stages are too short for C2 to pay back); for --heap as
# ci/release-gate.sh picks it (C2 from CORDON_C2_FROM_PATIENTS). The plain seeding client runs on the same flags.
if [[ -n ${CORDON_JAVA_OPTS:-} ]]; then
  gate_opts=$CORDON_JAVA_OPTS
elif [[ $mode == heap ]] && (( heap_patients >= ${CORDON_C2_FROM_PATIENTS:-1000} )); then
  gate_opts="-Xmx1g -XX:+UseSerialGC"
else
  gate_opts="-Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
fi
clinic_opts=${CORDON_BENCH_CLINIC_OPTS:--Xmx1g -XX:+UseSerialGC}

bash ci/release-gate.sh --build-only || exit 2
classpath="target/test-classes:target/classes:$(cat target/cordon-classpath.txt)"

work=$(mktemp -d)
chmod 700 "$work"
clinic_pid=
cleanup() {
  if [[ -n $clinic_pid ]]; then
    kill "$clinic_pid" 2>/dev/null
    wait "$clinic_pid" 2>/dev/null
  fi
  rm -rf "$work" # the token, the secret's header file, the ledgers and their keys go with it
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the clinic, as a separate process both wrk and Cordon talk to ---
secret=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
printf 'Authorization: Bearer %s\n' "$secret" >"$work/operator.header" # curl -H @file: never on a command line
scheme=http ca=
start_clinic() { # [SCHEME]
  scheme=${1:-http}
  local tls=
  [[ $scheme == https ]] && tls=--tls
  # The secret reaches the clinic through its environment, not its arguments (ps shows arguments to everyone).
  CLINIC_OPERATOR_SECRET=$secret $pin_target java $clinic_opts -jar target/reference-clinic.jar --release 2.0.0 $tls \
    --db "jdbc:h2:file:$work/db-$scheme/clinic" --port 0 --access-log "$work/access-$scheme.log" >"$work/clinic.out" 2>&1 &
  clinic_pid=$!
  local port=
  for _ in $(seq 600); do
    port=$(sed -n 's/^clinic ready release=.* port=\([0-9]*\)$/\1/p' "$work/clinic.out" 2>/dev/null)
    [[ -n $port ]] && break
    kill -0 "$clinic_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z $port ]]; then
    echo "benchmark: the clinic did not start:" >&2; cat "$work/clinic.out" >&2; exit 2
  fi
  url=$scheme://127.0.0.1:$port
  ca=
  if [[ $scheme == https ]]; then
    ca=$(sed -n 's/^clinic tls certificate=\([^ ]*\).*/\1/p' "$work/clinic.out")
    [[ -r $ca ]] || { echo "benchmark: the clinic printed no readable certificate:" >&2; cat "$work/clinic.out" >&2; exit 2; }
  fi
  echo "clinic: release 2.0.0 at $url (pid $clinic_pid, separate JVM: $clinic_opts${ca:+; self-signed certificate $ca})"
}

stop_clinic() {
  if [[ -n $clinic_pid ]]; then
    kill "$clinic_pid" 2>/dev/null
    wait "$clinic_pid" 2>/dev/null
    clinic_pid=
  fi
}

# CPU seconds the clinic's JIT compiler threads have used so far (Linux /proc; the thread's name is in parentheses
# and may hold a space, so the fields are counted after it). A target still compiling takes CPU from whoever is
# measured at the time: every figure below is taken on a clinic whose compilers have settled, and says what they used.
clk_tck=$(getconf CLK_TCK)
clinic_jit_seconds() {
  local ticks=0 task
  for task in /proc/"$clinic_pid"/task/*; do
    [[ $(cat "$task/comm" 2>/dev/null) == *Compiler* ]] || continue
    ticks=$(( ticks + $(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{print $12 + $13}') ))
  done
  awk -v t="$ticks" -v hz="$clk_tck" 'BEGIN {printf "%.2f", t / hz}'
}
# CPU seconds the whole clinic process (every thread, user and system) has used so far.
clinic_cpu_seconds() {
  sed 's/.*) //' "/proc/$clinic_pid/stat" 2>/dev/null | awk -v hz="$clk_tck" '{printf "%.2f", ($12 + $13) / hz}'
}
jit_since() { awk -v a="$1" -v b="$(clinic_jit_seconds)" 'BEGIN {printf "%.2f", b - a}'; }

# A gate invocation against the benchmark clinic; the secret is in its environment only.
gate() {
  local env=benchmark
  [[ $scheme == https ]] && env=benchmark-tls
  CORDON_BENCH_URL=$url CORDON_BENCH_SECRET=$secret CORDON_BENCH_CA=$ca CORDON_JAVA_OPTS=$1 $pin_client bash ci/release-gate.sh --env "$env" "${@:2}"
}

# --- wrk ---
ensure_wrk() {
  command -v wrk >/dev/null && return
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "benchmark: installing wrk (apt-get install -y wrk)" >&2
    apt-get install -y wrk >"$work/apt.log" 2>&1 || { tail -5 "$work/apt.log" >&2; exit 2; }
  else
    echo "benchmark: wrk is not installed; run as root: apt-get install -y wrk" >&2
    exit 2
  fi
}

curl_json() { # METHOD PATH [BODY] [AUTH-HEADER-FILE]
  curl -sSf ${ca:+--cacert "$ca"} -X "$1" ${4:+-H "@$4"} -H 'Content-Type: application/json' ${3:+-d "$3"} "$url$2"
}

# Patients of wrk's own, as many recordings each as a Cordon patient, so both read pages and items of one shape; wrk
# rotates over them as Cordon's checks go from patient to patient (one hot patient would flatter the clinic's cache).
wrk_patients() {
  local k password user consultation token
  : >"$work/wrk-listing-targets"; : >"$work/wrk-byid-targets"
  for k in $(seq "$wrk_patient_count"); do
    password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
    user=wrk-$k-$(date +%s%N)
    curl_json POST /api/operator/patients "{\"name\":\"Wrk Patient\",\"dateOfBirth\":\"1980-02-29\",\"nhsNumber\":\"9990000018\",\"username\":\"$user\",\"email\":\"$user@patients.cordon.invalid\",\"password\":\"$password\",\"externalRef\":\"$user\"}" "$work/operator.header" >/dev/null || return 1
    token=$(curl_json POST /api/login "{\"username\":\"$user\",\"password\":\"$password\"}" | jq -r .token) || return 1
    printf 'Authorization: Bearer %s\n' "$token" >"$work/patient.header"
    for c in $(seq "$consultations"); do
      consultation=$(curl_json POST /api/consultations "{\"slot\":\"2032-0$(( k % 9 + 1 ))-$(printf %02d $(( c % 28 + 1 )))T09:00:00Z\",\"clinician\":\"Dr Wrk\"}" "$work/patient.header" | jq -r .id) || return 1
      curl_json POST "/api/operator/consultations/$consultation/start" "" "$work/operator.header" >/dev/null || return 1
      curl_json POST "/api/operator/consultations/$consultation/complete" "" "$work/operator.header" | jq -r '.recordingIds[]' |
        while read -r r; do printf '%s /api/replays/%s\n%s /api/replays/%s/media\n' "$token" "$r" "$token" "$r"; done >>"$work/wrk-byid-targets" || return 1
    done
    for p in $(seq "$pages"); do
      printf '%s /api/replays?page=%s&size=%s\n' "$token" "$p" "$page_size" >>"$work/wrk-listing-targets"
    done
  done
  rm -f "$work/patient.header"
  echo "wrk patients: $wrk_patient_count, $(wc -l <"$work/wrk-listing-targets") listing pages and $(wc -l <"$work/wrk-byid-targets") by-id reads in rotation (tokens kept in $work only)"
}

# wrk reads "TOKEN PATH" lines from the file named in CORDON_WRK_TARGETS (in the private temporary directory) and
# asks for them in turn: the listing's pages of each patient, or each patient's recordings through both openers.
cat >"$work/rotate.lua" <<'LUA'
local targets = {}
for line in io.lines(os.getenv("CORDON_WRK_TARGETS")) do
  local token, path = line:match("^(%S+) (%S+)$")
  targets[#targets + 1] = { path, { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" } }
end
local n = 0
request = function()
  n = n + 1
  local t = targets[n % #targets + 1]
  return wrk.format("GET", t[1], t[2])
end
LUA

# wrk TARGETS-FILE SECONDS -> requests/s; a non-2xx answer voids the figure (a rate of refusals is no capacity).
# Leaves in $work/wrk-cpu the CPU microseconds per request of wrk and of the clinic over the turn.
run_wrk() {
  local out threads=$(( client_cores < concurrency ? client_cores : concurrency )) TIMEFORMAT='%U %S' clinic0
  clinic0=$(clinic_cpu_seconds)
  { time out=$(CORDON_WRK_TARGETS=$1 $pin_client wrk -t "$threads" -c "$concurrency" -d "${2}s" -s "$work/rotate.lua" "$url/"); } 2>"$work/wrk.time" ||
    { echo "benchmark: wrk failed" >&2; return 1; }
  if grep -q 'Non-2xx' <<<"$out"; then
    echo "benchmark: wrk saw answers that are not 2xx:" >&2; echo "$out" >&2; return 1
  fi
  awk -v c0="$clinic0" -v c1="$(clinic_cpu_seconds)" -v t="$(tail -1 "$work/wrk.time")" '/ requests in / {
    split(t, u, " "); if ($1 > 0) printf "%.1f %.1f\n", (u[1] + u[2]) * 1e6 / $1, (c1 - c0) * 1e6 / $1 }' <<<"$out" >"$work/wrk-cpu"
  awk '/^Requests\/sec:/ {print $2}' <<<"$out"
}

median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) exit 1; if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

# --- mode: the ratios ---
ratios() {
  ensure_wrk
  local sch
  for sch in $schemes; do
    ratios_on "$sch"
  done
  for sch in $schemes; do
    cat "$work/line-$sch"
  done
}

# The whole measurement on one scheme, against a clinic of its own; leaves its ratio line in $work/line-SCHEME.
ratios_on() {
  start_clinic "$1"
  local dir=$work/$scheme
  mkdir -m 700 "$dir"
  local client_list=default
  page_size=$(sed -n 's/^  pageSize: *\([0-9]*\).*/\1/p' environments/benchmark.yaml)
  pages=$(( (consultations + page_size - 1) / page_size ))
  wrk_patients || { echo "benchmark: could not prepare wrk's patients" >&2; exit 1; }
  echo "$scheme: machine: $topology; concurrency $concurrency (wrk connections = Cordon callers = seeding threads); $patients patients x $consultations consultations; page size $page_size; $runs runs"
  # Warm the clinic's JIT before anything is measured, on every path either side uses; not reported. wrk's two
  # endpoints, then whole rehearsals of Cordon's (seeding, logins, every check) on warm_patients patients until the
  # clinic's compiler threads use less than 0.25 s of CPU in one (at most warm_rounds). With a single rehearsal the
  # clinic's C2 still compiled through the first measured runs (H2, Jetty, sign-up, booking, who-am-I: 5.7 s of
  # compiler CPU during the first 2,000-patient verify, 2.1 s in the third; it settles after four or five), taking a
  # tenth to a quarter of the two cores from whichever side was measured (perf, docs/benchmarks.md). A long-running
  # staging is warm; both sides are measured on a settled one, and each turn's compiler CPU is printed.
  run_wrk "$work/wrk-listing-targets" 3 >/dev/null && run_wrk "$work/wrk-byid-targets" 3 >/dev/null || exit 1
  local round jit0 jit
  for round in $(seq "$warm_rounds"); do
    jit0=$(clinic_jit_seconds)
    if ! gate "$gate_opts" --skip-ui --no-report --patients "$warm_patients" --consultations "$consultations" \
        --concurrency "$concurrency" --ledger "$dir/ledger-warm$round.jsonl" >"$dir/gate-warm.log" 2>&1; then
      echo "benchmark: Cordon's $scheme warm-up run did not pass:" >&2; tail -25 "$dir/gate-warm.log" >&2; exit 1
    fi
    jit=$(jit_since "$jit0")
    echo "$scheme: warm-up $round: one Cordon rehearsal of $warm_patients patients (not reported); the clinic's JIT compilers used $jit s of CPU"
    awk -v j="$jit" 'BEGIN {exit !(j < 0.25)}' && break
  done
  awk -v j="$jit" 'BEGIN {exit !(j < 0.25)}' ||
    echo "$scheme: warm-up: the clinic's JIT had not settled after $warm_rounds rehearsals (each turn's compiler CPU is printed below)"
  local jfr_opt=
  for i in $(seq "$runs"); do
    local f l b s c
    # The seeding capacity first: the patients it seeds (as many as Cordon's, of the same shape) are the ones wrk then
    # reads, so that wrk and Cordon face a population of one size on the same clinic.
    mkdir -m 700 "$dir/cap$i"
    s=$(CORDON_BENCH_SECRET=$secret CORDON_BENCH_CA=$ca $pin_client java $gate_opts -cp "$classpath" dev.cordon.bench.SeedingCapacity "$url" "$patients" \
      "$consultations" "$concurrency" "cap$i-$(date +%s)" "$dir/cap$i" "$page_size") || { echo "benchmark: the seeding capacity run failed" >&2; exit 1; }
    echo "$scheme run $i: $s ($cores cores)"
    sed -n 's/.* = \([0-9.]*\) patients\/s.*/\1/p' <<<"$s" >>"$dir/capacity"
    # The first second straight after seeding: the clinic reads rows it has just written more slowly than rows it has
    # read before, and Cordon's first listing check is such a first read (docs/benchmarks.md, "like for like").
    jit0=$(clinic_jit_seconds)
    f=$(run_wrk "$dir/cap$i/listing-targets" 1) || exit 1
    l=$(run_wrk "$dir/cap$i/listing-targets" "$wrk_seconds") || exit 1
    read -r wrk_cpu_l clinic_cpu_l <"$work/wrk-cpu"
    b=$(run_wrk "$dir/cap$i/byid-targets" "$wrk_seconds") || exit 1
    read -r wrk_cpu_b clinic_cpu_b <"$work/wrk-cpu"
    echo "$scheme run $i: wrk listing $f pages/s in the first second after seeding, then $l sustained; wrk by-id $b reads/s; over the $patients patients seeded just before ($cores cores, $concurrency connections, ${wrk_seconds} s each; the clinic's JIT compilers used $(jit_since "$jit0") s of CPU meanwhile)"
    echo "$f" >>"$dir/wrk-first"; echo "$l" >>"$dir/wrk-listing"; echo "$b" >>"$dir/wrk-byid"
    for c in ${client_list//,/ }; do
      local opts=$gate_opts
      if [[ -n $jfr_dir ]]; then
        mkdir -p "$jfr_dir"; jfr_opt=" -XX:StartFlightRecording=filename=$(realpath "$jfr_dir")/cordon-$scheme-$c-run$i.jfr,settings=profile"
      fi
      local started=$SECONDS
      jit0=$(clinic_jit_seconds)
      if ! gate "$opts$jfr_opt" --skip-ui --no-report --patients "$patients" --consultations "$consultations" \
          --concurrency "$concurrency" --ledger "$dir/ledger-$c-$i.jsonl" >"$dir/gate-$c-$i.log" 2>&1; then
        echo "benchmark: Cordon's $scheme run $i did not pass:" >&2; tail -25 "$dir/gate-$c-$i.log" >&2; exit 1
      fi
      cp target/cordon/summary.json "$dir/summary-$c-$i.json"
      jit=$(jit_since "$jit0")
      # What wrk would take for Cordon's two listing passes: the first (rows just seeded) at wrk's first-second rate,
      # the second (the same rows again) at its sustained rate. Printed beside the ratio, not its denominator.
      jq -r --arg f "$f" --arg l "$l" '.stageCounts as $c
        | $c["check recordings listing replay"].pagesFetched as $p1 | $c["check every listing"].pagesFetched as $p2
        | ($p1 + $p2) / ($p1 / ($f | tonumber) + $p2 / ($l | tonumber))' "$dir/summary-$c-$i.json" >>"$dir/wrk-two-pass-$c"
      jq -r --arg run "$scheme run $i" --arg client "$c" --arg cores "$cores" --arg wall "$((SECONDS - started))" --arg jit "$jit" '
        def rate(n; d): if d > 0 then (n / d * 10 | round / 10) else 0 end;
        .timings as $t | .stageCounts as $c
        | ["check recordings listing replay", "check every listing"] as $l
        | "\($run): Cordon seeding \(rate($c["seed before-update"].patientsSeeded; $t["seed before-update"])) patients/s, logins \(rate($c["log in patients"].requests; $t["log in patients"])) /s, listing \(rate([$l[] | $c[.].pagesFetched] | add; [$l[] | $t[.]] | add)) pages/s (first listing check \(rate($c[$l[0]].pagesFetched; $t[$l[0]])), every listing \(rate($c[$l[1]].pagesFetched; $t[$l[1]]))), own items \(rate($c["check own items"].ownRecordingsOpened; $t["check own items"])) opens/s; run \($wall) s, \(.counts.pagesFetched) pages, \(.counts.ownRecordingsOpened) opens, \(.counts.foreignProbes) foreign probes (\($cores) cores); the clinic\u0027s JIT compilers used \($jit) s of CPU meanwhile"
      ' "$dir/summary-$c-$i.json"
      # CPU per request, the budget on shared cores: every microsecond a client spends is the target's.
      jq -r --arg run "$scheme run $i" --arg wl "$wrk_cpu_l" --arg cl "$clinic_cpu_l" --arg wb "$wrk_cpu_b" --arg cb "$clinic_cpu_b" '
        def per(n; d): if (d // 0) > 0 then ((n // 0) / d * 10 | round / 10) else "-" end;
        .stageCounts as $c | ["check recordings listing replay", "check every listing"] as $l
        | "\($run): CPU per request (µs): Cordon listing \(per([$l[] | $c[.].gateCpuMicros] | add; [$l[] | $c[.].pagesFetched] | add)) per page, own items \(per($c["check own items"].gateCpuMicros; $c["check own items"].ownRecordingsOpened)) per open; wrk \($wl) per page, \($wb) per by-id read; the clinic under wrk \($cl) per page, \($cb) per by-id read"
      ' "$dir/summary-$c-$i.json"
    done
  done
  stop_clinic
  local wl wf wb cap
  wl=$(median <"$dir/wrk-listing"); wf=$(median <"$dir/wrk-first"); wb=$(median <"$dir/wrk-byid"); cap=$(median <"$dir/capacity")
  printf '%s median wrk listing: %.1f pages/s sustained, %.1f in the first second after seeding (%s cores)\n' "$scheme" "$wl" "$wf" "$cores"
  printf '%s median wrk by-id: %.1f reads/s (%s cores)\n' "$scheme" "$wb" "$cores"
  printf '%s median seeding capacity: %.1f patients/s (%s cores)\n' "$scheme" "$cap" "$cores"
  local first=1
  for c in ${client_list//,/ }; do
    jq -r '
      .timings as $t | .stageCounts as $c | ["check recordings listing replay", "check every listing"] as $l
      | "\($c["seed before-update"].patientsSeeded / $t["seed before-update"]) \(([$l[] | $c[.].pagesFetched] | add) / ([$l[] | $t[.]] | add)) \($c["check own items"].ownRecordingsOpened / $t["check own items"])"
    ' "$dir"/summary-"$c"-*.json >"$dir/cordon-$c"
    local cs cl co w2
    w2=$(median <"$dir/wrk-two-pass-$c")
    cs=$(awk '{print $1}' "$dir/cordon-$c" | median); cl=$(awk '{print $2}' "$dir/cordon-$c" | median); co=$(awk '{print $3}' "$dir/cordon-$c" | median)
    printf '%s median Cordon: listing %.1f pages/s, own items %.1f opens/s, seeding %.1f patients/s (%s cores)\n' "$scheme" "$cl" "$co" "$cs" "$cores"
    echo "$scheme: listing against wrk's first second: $(ratio "$cl" "$wf"), against wrk on Cordon's two passes ($(printf %.1f "$w2") pages/s): $(ratio "$cl" "$w2")"
    local line="listing ratio: $(ratio "$cl" "$wl"), open ratio: $(ratio "$co" "$wb"), seeding ratio: $(ratio "$cs" "$cap")"
    if (( first )); then
      echo "$scheme: $line" >"$work/line-$scheme"
      first=0
    fi
  done
}

# --- mode: scale (the embedded default, as `ci/release-gate.sh --skip-ui --no-report --patients N` runs it) ---
scale() {
  echo "machine: $cores cores; embedded default (environments/local.yaml), --skip-ui --no-report, $scale_from and $scale_to patients"
  for n in "$scale_from" "$scale_to"; do
    local started=$SECONDS
    if ! /usr/bin/time -f '%M' -o "$work/rss-$n" bash ci/release-gate.sh --skip-ui --no-report --patients "$n" >"$work/scale-$n.log" 2>&1; then
      echo "benchmark: the run of $n patients did not pass:" >&2; tail -25 "$work/scale-$n.log" >&2; exit 1
    fi
    cp target/cordon/summary.json "$work/scale-$n.json"
    echo "$n patients: $((SECONDS - started)) s end to end (build checked, JVM start included), peak RSS $(( $(tail -1 "$work/rss-$n") / 1024 )) MB ($cores cores)"
  done
  jq -r -s --arg a "$scale_from" --arg b "$scale_to" --arg cores "$cores" '
    .[0].timings as $s | .[1].timings as $l
    | ($l | keys_unsorted[]) as $k
    | def ms: . * 1000 | round / 1000;
      "  \($k): \($s[$k] // 0 | ms) s -> \($l[$k] | ms) s = \(if ($s[$k] // 0) > 0 then ($l[$k] / $s[$k] * 10 | round / 10 | tostring) + "x" else "-" end) (\($cores) cores)"
  ' "$work/scale-$scale_from.json" "$work/scale-$scale_to.json"
  jq -r -s --arg cores "$cores" '"  whole run: \(.[0].durationSeconds) s -> \(.[1].durationSeconds) s = \(.[1].durationSeconds / .[0].durationSeconds * 10 | round / 10)x (\($cores) cores)"' \
    "$work/scale-$scale_from.json" "$work/scale-$scale_to.json"
}

# --- mode: heap (seed and verify in separate gate JVMs capped at 512 MB) ---
heap() {
  start_clinic http
  echo "machine: $cores cores; $heap_patients patients x $consultations consultations on the benchmark clinic, gate JVMs with $heap_cap"
  local opts="$gate_opts $heap_cap"
  for phase in seed verify; do
    local started=$SECONDS rc
    /usr/bin/time -f '%M' -o "$work/rss-$phase" env CORDON_BENCH_URL="$url" CORDON_BENCH_SECRET="$secret" \
      CORDON_JAVA_OPTS="$opts -Xlog:gc:file=$work/gc-$phase.log" bash ci/release-gate.sh --env benchmark --phase "$phase" --skip-ui \
      --no-report --patients "$heap_patients" --consultations "$consultations" --concurrency "$concurrency" \
      --ledger "$work/heap-ledger.jsonl" >"$work/heap-$phase.log" 2>&1
    rc=$?
    # The largest heap in use after a collection: what the run keeps alive (before-GC figures include garbage).
    local live
    live=$(sed -n 's/.*->\([0-9]*\)M([0-9]*M).*/\1/p' "$work/gc-$phase.log" | sort -n | tail -1)
    echo "phase $phase: exit $rc, $((SECONDS - started)) s, peak heap after GC ${live:-?} MB of $heap_cap, peak RSS $(( $(tail -1 "$work/rss-$phase") / 1024 )) MB ($cores cores)"
    grep -E '^VERDICT|OutOfMemory' "$work/heap-$phase.log" | head -3
    [[ $rc == 0 ]] || { tail -25 "$work/heap-$phase.log" >&2; exit 1; }
  done
}

case $mode in
  ratios) ratios ;;
  scale) scale ;;
  heap) heap ;;
esac
