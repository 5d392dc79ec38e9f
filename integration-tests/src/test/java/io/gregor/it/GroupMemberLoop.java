package io.gregor.it;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;

/**
 * The work loop of a consumer group member as the seed's consumer notes describe it: subscribe,
 * poll, process every record, then {@code commitSync} the batch's offsets. A commit that fails
 * because the group is rebalancing is given up: those records are not committed, so their next
 * owner gets them again, which is allowed.
 */
final class GroupMemberLoop {
    /** What the loop reports. Called on the loop's thread. */
    interface Events {
        void assigned(Set<Integer> partitions);

        void processed(ConsumerRecord<String, String> record);

        void committed(int partition, long offset);
    }

    private GroupMemberLoop() {
    }

    /** Runs until {@code stop} says so or {@code maxRun} has passed; does not close the consumer. */
    static void run(KafkaConsumer<String, String> consumer, String topic, Events events, BooleanSupplier stop, Duration maxRun) {
        consumer.subscribe(Set.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                Set<Integer> kept = partitionsOf(consumer.assignment());
                kept.removeAll(partitionsOf(partitions));
                events.assigned(kept);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                events.assigned(partitionsOf(consumer.assignment()));
            }
        });
        long deadline = System.nanoTime() + maxRun.toNanos();
        while (!stop.getAsBoolean() && System.nanoTime() < deadline) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
            if (records.isEmpty()) {
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (ConsumerRecord<String, String> record : records) {
                events.processed(record);
                offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
            }
            try {
                consumer.commitSync(offsets);
                offsets.forEach((tp, offset) -> events.committed(tp.partition(), offset.offset()));
            } catch (CommitFailedException | RebalanceInProgressException e) {
                // Not committed: the partition's next owner processes these records again.
            }
        }
    }

    static Set<Integer> partitionsOf(Collection<TopicPartition> partitions) {
        Set<Integer> out = new TreeSet<>();
        partitions.forEach(tp -> out.add(tp.partition()));
        return out;
    }
}
