package io.gregor.it;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A group member in a JVM of its own, so that a test can kill it with SIGKILL: no LeaveGroup,
 * no commit on close, its connections simply gone. Runs a {@link GroupMemberLoop} and prints
 * one line per event, each flushed at once:
 *
 * <pre>
 * ASSIGNED &lt;micros&gt; &lt;partition,partition,...&gt;
 * RECORD &lt;micros&gt; &lt;partition&gt; &lt;offset&gt; &lt;value&gt;
 * COMMITTED &lt;micros&gt; &lt;partition&gt; &lt;offset&gt;
 * </pre>
 *
 * Arguments: bootstrap servers, group, topic, session timeout in ms, most seconds to run.
 */
public final class ChildConsumer {
    private ChildConsumer() {
    }

    public static void main(String[] args) {
        String bootstrapServers = args[0];
        String group = args[1];
        String topic = args[2];
        int sessionTimeoutMs = Integer.parseInt(args[3]);
        Duration maxRun = Duration.ofSeconds(Long.parseLong(args[4]));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "child-" + ProcessHandle.current().pid());
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(100, sessionTimeoutMs / 10));
        try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrapServers, props)) {
            GroupMemberLoop.run(consumer, topic, new GroupMemberLoop.Events() {
                @Override
                public void assigned(Set<Integer> partitions) {
                    out.println("ASSIGNED " + ProcessingLog.nowMicros() + " "
                        + partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
                }

                @Override
                public void processed(ConsumerRecord<String, String> record) {
                    out.println("RECORD " + ProcessingLog.nowMicros() + " " + record.partition() + " " + record.offset() + " " + record.value());
                }

                @Override
                public void committed(int partition, long offset) {
                    out.println("COMMITTED " + ProcessingLog.nowMicros() + " " + partition + " " + offset);
                }
            }, () -> false, maxRun);
        }
    }
}
