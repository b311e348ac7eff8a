#!/usr/bin/env bash
# Builds the local base images the container rehearsal needs where no registry is reachable (CI, air-gapped
# machines), from Debian's packages with debootstrap: a JRE 17 image and a PostgreSQL 15 image whose entrypoint
# behaves like the official postgres image's (POSTGRES_USER/PASSWORD/DB, initdb, a temporary server, then the real one).
# Idempotent: an image that `docker image inspect` finds is skipped. Prints how long each step took.
#   ci/images/build-offline-images.sh            build what is missing
#   FORCE=1 ci/images/build-offline-images.sh    rebuild both
# Names (override with the same variables the gate reads): CORDON_OFFLINE_JRE_IMAGE, CORDON_OFFLINE_POSTGRES_IMAGE.
set -euo pipefail
cd "$(dirname "$0")/../.."

JRE_IMAGE=${CORDON_OFFLINE_JRE_IMAGE:-cordon-offline/jre17:bookworm}
POSTGRES_IMAGE=${CORDON_OFFLINE_POSTGRES_IMAGE:-cordon-offline/postgres:15}
SUITE=${CORDON_OFFLINE_SUITE:-bookworm}
MIRROR=${CORDON_DEBIAN_MIRROR:-}          # empty: debootstrap's default Debian mirror
WORK=${CORDON_OFFLINE_WORK:-$PWD/target/offline-images}   # rootfs dirs live here, never in git, removed after import

log() { echo "[build-offline-images] $*"; }
since() { echo $(( $(date +%s) - $1 )); }

command -v docker >/dev/null || { log "docker is not installed"; exit 1; }
docker info >/dev/null 2>&1 || { log "the Docker engine does not answer (start dockerd first; see docs/containers.md)"; exit 1; }

# Rootfs dirs are removed after import, and on any exit (also a failed or interrupted build).
CLEANUP=()
trap 'rm -rf "${CLEANUP[@]}"; rmdir "$WORK" 2>/dev/null || true' EXIT
ARCH=$(dpkg --print-architecture)

present() { [[ -z ${FORCE:-} ]] && docker image inspect "$1" >/dev/null 2>&1; }

# debootstrap ROOTFS PACKAGES..., then slim it down (apt lists, docs, man pages, locales) and import it as IMAGE.
bootstrap_and_import() {
  local image=$1 include=$2 changes=$3 rootfs
  command -v debootstrap >/dev/null || { log "debootstrap is not installed (apt-get install -y debootstrap)"; exit 1; }
  mkdir -p "$WORK"
  rootfs=$(mktemp -d "$WORK/rootfs.XXXXXX")
  CLEANUP+=("$rootfs")
  local t0; t0=$(date +%s)
  log "$image: debootstrap --variant=minbase --include=$include $SUITE (about 100 s) ..."
  if ! debootstrap --variant=minbase --include="$include" "$SUITE" "$rootfs" $MIRROR >"$WORK/debootstrap-${image//[\/:]/_}.log" 2>&1; then
    log "$image: debootstrap failed; last lines of $WORK/debootstrap-${image//[\/:]/_}.log:"
    tail -20 "$WORK/debootstrap-${image//[\/:]/_}.log"
    exit 1
  fi
  log "$image: debootstrap took $(since "$t0") s"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
         "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/log/*.log
  if [[ -n ${4:-} ]]; then "$4" "$rootfs"; fi
  local t1; t1=$(date +%s)
  local args=(--message "cordon offline base image from Debian $SUITE: $include")
  while IFS= read -r c; do [[ -n $c ]] && args+=(--change "$c"); done <<<"$changes"
  tar --numeric-owner -C "$rootfs" -c . | docker import "${args[@]}" - "$image" >/dev/null
  rm -rf "$rootfs"
  log "$image: docker import took $(since "$t1") s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1000000}'))"
}

# The PostgreSQL image's entrypoint, as in the official image: on an empty data directory initdb with
# POSTGRES_USER/POSTGRES_PASSWORD, start a temporary server on a unix socket only, create POSTGRES_DB, stop it,
# then exec the real server with the container's arguments ("postgres -c ..."). So "database system is ready to
# accept connections" is logged twice, which is what Testcontainers' PostgreSQLContainer waits for.
add_postgres_entrypoint() {
  local rootfs=$1
  # The package's own cluster (created by its postinst) is not used: the entrypoint initialises $PGDATA.
  rm -rf "$rootfs"/var/lib/postgresql/*/main "$rootfs"/etc/postgresql/*/main
  cat >"$rootfs/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/bash
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
export PATH="$PGBIN:$PATH"
export PGDATA=${PGDATA:-/var/lib/postgresql/data}
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
if [[ ${1:-postgres} == -* ]]; then set -- postgres "$@"; fi
if [[ ${1:-} != postgres ]]; then exec "$@"; fi
if [[ $(id -u) == 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [[ ! -s $PGDATA/PG_VERSION ]]; then
  [[ -n ${POSTGRES_PASSWORD:-} ]] || { echo "error: POSTGRES_PASSWORD is not set" >&2; exit 1; }
  pwfile=$(mktemp); printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
         --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" -w start
  if [[ $POSTGRES_DB != postgres ]]; then
    psql -v ON_ERROR_STOP=1 -h /var/run/postgresql -U "$POSTGRES_USER" -d postgres -q \
         -c "CREATE DATABASE \"$POSTGRES_DB\""
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "PostgreSQL init process complete; ready for start up."
fi
exec "$@" -c unix_socket_directories=/var/run/postgresql
ENTRY
  chmod 755 "$rootfs/usr/local/bin/docker-entrypoint.sh"
}

total=$(date +%s)
if present "$JRE_IMAGE"; then
  log "$JRE_IMAGE: present, skipped"
else
  bootstrap_and_import "$JRE_IMAGE" openjdk-17-jre-headless \
    "ENV LANG=C.UTF-8"$'\n'"ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$ARCH"
fi
if present "$POSTGRES_IMAGE"; then
  log "$POSTGRES_IMAGE: present, skipped"
else
  bootstrap_and_import "$POSTGRES_IMAGE" postgresql \
    $'ENV LANG=C.UTF-8\nENV PGDATA=/var/lib/postgresql/data\nENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]\nCMD ["postgres"]' \
    add_postgres_entrypoint
fi
log "done in $(since "$total") s: $JRE_IMAGE, $POSTGRES_IMAGE"
