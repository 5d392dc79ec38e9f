#!/usr/bin/env bash
# probe-findcoordinator.sh HOST:PORT [TIMEOUT_S]
# Sends one FindCoordinator v2 request (group "gregor-bench-probe") and prints the error code of the
# answer: 0 = a coordinator, 15 = COORDINATOR_NOT_AVAILABLE (groups exist, the offsets topic is being
# created), 35 = UNSUPPORTED_VERSION (the broker has no consumer groups). Exit 1 when there is no answer.
# Pure bash, like probe-apiversions.sh.
HOSTPORT="$1"; T="${2:-5}"
HOST="${HOSTPORT%:*}"; PORT="${HOSTPORT##*:}"
(
  exec 3<>"/dev/tcp/$HOST/$PORT" || exit 1
  # size=32 | api_key=10 | api_version=2 | correlation_id=0x4b53 | client_id="p"
  # | key="gregor-bench-probe" (18 bytes) | key_type=0 (group)
  printf '\x00\x00\x00\x20\x00\x0a\x00\x02\x00\x00\x4b\x53\x00\x01p\x00\x12gregor-bench-probe\x00' >&3
  # size | correlation_id | throttle_time_ms | error_code
  hex=$(timeout "$T" head -c 14 <&3 | od -An -v -tx1 | tr -d ' \n')
  exec 3>&-
  [ "${#hex}" -eq 28 ] && [ "${hex:8:8}" = "00004b53" ] || exit 1
  echo $((16#${hex:24:4}))
) 2>/dev/null
