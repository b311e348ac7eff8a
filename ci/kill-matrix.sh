#!/usr/bin/env bash
# Proven detection: runs the gate on the embedded default once per reference clinic fault and once per seed on
# the clean release; prints fault x finding kinds and ends with "kill rate: <caught>/<faults>, false positives: <n>".
#   ci/kill-matrix.sh [--patients N] [--seeds N]      (defaults: 20 patients per run, 5 clean seeds)
# Writes target/cordon/kill-matrix.md and adds it to target/allure-report.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
# Builds the harness if needed, exactly as the gate does (a --help run builds and exits at once).
bash ci/release-gate.sh --help >/dev/null || exit 2
exec java -cp "target/test-classes:target/classes:$(cat target/cordon-classpath.txt)" dev.cordon.gate.KillMatrix "$@"
