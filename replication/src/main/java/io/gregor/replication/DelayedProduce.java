package io.gregor.replication;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * An acks=all produce waiting until every in-sync replica has its records, i.e. until the high
 * watermark of each partition passes the last appended offset. On {@code timeout.ms} the
 * partitions still waiting fail with REQUEST_TIMED_OUT; a partition that lost leadership
 * meanwhile fails with NOT_LEADER_OR_FOLLOWER.
 */
final class DelayedProduce implements PartitionWatcher {
    private final Map<TopicPartition, ProduceResult> results;
    private final Map<TopicPartition, Partition> partitions;
    private final ScheduledExecutorService executor;
    private final CompletableFuture<Map<TopicPartition, ProduceResult>> future = new CompletableFuture<>();
    private final AtomicBoolean checkScheduled = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeout;

    DelayedProduce(Map<TopicPartition, ProduceResult> results, Map<TopicPartition, Partition> partitions,
                   ScheduledExecutorService executor) {
        this.results = results;
        this.partitions = partitions;
        this.executor = executor;
    }

    CompletableFuture<Map<TopicPartition, ProduceResult>> start(long timeoutMs) {
        timeout = executor.schedule(this::expire, timeoutMs, TimeUnit.MILLISECONDS);
        onPartitionChange();
        return future;
    }

    @Override
    public void onPartitionChange() {
        if (!future.isDone() && checkScheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::check);
            } catch (RejectedExecutionException e) {
                // The connection's event loop has shut down: nobody is left to answer.
                future.completeExceptionally(e);
            }
        }
    }

    @Override
    public boolean isCompleted() {
        return future.isDone();
    }

    private boolean allReplicated() {
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
                return false;
            }
            if (!p.hasEnoughInSyncReplicas()) {
                results.put(e.getKey(), r.withError(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                    "The records were written but the in-sync replicas fell below min.insync.replicas"));
            }
        }
        return true;
    }

    private void check() {
        checkScheduled.set(false);
        if (!future.isDone() && allReplicated()) {
            complete();
        }
    }

    private void expire() {
        if (future.isDone()) {
            return;
        }
        for (Map.Entry<TopicPartition, Partition> e : partitions.entrySet()) {
            ProduceResult r = results.get(e.getKey());
            if (r.error() == Errors.NONE && e.getValue().highWatermark() <= r.lastOffset()) {
                results.put(e.getKey(), r.withError(Errors.REQUEST_TIMED_OUT, "Records were not replicated to all in-sync replicas in time"));
            }
        }
        complete();
    }

    private void complete() {
        if (future.complete(results)) {
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}
