#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: Debian's postgresql package,
# a cluster in a folder of its own, a Unix socket only (no TCP port), trust
# logins. As root it runs as the `postgres` system user (PostgreSQL refuses
# to run as root).
#
#   tests/postgres/pg_server.sh start DIR   initdb + start; prints the URI
#                                           base (postgresql:///?host=DIR)
#   tests/postgres/pg_server.sh stop DIR    stops it and removes DIR
#   tests/postgres/pg_server.sh halt DIR    stops it (fast), keeping DIR
#   tests/postgres/pg_server.sh resume DIR  starts it again
#
# A watchdog stops the server once the process that started it (ctest, or
# a test script) is gone, so that no server outlives its tests.
set -euo pipefail

usage() { echo "usage: pg_server.sh start|stop|halt|resume DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
command=$1
dir=$(realpath -m "$2")
script=$(realpath "$0")
# The server's user may not enter the caller's folder (a checkout under
# /root, say): run from one it can.
cd /

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z $bin || ! -x $bin/initdb ]]; then
  echo "pg_server.sh: PostgreSQL's server is not installed (scripts/setup --tests)" >&2
  exit 1
fi

as_server() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl() { as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" "$@"; }

start() {
  pg_ctl -w -t 60 -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=on -c max_connections=200" start >/dev/null
}

case $command in
  start)
    rm -rf "$dir"
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
    as_server "$bin/initdb" -D "$dir/data" --auth=trust -U postgres \
      --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    start
    owner=$PPID
    # The watchdog: detached, its output nowhere, gone with the server.
    nohup bash -c "while kill -0 $owner 2>/dev/null && [[ -d '$dir/data' ]]; do sleep 1; done
      [[ -d '$dir/data' ]] && '$script' stop '$dir'" >/dev/null 2>&1 &
    echo "postgresql:///postgres?host=$dir&user=postgres"
    ;;
  stop)
    if [[ -d $dir/data ]]; then pg_ctl -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  halt) pg_ctl -m fast -w stop >/dev/null ;;
  resume) start ;;
  *) usage ;;
esac
