package io.gregor.examples.springdemo;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.stereotype.Component;

/**
 * Per partition, the offset to commit for what the manual-ack listener has processed (the
 * offset after the last processed record, as Kafka commits "the next one to read").
 */
@Component
public class ProcessedOffsets {
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new ConcurrentHashMap<>();

    void processed(ConsumerRecord<?, ?> record) {
        offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
    }

    /** Removes and returns the offsets of these partitions. */
    Map<TopicPartition, OffsetAndMetadata> take(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = offsets.remove(tp);
            if (offset != null) {
                out.put(tp, offset);
            }
        }
        return out;
    }
}
