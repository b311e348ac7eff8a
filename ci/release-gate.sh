#!/usr/bin/env bash
# Cordon release gate: seeds synthetic patients, updates the target, verifies that no patient sees another's data.
#   ci/release-gate.sh [--env NAME] [--phase rehearse|seed|verify|cleanup] [--from R] [--to R] [--fault ID]...
#                      [--patients N] [--consultations N] [--seed S] [--tags EXPR] [--ledger PATH] [--skip-ui] [--shard i/n]
#                      [--no-install] [--no-report]
# Before anything is started or sent, a preflight checks what the run needs (feature files, browser, Docker, an
# external target's port); as root on Debian/Ubuntu a missing Chromium is installed with apt-get unless --no-install.
# Exit: 0 pass, 1 breach or data loss, 2 usage or configuration error (nothing sent), 3 target could not be verified.
# Output: one verdict line, target/cordon/summary.json, target/allure-report/index.html.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

export SE_OFFLINE=true SE_AVOID_STATS=true
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1

stamp=target/.cordon-built
# Whether target/ holds a build of the current sources: this script's last build (the stamp), or Maven's own outputs
# (so after `./mvnw verify` or an IDE-triggered Maven build the gate starts at once instead of building again).
built_from_current_sources() {
  [[ -f target/cordon-classpath.txt && -f target/reference-clinic.jar ]] || return 1
  [[ -f $stamp && -z $(find pom.xml src -newer "$stamp" -print -quit 2>/dev/null) ]] && return 0
  [[ pom.xml -nt target/cordon-classpath.txt ]] && return 1
  # Maven recompiles a whole module when any of its sources changed, so one class of each module stands for all.
  local main=target/classes/dev/cordon/clinic/ClinicMain.class test=target/test-classes/dev/cordon/gate/GateMain.class f
  [[ -f $main && -f $test ]] || return 1
  [[ -z $(find src/main/java -newer "$main" -print -quit 2>/dev/null) ]] || return 1
  [[ -z $(find src/test/java -newer "$test" -print -quit 2>/dev/null) ]] || return 1
  # Resources are copied one by one: every copy must exist and be at least as new as its source.
  while IFS= read -r f; do
    [[ -f target/classes/${f#src/main/resources/} && ! $f -nt target/classes/${f#src/main/resources/} ]] || return 1
  done < <(find src/main/resources -type f 2>/dev/null)
  while IFS= read -r f; do
    [[ -f target/test-classes/${f#src/test/resources/} && ! $f -nt target/test-classes/${f#src/test/resources/} ]] || return 1
  done < <(find src/test/resources -type f 2>/dev/null)
  return 0
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

# C1 only and the serial collector: a gate run is short-lived, and on 2 cores JIT and GC threads compete with it.
exec java ${CORDON_JAVA_OPTS:--Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC} -cp "target/test-classes:target/classes:$(cat target/cordon-classpath.txt)" \
  dev.cordon.gate.GateMain "$@"
