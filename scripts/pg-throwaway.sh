#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server in a temporary folder and prints its admin URL.
# Usage: eval "$(scripts/pg-throwaway.sh start)"   → sets DANVAN_TEST_DATABASE_URL, PG_THROWAWAY_DIR
#        scripts/pg-throwaway.sh stop DIR
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail

bindir() {
  for v in 17 16 15 14 13; do
    if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then echo "/usr/lib/postgresql/$v/bin"; return; fi
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    bin=$(bindir) || { echo "echo 'PostgreSQL (initdb) not found' >&2"; exit 1; }
    dir=$(mktemp -d /tmp/danvan-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(( 20000 + RANDOM % 20000 ))
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "export DANVAN_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres PG_THROWAWAY_DIR=$dir"
    ;;
  stop)
    dir="${2:?folder}"
    bin=$(bindir) || exit 0
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
