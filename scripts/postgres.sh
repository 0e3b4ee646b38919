#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the contract tests; prints its URL on stdout.
# Usage: eval "$(scripts/postgres.sh start)"  /  scripts/postgres.sh stop
source "$(dirname "$0")/lib.sh"
DIR="${PGTEST_DIR:-/tmp/convene-pgtest}"
PORT="${PGTEST_PORT:-55432}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
# The postgres user may not be able to enter the caller's directory (a private temp clone).
cd /
case "${1:-start}" in
  start)
    ensure_apt postgresql >/dev/null
    BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    if [ -f "$DIR/postmaster.pid" ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR" stop -m immediate >/dev/null 2>&1 || true; fi
    rm -rf "$DIR" && mkdir -p "$DIR" && chown postgres "$DIR"
    runuser -u postgres -- "$BIN/initdb" -D "$DIR" -A trust -U postgres >/dev/null
    runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR" -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" -l "$DIR/log" -w start >/dev/null
    runuser -u postgres -- "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres convene_test
    echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/convene_test"
    ;;
  stop)
    [ -n "$BIN" ] && [ -f "$DIR/postmaster.pid" ] && runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR" stop -m fast >/dev/null || true
    ;;
esac
