package io.gregor.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The end of a run, after every fault is healed and the producers have stopped: a fresh consumer
 * without a group reads every partition from its start to the end offset it has then ({@code read}
 * ops of {@value HistoryChecker#DRAIN}, bracketed by an {@code assign} and a {@code drain-end}
 * event), which decides what was lost and what was duplicated; then the group's committed offsets
 * are read back ({@code committed} ops).
 */
final class Drain {
    private Drain() {
    }

    /** Reads everything; returns each partition's end offset. */
    static Map<TopicPartition, Long> readAll(History history, String bootstrap, List<TopicPartition> partitions, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gft-drain");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            history.append(Op.of(Op.EVENT, HistoryChecker.DRAIN, "assign").parts(GroupMember.keys(partitions)));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    history.append(Op.of(Op.OK, HistoryChecker.DRAIN, "read").record(r.topic(), r.partition(), r.offset(), r.value()));
                }
            }
            List<String> ends = new ArrayList<>();
            List<String> behind = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                ends.add(tp.topic() + "-" + tp.partition() + "=" + end.get(tp));
                long position = consumer.position(tp);
                if (position < end.get(tp)) {
                    behind.add(tp + " at " + position + " of " + end.get(tp));
                }
            }
            Op endOp = Op.of(Op.EVENT, HistoryChecker.DRAIN, "drain-end").parts(ends);
            history.append(behind.isEmpty() ? endOp : endOp.error("not at the end within " + timeout + ": " + behind));
            return end;
        }
    }

    /** Reads the group's committed offsets back as {@code committed} ops. */
    static void readCommitted(History history, Admin admin, String group) throws Exception {
        long id = history.nextId();
        history.append(Op.of(Op.INVOKE, "final", "committed").id(id));
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
            .get(60, TimeUnit.SECONDS);
        offsets.forEach((tp, om) -> {
            if (om != null) {
                history.append(Op.of(Op.OK, "final", "committed").id(id).record(tp.topic(), tp.partition(), om.offset(), null));
            }
        });
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
