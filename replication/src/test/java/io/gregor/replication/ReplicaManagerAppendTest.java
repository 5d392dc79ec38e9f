package io.gregor.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.TopicImage;
import io.gregor.storage.cleaner.CleanerConfig;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.LogManager;
import io.gregor.storage.util.ThreadPoolScheduler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leader appends from a network thread: inline when they cannot block, on the partition's append thread, in order, when they can. */
class ReplicaManagerAppendTest {
    private static final int ME = 1;
    private static final TopicPartition SYNCED = new TopicPartition("synced", 0);

    @TempDir
    Path dir;
    private final ThreadPoolScheduler scheduler = new ThreadPoolScheduler(1, "test-scheduler");
    private final ScheduledExecutorService network = Executors.newSingleThreadScheduledExecutor();
    private LogManager logs;
    private ReplicaManager replicas;

    @BeforeEach
    void start() throws Exception {
        logs = new LogManager(new LogManager.Config(List.of(dir.toFile()), 1, 300_000, Long.MAX_VALUE, 60_000, 86_400_000, 600_000,
            300_000, new CleanerConfig(1, 1 << 20, 1 << 16, Double.MAX_VALUE, 15_000, false)), topic -> config(), Time.SYSTEM, scheduler);
        logs.startup();
        replicas = new ReplicaManager(ME, logs, topic -> config(), Time.SYSTEM, (tp, state, version) -> CompletableFuture.completedFuture(true),
            new FetcherConfig(1 << 20, 10 << 20, 500, 1, 1000, 30_000, 1, "PLAINTEXT"), 2);
        PartitionImage partition = new PartitionImage(0, List.of(ME), new PartitionState(ME, 0, List.of(ME), 1, 0), 0);
        TopicImage topic = new TopicImage("synced", Uuid.randomUuid(), new TreeMap<>(Map.of(0, partition)), Map.of(), false);
        MetadataImage image = new MetadataImage(1, "cluster", ME,
            Map.of(ME, new BrokerRegistration(ME, List.of(new Endpoint("PLAINTEXT", "localhost", 9092)), null, 0)),
            Map.of("synced", topic), Map.of(topic.id(), "synced"), Map.of(), Map.of());
        replicas.onMetadataUpdate(MetadataImage.EMPTY, image);
    }

    /** flush.messages=3: an append that brings the unflushed count to three fsyncs. */
    private static LogConfig config() {
        return LogConfig.create(Map.of(), Map.of("flush.messages", "3"));
    }

    @AfterEach
    void stop() throws Exception {
        replicas.shutdown();
        logs.close();
        network.shutdownNow();
        scheduler.close();
    }

    private static MemoryRecords records(String... values) {
        SimpleRecord[] rs = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            rs[i] = new SimpleRecord(System.currentTimeMillis(), null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, rs);
    }

    private CompletableFuture<Map<TopicPartition, ProduceResult>> append(MemoryRecords records) {
        return replicas.appendRecords((short) 1, 30_000, Map.of(SYNCED, records), network, true);
    }

    /** Keeps the partition's append thread busy until the returned latch is counted down. */
    private CountDownLatch holdUpAppendThread() {
        CountDownLatch holdUp = new CountDownLatch(1);
        replicas.appendThreads().submit(SYNCED, () -> {
            try {
                return holdUp.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return false;
            }
        });
        return holdUp;
    }

    @Test
    void shouldAppendOnTheCallersThreadWhenNothingBlocks() throws Exception {
        CompletableFuture<Map<TopicPartition, ProduceResult>> appended = append(records("a"));

        assertThat(appended).isCompleted();
        assertThat(appended.get().get(SYNCED).baseOffset()).isZero();
        assertThat(replicas.partition(SYNCED).log().recoveryPoint()).isZero();
    }

    @Test
    void shouldKeepTheOrderOfAppendsWhenOneOfThemGoesToTheAppendThread() throws Exception {
        CountDownLatch holdUp = holdUpAppendThread();
        CompletableFuture<Map<TopicPartition, ProduceResult>> first = append(records("a"));
        // Two more records would make three unflushed: this one fsyncs, so it waits for the append thread.
        CompletableFuture<Map<TopicPartition, ProduceResult>> second = append(records("b", "c"));
        // This one alone would not fsync, but it must not overtake the one waiting.
        CompletableFuture<Map<TopicPartition, ProduceResult>> third = append(records("d"));

        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        holdUp.countDown();

        assertThat(first.get().get(SYNCED).baseOffset()).isZero();
        assertThat(second.get(10, TimeUnit.SECONDS).get(SYNCED).baseOffset()).isEqualTo(1);
        assertThat(third.get(10, TimeUnit.SECONDS).get(SYNCED).baseOffset()).isEqualTo(3);
        assertThat(second.get().get(SYNCED).error()).isEqualTo(Errors.NONE);
        assertThat(replicas.partition(SYNCED).log().recoveryPoint()).as("flushed by the append thread").isGreaterThanOrEqualTo(3);
    }

    @Test
    void shouldCopyTheRecordsItHandsToTheAppendThread() throws Exception {
        CountDownLatch holdUp = holdUpAppendThread();
        MemoryRecords request = records("x", "y", "z");
        CompletableFuture<Map<TopicPartition, ProduceResult>> appended = append(request);
        // The network layer reuses the request's buffer once the handler returns.
        request.buffer().put(0, new byte[request.sizeInBytes()]);
        holdUp.countDown();

        assertThat(appended.get(10, TimeUnit.SECONDS).get(SYNCED).error()).isEqualTo(Errors.NONE);
        assertThat(replicas.partition(SYNCED).log().logEndOffset()).isEqualTo(3);
    }
}
