#!/usr/bin/env bash
# Makes a PostgreSQL server available for the tests and prints ONE line on stdout: an admin
# connection URL (superuser `postgres`, database `postgres`). Progress goes to stderr.
#
# In order: $TEST_POSTGRES_URL if set (it must answer); a server on 127.0.0.1:5432 that lets
# `postgres` log in; else a throw-away cluster in a temp dir (installing Debian's `postgresql`
# first when missing), recorded in a state file so later runs reuse it while it runs.
#
#   scripts/ensure-postgres.sh          print the URL, starting a cluster if needed
#   scripts/ensure-postgres.sh --stop   stop and delete the throw-away cluster, if any
#
# ENSURE_POSTGRES_IGNORE_DEFAULT=1 skips the 127.0.0.1:5432 probe (to exercise the fallback).
set -euo pipefail

STATE_FILE="${ENSURE_POSTGRES_STATE_FILE:-/tmp/incident-response-test-postgres.$(id -u).state}"
FIRST_PORT=55432

log() { printf 'ensure-postgres: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# True when something accepts TCP connections on host:port (no PostgreSQL client needed).
port_open() {
  local host=$1 port=$2
  if have pg_isready; then
    # Exit 1 means "rejecting connections" (e.g. starting up): still a server on the port.
    local rc=0
    pg_isready -q -h "$host" -p "$port" -t 3 || rc=$?
    [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]
  else
    timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
  fi
}

# True when the URL accepts a login and answers a query. Without psql, a ready server will do.
url_answers() {
  local url=$1
  if have psql; then
    PGCONNECT_TIMEOUT=5 psql -X -w -Atq -d "$url" -c 'select 1' >/dev/null 2>&1
  elif have pg_isready; then
    pg_isready -q -d "$url" -t 5
  else
    local rest=${url#*://}
    rest=${rest#*@}
    rest=${rest%%/*}
    rest=${rest%%\?*}
    local host=${rest%%:*} port=5432
    [ "$rest" != "$host" ] && port=${rest#*:}
    port_open "${host:-127.0.0.1}" "$port"
  fi
}

# Runs a command as the cluster's owner: `postgres` when we are root (PostgreSQL refuses to run
# as root), else ourselves. Fd 9 (the state lock) is closed so the server does not inherit it.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if have runuser; then
      runuser -u postgres -- "$@" 9>&-
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")" 9>&-
    fi
  else
    "$@" 9>&-
  fi
}

find_bindir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$initdb" ] && dirname "$initdb"
}

install_postgres() {
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and installing it needs root. Run 'sudo apt-get install -y postgresql', or set TEST_POSTGRES_URL to a server you can use."
  have apt-get || die "PostgreSQL is not installed and apt-get is not available. Set TEST_POSTGRES_URL to a server you can use."
  log "installing Debian's postgresql (about 15 s)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
}

free_port() {
  local port=$FIRST_PORT
  while port_open 127.0.0.1 "$port"; do
    port=$((port + 1))
    [ "$port" -lt $((FIRST_PORT + 100)) ] || die "no free port in $FIRST_PORT-$port"
  done
  echo "$port"
}

# Starts the cluster in $1 on a free port (preferring $2), records it and sets URL.
start_cluster() {
  local dir=$1 preferred=${2:-} port
  if [ -n "$preferred" ] && ! port_open 127.0.0.1 "$preferred"; then port=$preferred; else port=$(free_port); fi
  # fsync and full-page writes are off: the cluster is throw-away, and tests run faster.
  as_owner "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start </dev/null >&2 || { tail -n 20 "$dir/server.log" >&2 || true; die "the throw-away cluster in $dir did not start"; }
  printf 'dir=%s\nport=%s\n' "$dir" "$port" >"$STATE_FILE"
  URL="postgres://postgres@127.0.0.1:$port/postgres"
}

# Reads dir= and port= from the state file into STATE_DIR and STATE_PORT.
read_state() {
  STATE_DIR='' STATE_PORT=''
  [ -f "$STATE_FILE" ] || return 0
  STATE_DIR=$(sed -n 's/^dir=//p' "$STATE_FILE")
  STATE_PORT=$(sed -n 's/^port=//p' "$STATE_FILE")
}

cluster_running() {
  [ -n "$STATE_DIR" ] && [ -f "$STATE_DIR/data/PG_VERSION" ] && as_owner "$BINDIR/pg_ctl" -D "$STATE_DIR/data" status >/dev/null 2>&1
}

lock_state() {
  exec 9>"$STATE_FILE.lock"
  if have flock; then flock -w 120 9 || die "timed out waiting for $STATE_FILE.lock"; fi
}

stop_cluster() {
  lock_state
  read_state
  if [ -z "$STATE_DIR" ]; then log "no throw-away cluster recorded in $STATE_FILE"; return 0; fi
  BINDIR=$(find_bindir) || die "PostgreSQL binaries not found under /usr/lib/postgresql"
  if cluster_running; then
    log "stopping the throw-away cluster in $STATE_DIR"
    as_owner "$BINDIR/pg_ctl" -D "$STATE_DIR/data" -m fast -w stop </dev/null >&2
  fi
  case "$STATE_DIR" in /tmp/ir-test-pg.*) rm -rf -- "$STATE_DIR" ;; esac
  rm -f -- "$STATE_FILE"
}

main() {
  if [ -n "${TEST_POSTGRES_URL:-}" ]; then
    url_answers "$TEST_POSTGRES_URL" || die "TEST_POSTGRES_URL is set but does not answer: $TEST_POSTGRES_URL"
    echo "$TEST_POSTGRES_URL"
    return
  fi

  if [ "${ENSURE_POSTGRES_IGNORE_DEFAULT:-}" != 1 ] && port_open 127.0.0.1 5432; then
    local url=postgres://postgres@127.0.0.1:5432/postgres
    if url_answers "$url"; then
      log "using the server on 127.0.0.1:5432"
      echo "$url"
      return
    fi
    log "a server answers on 127.0.0.1:5432 but user postgres cannot log in; starting a throw-away cluster"
  fi

  lock_state
  BINDIR=$(find_bindir) || { install_postgres; BINDIR=$(find_bindir) || die "initdb not found after installing postgresql"; }

  read_state
  if cluster_running; then
    URL="postgres://postgres@127.0.0.1:$STATE_PORT/postgres"
    if url_answers "$URL"; then
      log "reusing the throw-away cluster in $STATE_DIR"
      echo "$URL"
      return
    fi
    log "the cluster in $STATE_DIR runs but does not answer; stopping it"
    as_owner "$BINDIR/pg_ctl" -D "$STATE_DIR/data" -m immediate -w stop </dev/null >&2 || true
  fi

  if [ -n "$STATE_DIR" ] && [ -f "$STATE_DIR/data/PG_VERSION" ]; then
    log "restarting the throw-away cluster in $STATE_DIR"
    start_cluster "$STATE_DIR" "$STATE_PORT"
  else
    local dir
    dir=$(mktemp -d /tmp/ir-test-pg.XXXXXX)
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
    log "creating a throw-away cluster in $dir"
    as_owner "$BINDIR/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 </dev/null >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    start_cluster "$dir"
  fi
  url_answers "$URL" || die "the throw-away cluster started but $URL does not answer"
  log "throw-away cluster ready at $URL (stop it with scripts/ensure-postgres.sh --stop)"
  echo "$URL"
}

case "${1:-}" in
  '') main ;;
  --stop) stop_cluster ;;
  *) die "unknown argument: $1 (expected none or --stop)" ;;
esac
