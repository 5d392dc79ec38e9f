#!/usr/bin/env bash
# probe-apiversions.sh HOST:PORT [TIMEOUT_S]
# Exit 0 iff a Kafka-protocol server at HOST:PORT answers an ApiVersions v0 request
# (any response carrying our correlation id counts, even an error code). Pure bash, no JVM,
# so it can poll every few ms and works against any Kafka-wire-compatible broker.
# (Same as ../shared/bench/apache-kafka/probe-apiversions.sh.)
HOSTPORT="$1"; T="${2:-0.5}"
HOST="${HOSTPORT%:*}"; PORT="${HOSTPORT##*:}"
(
  exec 3<>"/dev/tcp/$HOST/$PORT" || exit 1
  # size=11 | api_key=18 | api_version=0 | correlation_id=0x4b52 | client_id="p"
  printf '\x00\x00\x00\x0b\x00\x12\x00\x00\x00\x00\x4b\x52\x00\x01p' >&3
  hex=$(timeout "$T" head -c 8 <&3 | od -An -v -tx1 | tr -d ' \n')
  exec 3>&-
  [ "${#hex}" -eq 16 ] && [ "${hex:8:8}" = "00004b52" ]
) 2>/dev/null
