#!/usr/bin/env bash
# Cordon release gate: seeds synthetic patients, updates the target, verifies that no patient sees another's data.
#   ci/release-gate.sh [--env NAME] [--phase rehearse|seed|verify|cleanup] [--from R] [--to R] [--fault ID]...
#                      [--patients N] [--consultations N] [--seed S] [--tags EXPR] [--ledger PATH] [--skip-ui] [--shard i/n]
#                      [--no-install] [--no-report]
#   ci/release-gate.sh --list-faults            the reference clinic's faults, each with the release it comes from
#   ci/release-gate.sh --list-steps [--markdown]     every step the features may use (docs/steps.md); sends nothing
#   ci/release-gate.sh --merge DIR...   one verdict from the shards of one verify (each DIR: a shard's target/cordon
#                                       and target/allure-results); a missing or duplicate shard is exit 3
# Before anything is started or sent, a preflight checks what the run needs (feature files, browser, Docker, an
# external target's port); as root on Debian/Ubuntu a missing Chromium is installed with apt-get unless --no-install.
# Exit: 0 pass, 1 breach or data loss, 2 usage or configuration error (nothing sent), 3 target could not be verified.
# Output: one verdict line, target/cordon/summary.json, target/allure-report/index.html.
set -uo pipefail
# --merge DIR... may name folders relative to where the caller stands.
export CORDON_CALLER_DIR="$PWD"
cd "$(dirname "$0")/.." || exit 2

export SE_OFFLINE=true SE_AVOID_STATS=true
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1

stamp=target/.cordon-built
# Whether target/ holds a build of the current sources: this script's last build (the stamp), or Maven's own outputs
# (so after `./mvnw verify` or an IDE-triggered Maven build the gate starts at once instead of building again).
built_from_current_sources() {
  [[ -f target/cordon-classpath.txt && -f target/reference-clinic.jar ]] || return 1
  [[ -f $stamp && -z $(find pom.xml src -newer "$stamp" -print -quit 2>/dev/null) ]] && return 0
  local lists=target/maven-status/maven-compiler-plugin
  local main_list=$lists/compile/default-compile/inputFiles.lst test_list=$lists/testCompile/default-testCompile/inputFiles.lst
  local main_class=target/classes/dev/cordon/clinic/ClinicMain.class test_class=target/test-classes/dev/cordon/gate/GateMain.class
  [[ -f $main_list && -f $test_list && -f $main_class && -f $test_class ]] || return 1
  # Maven's compiler rewrites its input lists on every build, even with nothing to compile: nothing (pom, source,
  # resource) may have changed since the last Maven build ...
  [[ -z $(find pom.xml src -newer "$main_list" -print -quit) && -z $(find pom.xml src -newer "$test_list" -print -quit) ]] || return 1
  # ... and that build must have compiled (Maven recompiles a whole module when one of its sources changed, so one
  # class of each module stands for all of them; a failed compile leaves it older than the changed source) ...
  [[ -z $(find src/main/java -newer "$main_class" -print -quit) && -z $(find src/test/java -newer "$test_class" -print -quit) ]] || return 1
  # ... and packaged: the clinic jar does not predate the clinic's sources.
  [[ -z $(find src/main -newer target/reference-clinic.jar -print -quit) ]]
}

if ! built_from_current_sources; then
  mkdir -p target
  echo "cordon: building the harness and the reference clinic (./mvnw -DskipTests package) ..." >&2
  if ! ./mvnw -q -B -DskipTests package >target/cordon-build.log 2>&1; then
    echo "cordon: the build failed; see target/cordon-build.log" >&2
    tail -20 target/cordon-build.log >&2
    exit 2
  fi
  touch "$stamp"
fi

# ci/benchmark.sh builds through this script (one definition of "built"), then starts the clinic jar itself.
[[ ${1:-} == --build-only ]] && exit 0
# The reference clinic's fault catalogue (what --fault takes): one line per fault with the release it comes from.
[[ ${1:-} == --list-faults ]] && exec java -jar target/reference-clinic.jar --list-faults

# The serial collector, and C1 only for a short run: on 2 cores JIT and GC threads compete with it. A run of
# CORDON_C2_FROM_PATIENTS patients or more (--patients) keeps C2: the embedded clinic's password hashing (two PBKDF2
# per patient, once more per login after the update) runs several times faster there (docs/benchmarks.md).
patients_asked=0
for ((i = 1; i < $#; i++)); do
  [[ ${!i} == --patients ]] && { j=$((i + 1)); patients_asked=${!j}; }
done
if [[ $patients_asked =~ ^[0-9]+$ ]] && ((patients_asked >= ${CORDON_C2_FROM_PATIENTS:-1000})); then
  default_java_opts="-Xmx1g -XX:+UseSerialGC"
else
  default_java_opts="-Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
fi
exec java ${CORDON_JAVA_OPTS:-$default_java_opts} -cp "target/test-classes:target/classes:$(cat target/cordon-classpath.txt)" \
  dev.cordon.gate.GateMain "$@"
