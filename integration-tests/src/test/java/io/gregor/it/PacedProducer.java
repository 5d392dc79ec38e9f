package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@code <prefix>-<n>} records round-robin over a topic's partitions on a thread of its
 * own, one at a time (each send waits for its acknowledgement, and {@code linger.ms} paces them
 * to a few hundred a second), so that records keep arriving while a test changes a group. Stops
 * when told, after {@code maxRecords}, or after a minute.
 */
final class PacedProducer implements AutoCloseable {
    private final Thread thread;
    private final List<String> acknowledged = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    PacedProducer(String bootstrapServers, String topic, int partitions, String prefix, int maxRecords) {
        thread = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            try (KafkaProducer<String, String> producer = Clients.producer(bootstrapServers, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
                for (int i = 0; i < maxRecords && !stop && System.nanoTime() < deadline; i++) {
                    String value = prefix + "-" + i;
                    producer.send(new ProducerRecord<>(topic, i % partitions, "key-" + i, value)).get();
                    acknowledged.add(value);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "paced-producer-" + prefix);
        thread.start();
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Stops producing; returns the values of every acknowledged record. */
    List<String> stop() throws InterruptedException {
        stop = true;
        thread.join(Duration.ofSeconds(30).toMillis());
        assertThat(thread.isAlive()).as("producer stopped").isFalse();
        assertThat(failure.get()).as("producer failure").isNull();
        return List.copyOf(acknowledged);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(Duration.ofSeconds(30).toMillis());
    }
}
