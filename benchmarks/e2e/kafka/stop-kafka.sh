#!/usr/bin/env bash
# stop-kafka.sh DATA_DIR — SIGTERM the Kafka broker whose PID is in DATA_DIR/pid (controlled
# shutdown), wait up to STOP_TIMEOUT_S (default 60) and SIGKILL only that PID if it is still alive.
# (Same as ../shared/bench/apache-kafka/stop-kafka.sh.)
set -euo pipefail
if [ $# -ne 1 ]; then echo "usage: $0 DATA_DIR" >&2; exit 2; fi
DATA="$1"; PIDF="$DATA/pid"
[ -f "$PIDF" ] || { echo "no $PIDF" >&2; exit 1; }
PID="$(cat "$PIDF")"
if ! kill -0 "$PID" 2>/dev/null; then echo "pid $PID not running"; rm -f "$PIDF"; exit 0; fi
# Guard against a recycled PID: only signal a kafka.Kafka JVM.
if ! tr '\0' ' ' < "/proc/$PID/cmdline" | grep -q 'kafka\.Kafka '; then
  echo "pid $PID is not a kafka.Kafka process; refusing" >&2; exit 1
fi
kill -TERM "$PID"
for _ in $(seq 1 $(( ${STOP_TIMEOUT_S:-60} * 10 ))); do
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$PID" 2>/dev/null; then echo "pid $PID still alive, SIGKILL" >&2; kill -KILL "$PID"; fi
rm -f "$PIDF"
