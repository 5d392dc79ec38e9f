package io.gregor.coordinator.runtime;

import io.gregor.storage.log.ReadableLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one loaded shard: the single path by which its state is read and changed.
 *
 * <ul>
 *   <li>{@link #load} replays the partition through the log's read API, then serves.</li>
 *   <li>{@link #write} runs an operation, appends the records it returns as one batch through
 *       the {@link PartitionWriter}, and when the append is committed replays the records into
 *       the shard and answers with the operation's response. Appends complete in any order but
 *       are replayed in the order they were made, so the shard's durable state is always the
 *       replay of a prefix of its writes: what a reload from the log would rebuild.</li>
 *   <li>{@link #read} runs an operation that only looks.</li>
 *   <li>Timer operations run like writes whose failure is logged.</li>
 * </ul>
 *
 * <p>A write that fails is not replayed. If it failed after the leader appended it (a
 * replication timeout), its records may still be committed later; a later reload then includes
 * them. The same holds in Kafka's ZooKeeper-era coordinator, and for the group coordinator it is
 * harmless: the client was told the commit failed and retries it.
 *
 * <p>Thread-safety: every method must be called on the shard's thread ({@code shardThread},
 * which also receives append completions). Nothing here is shared with other threads.
 */
public final class ShardRunner<S extends CoordinatorShard> {
    private static final Logger log = LoggerFactory.getLogger(ShardRunner.class);

    private enum State { LOADING, ACTIVE, CLOSED }

    private final TopicPartition partition;
    private final int leaderEpoch;
    private final PartitionWriter writer;
    private final Executor shardThread;
    private final TaskScheduler scheduler;
    private final Time time;
    private final S shard;
    private final ArrayDeque<PendingWrite<?>> pending = new ArrayDeque<>();
    private final Map<String, Integer> inFlightByKey = new HashMap<>();
    private volatile State state = State.LOADING;

    /**
     * @param shardThread runs append completions on the shard's thread
     * @param scheduler   the clock for the shard's timer, running tasks on the shard's thread
     */
    public ShardRunner(TopicPartition partition, int leaderEpoch, ShardContext.Factory<S> factory, PartitionWriter writer,
                       Executor shardThread, TaskScheduler scheduler, Time time) {
        this.partition = partition;
        this.leaderEpoch = leaderEpoch;
        this.writer = writer;
        this.shardThread = shardThread;
        this.scheduler = scheduler;
        this.time = time;
        this.shard = factory.create(new Context());
    }

    public TopicPartition partition() {
        return partition;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public boolean isActive() {
        return state == State.ACTIVE;
    }

    public boolean isLoading() {
        return state == State.LOADING;
    }

    /** Replays the partition and starts serving. On failure the runner is closed. */
    public CoordinatorLoader.Summary load(ReadableLog partitionLog) throws IOException {
        if (state != State.LOADING) {
            throw new IllegalStateException(partition + " is " + state);
        }
        try {
            CoordinatorLoader.Summary summary = partitionLog == null
                ? new CoordinatorLoader.Summary(0, 0, 0, 0) : CoordinatorLoader.load(partitionLog, shard);
            shard.onLoaded();
            state = State.ACTIVE;
            return summary;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Runs a write operation (see the class comment).
     *
     * @param key groups the write for {@link ShardContext#writesInFlight}, or {@code null}
     * @return the response; fails with NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS when the
     *         shard is not serving, with the operation's exception, or with the append's error
     *         when the result has no {@link CoordinatorResult#onAppendFailure} function
     */
    public <T> CompletableFuture<T> write(String key, Function<S, CoordinatorResult<T>> operation) {
        CompletableFuture<T> notServing = checkServing();
        if (notServing != null) {
            return notServing;
        }
        CoordinatorResult<T> result;
        try {
            result = operation.apply(shard);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(key, result);
    }

    /** Runs an operation that only reads the shard. */
    public <T> CompletableFuture<T> read(Function<S, T> operation) {
        CompletableFuture<T> notServing = checkServing();
        if (notServing != null) {
            return notServing;
        }
        try {
            return CompletableFuture.completedFuture(operation.apply(shard));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> CompletableFuture<T> checkServing() {
        return switch (state) {
            case ACTIVE -> null;
            case LOADING -> CompletableFuture.failedFuture(new CoordinatorLoadInProgressException(partition + " is still loading"));
            case CLOSED -> CompletableFuture.failedFuture(new NotCoordinatorException("This broker no longer coordinates " + partition));
        };
    }

    private <T> CompletableFuture<T> submit(String key, CoordinatorResult<T> result) {
        if (result.records().isEmpty()) {
            return CompletableFuture.completedFuture(result.response());
        }
        PendingWrite<T> write = new PendingWrite<>(key, result);
        pending.add(write);
        if (key != null) {
            inFlightByKey.merge(key, 1, Integer::sum);
        }
        CompletableFuture<Long> appended;
        try {
            appended = writer.append(partition, batchOf(result.records(), time.milliseconds()));
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        appended.whenComplete((offset, error) -> {
            try {
                shardThread.execute(() -> onAppended(write, offset, error));
            } catch (RejectedExecutionException stopping) {
                // The runtime is closing; close() answered the write.
            }
        });
        return write.future;
    }

    private void onAppended(PendingWrite<?> write, Long baseOffset, Throwable error) {
        if (state == State.CLOSED) {
            return;
        }
        write.appended(baseOffset == null ? -1 : baseOffset, error);
        while (!pending.isEmpty() && pending.peekFirst().done) {
            PendingWrite<?> head = pending.pollFirst();
            release(head);
            if (head.error == null) {
                replay(head);
                head.succeed();
            } else {
                head.fail(head.error);
            }
        }
    }

    private void release(PendingWrite<?> write) {
        if (write.key != null) {
            inFlightByKey.computeIfPresent(write.key, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    private void replay(PendingWrite<?> write) {
        List<CoordinatorRecord> records = write.result.records();
        for (int i = 0; i < records.size(); i++) {
            CoordinatorRecord r = records.get(i);
            try {
                shard.replay(write.baseOffset + i, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, ByteBuffer.wrap(r.key()),
                    r.value() == null ? null : ByteBuffer.wrap(r.value()));
            } catch (RuntimeException e) {
                // The record is in the log: a reload would hit the same error. Keep serving the rest.
                log.error("{}: could not replay the record written at offset {}", partition, write.baseOffset + i, e);
            }
        }
    }

    /** Runs a timer operation if the shard still serves; records it returns are written, a failure logged. */
    private void runTimed(String key, CoordinatorTimer.Operation operation) {
        if (state != State.ACTIVE) {
            return;
        }
        List<CoordinatorRecord> records;
        try {
            records = operation.run();
        } catch (RuntimeException e) {
            log.error("{}: timer operation {} failed", partition, key, e);
            return;
        }
        submit(null, CoordinatorResult.<Void>of(records, null)).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("{}: could not write the records of timer operation {}: {}", partition, key, e.toString());
            }
        });
    }

    /**
     * Stops serving: writes still waiting are answered as failed with NOT_COORDINATOR (through
     * their failure functions, while the shard's state is still there), timers are cancelled, and
     * the shard is told it is unloaded. Idempotent.
     */
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        NotCoordinatorException moved = new NotCoordinatorException("This broker no longer coordinates " + partition);
        while (!pending.isEmpty()) {
            pending.pollFirst().fail(moved);
        }
        inFlightByKey.clear();
        scheduler.cancelAll();
        shard.onUnloaded();
    }

    /** The records as one uncompressed batch sized to fit them; the log assigns the offsets. */
    public static MemoryRecords batchOf(List<CoordinatorRecord> records, long nowMs) {
        int size = 128;
        for (CoordinatorRecord r : records) {
            size += r.key().length + (r.value() == null ? 0 : r.value().length) + 32;
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(size), Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (CoordinatorRecord r : records) {
            builder.append(nowMs, r.key(), r.value());
        }
        return builder.build();
    }

    /** A write whose records were handed to the writer, waiting for its append and its turn. */
    private static final class PendingWrite<T> {
        final String key;
        final CoordinatorResult<T> result;
        final CompletableFuture<T> future = new CompletableFuture<>();
        boolean done;
        long baseOffset = -1;
        Throwable error;

        PendingWrite(String key, CoordinatorResult<T> result) {
            this.key = key;
            this.result = result;
        }

        void appended(long offset, Throwable failure) {
            done = true;
            baseOffset = offset;
            error = failure;
        }

        void succeed() {
            future.complete(result.response());
        }

        void fail(Throwable failure) {
            if (result.onAppendFailure() == null) {
                future.completeExceptionally(failure);
                return;
            }
            try {
                future.complete(result.onAppendFailure().apply(failure));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }
    }

    /** The shard's view of this runner. */
    private final class Context implements ShardContext, CoordinatorTimer {
        @Override
        public TopicPartition partition() {
            return partition;
        }

        @Override
        public Time time() {
            return time;
        }

        @Override
        public CoordinatorTimer timer() {
            return this;
        }

        @Override
        public int writesInFlight(String key) {
            return inFlightByKey.getOrDefault(key, 0);
        }

        @Override
        public void schedule(String key, long delayMs, Operation operation) {
            scheduler.schedule(key, delayMs, () -> runTimed(key, operation));
        }

        @Override
        public void cancel(String key) {
            scheduler.cancel(key);
        }

        @Override
        public boolean isScheduled(String key) {
            return scheduler.isScheduled(key);
        }
    }
}
