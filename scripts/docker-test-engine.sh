#!/usr/bin/env bash
# Starts or stops a private Docker engine for sandcheck's image and docker tests.
# It installs nothing (see .ci/setup-docker.sh); it needs root and Debian's docker.io.
#   scripts/docker-test-engine.sh start   -> prints the DOCKER_HOST to use, exit 0 once the engine answers
#   scripts/docker-test-engine.sh stop    -> stops the engine it started (by its pid file)
#   scripts/docker-test-engine.sh status  -> exit 0 if the engine answers
set -euo pipefail

ROOT=${SANDCHECK_DOCKER_ROOT:-/tmp/sandcheck-docker}
SOCK="$ROOT/docker.sock"
PIDFILE="$ROOT/docker.pid"
LOG="$ROOT/dockerd.log"
HOST="unix://$SOCK"

answers() {
  # /_ping needs no docker CLI; curl is not guaranteed, so use node (always present for sandcheck).
  node -e '
    const http = require("node:http");
    const req = http.get({ socketPath: process.argv[1], path: "/_ping", timeout: 2000 }, (res) => {
      process.exit(res.statusCode === 200 ? 0 : 1);
    });
    req.on("error", () => process.exit(1));
    req.on("timeout", () => { req.destroy(); process.exit(1); });
  ' "$SOCK" 2>/dev/null
}

start() {
  mkdir -p "$ROOT"
  # Test files running in parallel may all ask for the engine: start it once.
  exec 9>"$ROOT.lock"
  flock 9
  if [ -S "$SOCK" ] && answers; then
    echo "$HOST"
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "docker-test-engine: must run as root to start dockerd" >&2
    return 1
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "docker-test-engine: dockerd not installed (run .ci/setup-docker.sh)" >&2
    return 1
  fi
  mkdir -p "$ROOT/data" "$ROOT/exec"
  rm -f "$SOCK"
  nohup dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
    --host="$HOST" --data-root="$ROOT/data" --exec-root="$ROOT/exec" \
    --pidfile="$PIDFILE" >"$LOG" 2>&1 </dev/null 9>&- &
  for _ in $(seq 1 120); do
    if [ -S "$SOCK" ] && answers; then
      echo "$HOST"
      return 0
    fi
    sleep 0.5
  done
  echo "docker-test-engine: dockerd did not answer within 60 s; last log lines:" >&2
  tail -n 5 "$LOG" >&2 || true
  return 1
}

stop() {
  if [ ! -f "$PIDFILE" ]; then
    return 0
  fi
  local pid
  pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" || true
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
