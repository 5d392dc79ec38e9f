package io.gregor.coordinator.group;

import io.gregor.benchmarks.BenchRecords;
import io.gregor.benchmarks.QueueScheduler;
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
 * The group coordinator's OffsetCommit on its shard thread: validation, one offset-commit record
 * per partition in Kafka's {@code __consumer_offsets} format, one batch of them appended to a real
 * {@link Log} (as the leader of the offsets partition does), and the group's offsets updated once
 * the append returns. What it leaves out is the network and the replication wait of acks=all.
 *
 * <p>Lives in the coordinator's package because the shard and its writer are package-private.
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
    private OffsetOps offsets;
    private TopicPartition[] topicPartitions;
    private long offset;
    private int sinceReset;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchRecords.tempDir("gregor-jmh-commit");
        scheduler = new QueueScheduler();
        log = Log.open(new TopicPartition("__consumer_offsets", 0), dir.resolve("__consumer_offsets-0").toFile(),
            LogConfig.create(Map.of(), Map.of("cleanup.policy", "compact")), Time.SYSTEM, scheduler, true, 0, -1, -1);
        CoordinatorWriter writer = records -> {
            log.appendAsLeader(LogWriter.toBatch(records, System.currentTimeMillis()), 0);
            return CompletableFuture.completedFuture(null);
        };
        CoordinatorTimer timer = new CoordinatorTimer() {
            @Override
            public void schedule(String key, long delayMs, Runnable task) {
            }

            @Override
            public void cancel(String key) {
            }

            @Override
            public void cancelAll() {
            }
        };
        GroupShard shard = new GroupShard(0, GroupConfig.defaults(), Time.SYSTEM, timer, writer);
        offsets = new OffsetOps(shard);
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
        return offsets.commit("bench-group", -1, "", null, -1, commit).join();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        scheduler.close();
        BenchRecords.deleteRecursively(dir);
    }

}
