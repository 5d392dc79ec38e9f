package io.gregor.coordinator.group;

import io.gregor.benchmarks.BenchRecords;
import io.gregor.benchmarks.QueueScheduler;
import io.gregor.coordinator.runtime.PartitionWriter;
import io.gregor.coordinator.runtime.ShardRunner;
import io.gregor.coordinator.runtime.TaskScheduler;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The group coordinator's OffsetCommit on its shard thread, through the coordinator runtime:
 * validation, one offset-commit record per partition in Kafka's {@code __consumer_offsets}
 * format, one batch of them appended to a real {@link Log} (as the leader of the offsets
 * partition does), and the records replayed into the group's offsets once the append returns.
 * What it leaves out is the network and the replication wait of acks=all.
 *
 * <p>Lives in the coordinator's package because the shard is package-private.
 * Every {@value #LAP} commits the log is emptied, so the files stay small. Files go to
 * {@code java.io.tmpdir} (or {@code -Dgregor.bench.dir=DIR}); nothing is fsynced.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OffsetCommitBenchmark {
    static final int LAP = 100_000;

    /** Partitions in one commit: a consumer of one partition, or of sixteen. */
    @Param({"1", "16"})
    public int partitions;

    private Path dir;
    private QueueScheduler scheduler;
    private Log log;
    private ShardRunner<GroupShard> runner;
    private TopicPartition[] topicPartitions;
    private long offset;
    private int sinceReset;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchRecords.tempDir("gregor-jmh-commit");
        scheduler = new QueueScheduler();
        log = Log.open(new TopicPartition("__consumer_offsets", 0), dir.resolve("__consumer_offsets-0").toFile(),
            LogConfig.create(Map.of(), Map.of("cleanup.policy", "compact")), Time.SYSTEM, scheduler, true, 0, -1, -1);
        PartitionWriter writer = (partition, records) -> CompletableFuture.completedFuture(log.appendAsLeader(records, 0).firstOffset());
        TaskScheduler noTimers = new TaskScheduler() {
            @Override
            public void schedule(String key, long delayMs, Runnable task) {
            }

            @Override
            public void cancel(String key) {
            }

            @Override
            public boolean isScheduled(String key) {
                return false;
            }

            @Override
            public void cancelAll() {
            }
        };
        runner = new ShardRunner<>(new TopicPartition("__consumer_offsets", 0), 0, context -> new GroupShard(GroupConfig.defaults(), context),
            writer, Runnable::run, noTimers, Time.SYSTEM);
        runner.load(log);
        topicPartitions = new TopicPartition[partitions];
        for (int i = 0; i < partitions; i++) {
            topicPartitions[i] = new TopicPartition("orders", i);
        }
    }

    /** A commit of a group without members (generation -1), as a manually assigned consumer makes. */
    @Benchmark
    public OffsetOps.CommitResult commit() {
        if (++sinceReset == LAP) {
            log.truncateFullyAndStartAt(log.logEndOffset());
            scheduler.runPending();
            sinceReset = 0;
        }
        offset += 500;
        Map<TopicPartition, OffsetOps.Commit> commit = new LinkedHashMap<>();
        for (TopicPartition tp : topicPartitions) {
            commit.put(tp, new OffsetOps.Commit(offset, 3, ""));
        }
        return runner.write("bench-group", shard -> shard.offsets.commit("bench-group", -1, "", null, -1, commit)).join();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        scheduler.close();
        BenchRecords.deleteRecursively(dir);
    }

}
