package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A group member in this JVM: a {@link GroupMemberLoop} on its own thread, reporting to a
 * {@link ProcessingLog}. {@link #close()} stops the loop and closes the consumer on that thread,
 * which sends LeaveGroup.
 */
final class GroupMemberThread implements AutoCloseable {
    private static final Duration MAX_RUN = Duration.ofSeconds(90);

    private final String name;
    private final Thread thread;
    private final AtomicReference<Set<Integer>> assignment = new AtomicReference<>(Set.of());
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    private GroupMemberThread(String name, String bootstrapServers, String group, String topic, Map<String, Object> settings,
                              ProcessingLog log) {
        this.name = name;
        this.thread = new Thread(() -> {
            Map<String, Object> props = new java.util.HashMap<>(settings);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
            try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrapServers, props)) {
                GroupMemberLoop.run(consumer, topic, new GroupMemberLoop.Events() {
                    @Override
                    public void assigned(Set<Integer> partitions) {
                        assignment.set(Set.copyOf(partitions));
                    }

                    @Override
                    public void processed(ConsumerRecord<String, String> record) {
                        log.processed(name, record.partition(), record.offset(), record.value());
                    }

                    @Override
                    public void committed(int partition, long offset) {
                        log.committed(name, partition, offset);
                    }
                }, () -> stop, MAX_RUN);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "group-member-" + name);
    }

    static GroupMemberThread start(String name, String bootstrapServers, String group, String topic, Map<String, Object> settings,
                                   ProcessingLog log) {
        GroupMemberThread member = new GroupMemberThread(name, bootstrapServers, group, topic, settings, log);
        member.thread.start();
        return member;
    }

    String name() {
        return name;
    }

    /** The partitions of the last assignment this member received. */
    Set<Integer> assignment() {
        return assignment.get();
    }

    /** Stops the loop and closes the consumer (LeaveGroup); fails the test if the loop failed. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(Duration.ofSeconds(30).toMillis());
        assertThat(thread.isAlive()).as("member %s stopped", name).isFalse();
        assertThat(failure.get()).as("failure of member %s", name).isNull();
    }
}
