#!/usr/bin/env bash
# Cordon release gate: seeds synthetic patients, updates the target, verifies that no patient sees another's data.
#   ci/release-gate.sh [--env NAME] [--phase rehearse|seed|verify|cleanup] [--from R] [--to R] [--fault ID]...
#                      [--patients N] [--consultations N] [--seed S] [--tags EXPR] [--ledger PATH] [--skip-ui] [--shard i/n]
# Exit: 0 pass, 1 breach or data loss, 2 usage or configuration error (nothing sent), 3 target could not be verified.
# Output: one verdict line, target/cordon/summary.json, target/allure-report/index.html.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

export SE_OFFLINE=true SE_AVOID_STATS=true
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1

stamp=target/.cordon-built
# Build once, and again only when the sources changed since (the gate itself runs without Maven).
if [[ ! -f $stamp || ! -f target/cordon-classpath.txt ]] || [[ -n $(find pom.xml src -newer "$stamp" -print -quit 2>/dev/null) ]]; then
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
