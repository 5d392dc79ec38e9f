package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Reading partitions back with an assigned (group-less) consumer. */
final class Consume {
    private Consume() {
    }

    /**
     * Assigns {@code partitions}, seeks to their beginning and polls until every partition's
     * position reaches the end offset it had when this was called.
     *
     * @return every record read, in the order the consumer returned them
     */
    static <K, V> List<ConsumerRecord<K, V>> readToEnd(Consumer<K, V> consumer, Collection<TopicPartition> partitions,
                                                       Duration timeout) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reachedEnd(consumer, end) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        assertThat(reachedEnd(consumer, end))
            .as("consumer reached the end offsets %s within %s (read %d records)", end, timeout, records.size())
            .isTrue();
        return records;
    }

    static <K, V> List<ConsumerRecord<K, V>> readToEnd(Consumer<K, V> consumer, String topic, int partitions) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        return readToEnd(consumer, tps, Duration.ofSeconds(30));
    }

    private static boolean reachedEnd(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
