package io.gregor.coordinator.runtime;

import io.gregor.common.Threads;
import io.gregor.storage.log.ReadableLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the shards of one coordinator (the group coordinator, later the transaction coordinator)
 * on this broker: one {@link ShardRunner} per partition of its internal topic that this broker
 * leads, each confined to one thread of a small pool (partition {@code p} on thread
 * {@code p % threads}).
 *
 * <p>Leadership comes from outside: the broker calls {@link #onElection} when it becomes leader
 * of a partition (the shard is created and loaded on its thread; requests that arrive meanwhile
 * queue behind the load on that thread, so they see the loaded state) and {@link #onResignation}
 * when it no longer is (requests get NOT_COORDINATOR). A new leader epoch of a partition already
 * loaded reloads it: the log may have been truncated under it.
 *
 * <p>Thread-safe: operations may be scheduled from any thread; they run on the shard's thread.
 *
 * @param <S> the shard type
 */
public final class CoordinatorRuntime<S extends CoordinatorShard> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorRuntime.class);

    private final String topic;
    private final ShardContext.Factory<S> factory;
    private final PartitionWriter writer;
    private final Time time;
    private final ScheduledExecutorService[] threads;
    private final ConcurrentHashMap<Integer, ShardRunner<S>> shards = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param topic       the internal topic whose partitions are the shards
     * @param threadCount threads serving the shards (at least one)
     */
    public CoordinatorRuntime(String topic, String threadPrefix, int threadCount, ShardContext.Factory<S> factory,
                              PartitionWriter writer, Time time) {
        this.topic = topic;
        this.factory = factory;
        this.writer = writer;
        this.time = time;
        this.threads = new ScheduledExecutorService[Math.max(1, threadCount)];
        for (int i = 0; i < threads.length; i++) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, Threads.singleDaemonFactory(threadPrefix + "-" + i));
            executor.setRemoveOnCancelPolicy(true);
            threads[i] = executor;
        }
    }

    private ScheduledExecutorService threadOf(int partition) {
        return threads[partition % threads.length];
    }

    /**
     * This broker leads {@code partition} at {@code leaderEpoch}: load its shard (unless it is
     * loaded at that epoch already). {@code partitionLog} may be null for a partition without a
     * local log yet (it loads empty).
     */
    public void onElection(int partition, int leaderEpoch, ReadableLog partitionLog) {
        if (closed) {
            return;
        }
        ShardRunner<S> current = shards.get(partition);
        if (current != null && current.leaderEpoch() == leaderEpoch) {
            return;
        }
        if (current != null) {
            unload(current);
        }
        ScheduledExecutorService executor = threadOf(partition);
        TopicPartition tp = new TopicPartition(topic, partition);
        ShardRunner<S> runner = new ShardRunner<>(tp, leaderEpoch, factory, writer, executor, new ExecutorTaskScheduler(executor), time);
        shards.put(partition, runner);
        execute(executor, () -> {
            if (shards.get(partition) != runner || !runner.isLoading()) {
                return;
            }
            long t0 = System.nanoTime();
            try {
                CoordinatorLoader.Summary summary = runner.load(partitionLog);
                log.debug("Loaded {} at leader epoch {} ({} records in {} batches) in {} ms", tp, leaderEpoch, summary.records(),
                    summary.batches(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (IOException | RuntimeException e) {
                log.error("Failed to load {}", tp, e);
                shards.remove(partition, runner);
            }
        });
    }

    /** This broker no longer leads {@code partition}. */
    public void onResignation(int partition) {
        ShardRunner<S> current = shards.get(partition);
        if (current != null) {
            unload(current);
        }
    }

    private void unload(ShardRunner<S> runner) {
        int partition = runner.partition().partition();
        shards.remove(partition, runner);
        execute(threadOf(partition), () -> {
            runner.close();
            log.debug("Unloaded {}", runner.partition());
        });
    }

    /** The partitions this broker coordinates now (loaded or loading). */
    public List<Integer> partitions() {
        return new ArrayList<>(shards.keySet());
    }

    public boolean isActive(int partition) {
        ShardRunner<S> runner = shards.get(partition);
        return runner != null && runner.isActive();
    }

    public boolean anyLoading() {
        return shards.values().stream().anyMatch(ShardRunner::isLoading);
    }

    /** Schedules a write operation on the shard of {@code partition}; see {@link ShardRunner#write}. */
    public <T> CompletableFuture<T> write(int partition, String key, Function<S, CoordinatorResult<T>> operation) {
        return onShard(partition, runner -> runner.write(key, operation));
    }

    /** Schedules a read operation on the shard of {@code partition}; see {@link ShardRunner#read}. */
    public <T> CompletableFuture<T> read(int partition, Function<S, T> operation) {
        return onShard(partition, runner -> runner.read(operation));
    }

    private <T> CompletableFuture<T> onShard(int partition, Function<ShardRunner<S>, CompletableFuture<T>> call) {
        ShardRunner<S> runner = shards.get(partition);
        if (runner == null) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("This broker does not coordinate " + topic + "-" + partition));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        boolean queued = execute(threadOf(partition), () -> call.apply(runner).whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        }));
        if (!queued) {
            result.completeExceptionally(new NotCoordinatorException("The coordinator is shutting down"));
        }
        return result;
    }

    private static boolean execute(ScheduledExecutorService executor, Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException stopping) {
            return false;
        }
    }

    /** Unloads every shard and stops the threads. */
    @Override
    public void close() {
        closed = true;
        for (ShardRunner<S> runner : new ArrayList<>(shards.values())) {
            unload(runner);
        }
        for (ScheduledExecutorService t : threads) {
            t.shutdown();
        }
        for (ScheduledExecutorService t : threads) {
            try {
                t.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
