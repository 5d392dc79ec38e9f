# Sourced by bin/gregor-bench and the scripts in benchmarks/e2e: paths, the JVM, the Kafka jars.
# Env: JAVA_HOME / JAVA, KAFKA_REF_LIB (where the Apache Kafka 4.4.0 jars are; fetched from Maven
#      Central on first use), TOOL_HEAP (client tool JVMs, default -Xmx512M as Kafka's perf scripts),
#      TOOL_TIMEOUT_S (kill a client tool after this long, default 900).
E2E_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_VERSION=4.4.0
KAFKA_REF_LIB="${KAFKA_REF_LIB:-${XDG_CACHE_HOME:-$HOME/.cache}/gregor-bench/kafka-$KAFKA_VERSION/lib}"
if [ -z "${JAVA:-}" ]; then
  if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
fi
TOOL_HEAP="${TOOL_HEAP:--Xmx512M}"
TOOL_TIMEOUT_S="${TOOL_TIMEOUT_S:-900}"
# Kafka's kafka-run-class.sh JVM flags, for the reference broker and the tools.
KAFKA_PERF_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"

now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", (b-a)/1e9}'; }

# Fetches the Kafka jars into KAFKA_REF_LIB unless they are there (no jars are kept in the repository).
ensure_kafka_lib() {
  if [ ! -f "$KAFKA_REF_LIB/kafka-tools-$KAFKA_VERSION.jar" ] || [ ! -f "$KAFKA_REF_LIB/kafka_2.13-$KAFKA_VERSION.jar" ]; then
    echo "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_REF_LIB" >&2
    mkdir -p "$KAFKA_REF_LIB"
    mvn -q -B -f "$E2E_HOME/kafka/pom.xml" dependency:copy-dependencies -DoutputDirectory="$KAFKA_REF_LIB" >&2
  fi
}

# kafka_tool CLASS_OR_JAVA_FILE ARGS...: a Kafka client tool JVM with the Kafka jars, under a timeout.
kafka_tool() {
  # shellcheck disable=SC2086
  timeout --kill-after=10 "$TOOL_TIMEOUT_S" "$JAVA" $TOOL_HEAP $KAFKA_PERF_OPTS \
    -Dlog4j2.configurationFile="$E2E_HOME/kafka/log4j2-tools.properties" ${KAFKA_OPTS:-} \
    -cp "${TOOL_CLASSES:+$TOOL_CLASSES:}$KAFKA_REF_LIB/*" "$@"
}

# rss_kb PID / cpu_s PID: resident set (KiB) and user+sys CPU seconds of a process.
rss_kb() { ps -o rss= -p "$1" | tr -d ' '; }
CLK_TCK=$(getconf CLK_TCK)
cpu_s() { sed 's/^.*) //' "/proc/$1/stat" | awk -v t="$CLK_TCK" '{printf "%.2f", ($12+$13)/t}'; }
