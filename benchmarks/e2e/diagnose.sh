#!/usr/bin/env bash
# diagnose.sh produce-cpu|latency-pinned — the two measurements behind benchmarks/RESULTS.md's
# explanations of the produce and one-in-flight latency figures, for Gregor and Kafka 4.4 in turn
# (each a fresh single node with -Xms1g -Xmx1g on 127.0.0.1, data under a temporary directory).
#
#   produce-cpu     ProducerPerformance (2,000,000 x 1 KiB, linger.ms=5, batch.size=65536) on 1 and
#                   16 partitions with acks=1 and on 1 partition with acks=all; samples the CPU of
#                   the broker and of every thread of the tool's JVM over 4 s, 2 s after it starts.
#   latency-pinned  E2eLatencyHiRes (one record in flight, 3 x 10,000 after 5,000 warm-up) and
#                   BenchTool latency (5,000 records/s, acks=all, 2 x 50,000 after 10,000 warm-up)
#                   with the broker and the client sharing both cores, then on separate cores (taskset).
# Env: as common.sh (JAVA, KAFKA_REF_LIB); PORT (default 19901).
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
ROOT="$(cd "$E2E_HOME/../.." && pwd)"
MODE="${1:-}"
case "$MODE" in produce-cpu|latency-pinned) ;; *) echo "usage: $0 produce-cpu|latency-pinned" >&2; exit 2 ;; esac
ensure_kafka_lib
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
PORT="${PORT:-19901}"
TOOL_CLASSES="$WORK/classes"
"${JAVA%java}javac" -nowarn -d "$TOOL_CLASSES" -cp "$KAFKA_REF_LIB/*" "$E2E_HOME/E2eLatencyHiRes.java" "$E2E_HOME/BenchTool.java" 2>&1 | grep -v '^Note:' >&2 || true

start_broker() { # SYSTEM PIN -> BOOTSTRAP, BROKER_PID
  local d="$WORK/$1-$RANDOM"; mkdir -p "$d"
  if [ "$1" = gregor ]; then
    GREGOR_HEAP_OPTS="-Xms1g -Xmx1g" $2 "$ROOT/bin/gregor" start --override "listeners=PLAINTEXT://127.0.0.1:$PORT" \
      --override "log.dir=$d/logs" --override "zookeeper.embedded.data.dir=$d/zk" --override zookeeper.embedded.port=0 \
      --override group.initial.rebalance.delay.ms=0 > "$d/out" 2>&1 < /dev/null &
    BROKER_PID=$!
    until "$E2E_HOME/probe-apiversions.sh" "127.0.0.1:$PORT" 0.2; do sleep 0.05; done
  else
    $2 "$E2E_HOME/kafka/start-kafka.sh" "$PORT" "$d" > /dev/null
    BROKER_PID=$(cat "$d/pid")
  fi
  BOOTSTRAP="127.0.0.1:$PORT"; BROKER_DIR="$d"
}
stop_broker() { # SYSTEM
  if [ "$1" = gregor ]; then kill -TERM "$BROKER_PID"; while kill -0 "$BROKER_PID" 2>/dev/null; do sleep 0.1; done
  else "$E2E_HOME/kafka/stop-kafka.sh" "$BROKER_DIR" > /dev/null 2>&1; fi
}
topic() { kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --topic "$1" --partitions "$2" > /dev/null 2>&1; }
thread_cpu() { # PID -> "name ticks" per thread, summed by name
  for t in /proc/"$1"/task/*; do printf '%s\t%s\n' "$(cat "$t/comm")" "$(sed 's/^.*) //' "$t/stat" | awk '{print $12+$13}')"; done 2>/dev/null \
    | awk -F'\t' '{a[$1]+=$2} END {for (k in a) print k"\t"a[k]}' | sort -t$'\t' -k1,1
}

produce_cpu() { # TOPIC ACKS
  kafka_tool org.apache.kafka.tools.ProducerPerformance --topic "$1" --num-records 2000000 --record-size 1024 --throughput -1 \
    --producer-props "bootstrap.servers=$BOOTSTRAP" "acks=$2" linger.ms=5 batch.size=65536 > "$WORK/pp.out" 2>&1 &
  local job=$! tool b0 b1 t0 t1
  sleep 2
  tool=$(pgrep -f "^[^ ]*java .*ProducerPerformance --topic $1 " | head -1)
  b0=$(cpu_s "$BROKER_PID"); t0=$(date +%s.%N); thread_cpu "$tool" > "$WORK/s0"
  sleep 4
  b1=$(cpu_s "$BROKER_PID"); t1=$(date +%s.%N); thread_cpu "$tool" > "$WORK/s1"
  wait "$job"
  echo "  $(tail -1 "$WORK/pp.out" | cut -d, -f1-2)"
  awk -v b0="$b0" -v b1="$b1" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "  broker: %.0f%% of a core\n", (b1-b0)/(t1-t0)*100}'
  join -t $'\t' "$WORK/s0" "$WORK/s1" | awk -F'\t' -v el="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b-a}')" -v tck="$CLK_TCK" \
    '{d=($3-$2)/tck/el*100; if (d >= 1) printf "  tool thread %-20s %3.0f%% of a core\n", $1, d}'
}

hires() { # LABEL CLIENT_PIN
  local r
  for r in 1 2 3; do
    # shellcheck disable=SC2086
    $2 timeout 300 "$JAVA" $TOOL_HEAP $KAFKA_PERF_OPTS -Dlog4j2.configurationFile="$E2E_HOME/kafka/log4j2-tools.properties" \
      -cp "$TOOL_CLASSES:$KAFKA_REF_LIB/*" E2eLatencyHiRes "$BOOTSTRAP" hires 10000 all 1024 2>/dev/null | sed "s/^/  $1 run $r: /"
  done
}

for system in gregor kafka; do
  if [ "$MODE" = produce-cpu ]; then
    start_broker "$system" ""
    topic p1 1; topic p16 16
    for run in "p1 1" "p16 1" "p1 all"; do
      set -- $run
      echo "$system: $1 acks=$2"
      produce_cpu "$1" "$2"
    done
    stop_broker "$system"
  else
    for pin in shared split; do
      if [ "$pin" = split ]; then broker_pin="taskset -c 1"; client_pin="taskset -c 0"; else broker_pin=""; client_pin=""; fi
      start_broker "$system" "$broker_pin"
      topic hires 1
      # shellcheck disable=SC2086
      $client_pin timeout 300 "$JAVA" $TOOL_HEAP $KAFKA_PERF_OPTS -Dlog4j2.configurationFile="$E2E_HOME/kafka/log4j2-tools.properties" \
        -cp "$TOOL_CLASSES:$KAFKA_REF_LIB/*" E2eLatencyHiRes "$BOOTSTRAP" hires 5000 all 1024 > /dev/null 2>&1 || true
      hires "$system $pin" "$client_pin"
      topic fixed 1
      for r in 1 2; do
        # shellcheck disable=SC2086
        $client_pin timeout 300 "$JAVA" $TOOL_HEAP $KAFKA_PERF_OPTS -Dlog4j2.configurationFile="$E2E_HOME/kafka/log4j2-tools.properties" \
          -cp "$TOOL_CLASSES:$KAFKA_REF_LIB/*" BenchTool latency "$BOOTSTRAP" fixed 5000 50000 10000 1024 all 2>/dev/null \
          | grep '^latency' | sed "s/^/  $system $pin fixed rate run $r: /"
      done
      stop_broker "$system"
    done
  fi
done
