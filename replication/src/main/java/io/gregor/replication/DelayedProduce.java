package io.gregor.replication;

import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * An acks=all produce waiting until every in-sync replica has its records, i.e. until the high
 * watermark of each partition passes the last appended offset. On {@code timeout.ms} the
 * partitions still waiting fail with REQUEST_TIMED_OUT; a partition that lost leadership
 * meanwhile fails with NOT_LEADER_OR_FOLLOWER, one whose ISR fell below
 * {@code min.insync.replicas} with NOT_ENOUGH_REPLICAS_AFTER_APPEND.
 */
final class DelayedProduce extends DelayedOperation<Map<TopicPartition, ProduceResult>> {
    private final Map<TopicPartition, ProduceResult> results;
    private final Map<TopicPartition, Partition> partitions;

    DelayedProduce(Map<TopicPartition, ProduceResult> results, Map<TopicPartition, Partition> partitions,
                   ScheduledExecutorService executor) {
        super(executor);
        this.results = results;
        this.partitions = partitions;
    }

    @Override
    Map<TopicPartition, ProduceResult> tryComplete() {
        for (Map.Entry<TopicPartition, Partition> e : partitions.entrySet()) {
            ProduceResult r = results.get(e.getKey());
            if (r.error() != Errors.NONE) {
                continue;
            }
            Partition p = e.getValue();
            if (!p.isLeader()) {
                results.put(e.getKey(), r.withError(Errors.NOT_LEADER_OR_FOLLOWER, "Leadership moved while waiting for replication"));
                continue;
            }
            if (p.highWatermark() <= r.lastOffset()) {
                return null;
            }
            if (!p.hasEnoughInSyncReplicas()) {
                results.put(e.getKey(), r.withError(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                    "The records were written but the in-sync replicas fell below min.insync.replicas"));
            }
        }
        return results;
    }

    @Override
    Map<TopicPartition, ProduceResult> onExpiration() {
        for (Map.Entry<TopicPartition, Partition> e : partitions.entrySet()) {
            ProduceResult r = results.get(e.getKey());
            if (r.error() == Errors.NONE && e.getValue().highWatermark() <= r.lastOffset()) {
                results.put(e.getKey(), r.withError(Errors.REQUEST_TIMED_OUT, "Records were not replicated to all in-sync replicas in time"));
            }
        }
        return results;
    }
}
