package io.gregor.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.FileRecordsSlice;
import io.gregor.storage.log.Log;
import io.gregor.testsupport.ManualTime;
import io.gregor.storage.util.ThreadPoolScheduler;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReplicaFetcher} copying a partition from a leader on a real socket: the leader is a
 * real {@link Partition} and {@link Log} served by protocol's Netty server ({@link InProcessLeader}),
 * the follower another real partition and log, both in temporary directories.
 */
class ReplicaFetcherTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final Uuid TOPIC_ID = Uuid.fromString("b5Ll7GxtQqKyOu7Jn7SYdw");
    private static final int LEADER = 1;
    private static final int FOLLOWER = 2;
    private static final int BACKOFF_MS = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String FETCHER_THREAD = "test-fetcher";

    @TempDir
    Path tmp;
    private final ManualTime time = new ManualTime();
    private final ThreadPoolScheduler scheduler = new ThreadPoolScheduler(1, "test");
    private final IsrWriter isrWriter = (tp, state, version) -> CompletableFuture.completedFuture(true);
    private final ReplicationQuota quota = new ReplicationQuota();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int stateVersion;
    private Partition leader;
    private Partition follower;
    private InProcessLeader leaderServer;
    private ReplicaFetcher fetcher;

    @AfterEach
    void tearDown() throws Exception {
        if (fetcher != null) {
            fetcher.shutdown();
            fetcher.join(5000);
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        scheduler.close();
    }

    @Test
    void shouldCopyTheLeadersLogWhenTheFollowerIsEmpty() throws Exception {
        // Given a leader with 50 records in 5 batches
        leader = replica(LEADER, LEADER, 3, List.of(LEADER, FOLLOWER));
        for (int batch = 0; batch < 5; batch++) {
            leader.appendRecordsToLeader(records("leader-" + batch + "-", 10), (short) 1);
        }
        follower = replica(FOLLOWER, LEADER, 3, List.of(LEADER, FOLLOWER));
        leaderServer = serve(leader);

        // When
        fetcher = startFetcher(leaderServer.port(), 3, config(1024 * 1024));

        // Then the follower has the leader's records, and the leader knows it
        await().atMost(TIMEOUT).until(() -> follower.logEndOffset() == 50);
        assertThat(values(follower.log())).isEqualTo(values(leader.log()));
        await().atMost(TIMEOUT).until(() -> leader.highWatermark() == 50);
        await().atMost(TIMEOUT).until(() -> follower.highWatermark() == 50);

        // and records appended later follow too
        leader.appendRecordsToLeader(records("late-", 3), (short) 1);
        await().atMost(TIMEOUT).until(() -> follower.logEndOffset() == 53);
        assertThat(values(follower.log())).endsWith("late-0", "late-1", "late-2");
    }

    @Test
    void shouldTruncateToTheLeadersEpochEndOffsetWhenTheFollowerDiverged() throws Exception {
        // Given a former leader (epoch 3) with 5 records nobody else got
        follower = replica(FOLLOWER, FOLLOWER, 3, List.of(FOLLOWER));
        follower.appendRecordsToLeader(records("shared-", 10), (short) 1);
        follower.appendRecordsToLeader(records("lost-", 5), (short) 1);
        // and the new leader, which had the first 10 at epoch 3 and wrote 3 more at epoch 4
        leader = replica(LEADER, LEADER, 3, List.of(LEADER));
        leader.appendRecordsToLeader(records("shared-", 10), (short) 1);
        apply(leader, LEADER, 4, List.of(LEADER, FOLLOWER));
        leader.appendRecordsToLeader(records("epoch4-", 3), (short) 1);
        leaderServer = serve(leader);

        // When the former leader follows the new one
        apply(follower, LEADER, 4, List.of(LEADER, FOLLOWER));
        fetcher = startFetcher(leaderServer.port(), 4, config(1024 * 1024));

        // Then it drops what it alone had and takes the leader's history
        await().atMost(TIMEOUT).until(() -> follower.logEndOffset() == 13);
        assertThat(values(follower.log())).containsExactlyElementsOf(values(leader.log()))
            .doesNotContain("lost-0").endsWith("epoch4-0", "epoch4-1", "epoch4-2");
        assertThat(follower.log().leaderEpochs().latestEpoch()).isEqualTo(4);
        assertThat(epochs(follower.log())).containsExactly(3, 4);
    }

    @Test
    void shouldRetryAfterTheBackoffWhileTheLeaderIsUnreachableAndCatchUpWhenItIsBack() throws Exception {
        // Given a leader whose port accepts connections and closes them at once
        leader = replica(LEADER, LEADER, 3, List.of(LEADER, FOLLOWER));
        leader.appendRecordsToLeader(records("r", 20), (short) 1);
        follower = replica(FOLLOWER, LEADER, 3, List.of(LEADER, FOLLOWER));
        AtomicInteger attempts = new AtomicInteger();
        int port;
        try (ServerSocket refusing = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = refusing.getLocalPort();
            Thread acceptor = new Thread(() -> {
                while (!refusing.isClosed()) {
                    try (Socket s = refusing.accept()) {
                        attempts.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.start();

            // When
            fetcher = startFetcher(port, 3, config(1024 * 1024));

            // Then it keeps trying, but not in a busy loop (at most one attempt per backoff, with slack)
            await().atMost(TIMEOUT).until(() -> attempts.get() >= 3);
            long started = System.nanoTime();
            int before = attempts.get();
            await().during(Duration.ofMillis(BACKOFF_MS * 5)).atMost(TIMEOUT).until(() -> follower.logEndOffset() == 0);
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(attempts.get() - before).as("attempts in %d ms", elapsedMs)
                .isLessThanOrEqualTo((int) (elapsedMs / BACKOFF_MS) + 2);
        }

        // When the leader listens on that port again
        leaderServer = new InProcessLeader(leader);
        toClose.add(leaderServer);
        leaderServer.startOn(port);

        // Then the follower catches up
        await().atMost(TIMEOUT).until(() -> follower.logEndOffset() == 20);
        assertThat(values(follower.log())).isEqualTo(values(leader.log()));
    }

    @Test
    void shouldPauseThrottledPartitionsForTheRestOfTheSecondOnceTheRateIsSpent() throws Exception {
        // Given a leader with 5 batches and a follower allowed 1 byte per second for this partition
        leader = replica(LEADER, LEADER, 3, List.of(LEADER, FOLLOWER));
        for (int batch = 0; batch < 5; batch++) {
            leader.appendRecordsToLeader(records("b" + batch + "-", 10), (short) 1);
        }
        follower = replica(FOLLOWER, LEADER, 3, List.of(LEADER, FOLLOWER));
        leaderServer = serve(leader);
        quota.update(1, Map.of(TP, Set.of(FOLLOWER)));

        // When fetching one batch at a time (the first batch always comes whole)
        fetcher = startFetcher(leaderServer.port(), 3, config(1));

        // Then one batch arrives, and no more within the same second of the (manual) clock
        await().atMost(TIMEOUT).until(() -> follower.logEndOffset() == 10);
        int fetchesSoFar = leaderServer.fetches();
        await().during(Duration.ofMillis(BACKOFF_MS * 4)).atMost(TIMEOUT).until(() -> follower.logEndOffset() == 10);
        assertThat(leaderServer.fetches()).as("throttled partitions are not even asked for").isEqualTo(fetchesSoFar);

        // When the next second starts, the next batch comes
        time.advance(1000);
        await().atMost(TIMEOUT).until(() -> follower.logEndOffset() == 20);
    }

    @Test
    void shouldLeaveTheFollowersLogUsableWhenStoppedWhileAppending() throws Exception {
        // Given a follower whose log reads the clock (to decide on rolling a segment) just before it writes
        leader = replica(LEADER, LEADER, 3, List.of(LEADER, FOLLOWER));
        leader.appendRecordsToLeader(records("a-", 10), (short) 1);
        leader.appendRecordsToLeader(records("b-", 10), (short) 1);
        HookedTime followerTime = new HookedTime(time);
        follower = replica(FOLLOWER, LEADER, 3, List.of(LEADER, FOLLOWER), followerTime);
        leaderServer = serve(leader);

        // When the fetcher is told to stop in the middle of its first append (this broker became leader, say)
        followerTime.onFetcherThread(() -> fetcher.shutdown());
        fetcher = startFetcher(leaderServer.port(), 3, config(1024 * 1024));
        fetcher.join(TIMEOUT.toMillis());
        assertThat(fetcher.isAlive()).isFalse();
        fetcher = null;

        // Then the log still works: stopping must not close the segment files under it
        // (an interrupt during FileChannel I/O does: ClosedByInterruptException)
        long end = follower.logEndOffset();
        apply(follower, FOLLOWER, 4, List.of(FOLLOWER));
        follower.appendRecordsToLeader(records("mine-", 2), (short) 1);
        follower.log().flush(follower.logEndOffset());
        assertThat(values(follower.log())).hasSize((int) end + 2).endsWith("mine-0", "mine-1");
    }

    /** A replica on broker {@code brokerId} with its own log, in the state the controller gave it. */
    private Partition replica(int brokerId, int leaderId, int epoch, List<Integer> isr) throws IOException {
        return replica(brokerId, leaderId, epoch, isr, time);
    }

    private Partition replica(int brokerId, int leaderId, int epoch, List<Integer> isr, Time logTime) throws IOException {
        Log log = Log.open(TP, tmp.resolve("broker-" + brokerId).resolve("orders-0").toFile(), LogConfig.create(Map.of(), Map.of()),
            logTime, scheduler, true, 0, -1, -1);
        toClose.add(log::close);
        Partition partition = new Partition(TP, brokerId, time, isrWriter, id -> true);
        apply(partition, log, leaderId, epoch, isr);
        return partition;
    }

    /** A new leader and epoch for the partition, as a metadata update brings it. */
    private void apply(Partition partition, int leaderId, int epoch, List<Integer> isr) {
        apply(partition, partition.log(), leaderId, epoch, isr);
    }

    private void apply(Partition partition, Log log, int leaderId, int epoch, List<Integer> isr) {
        PartitionImage image = new PartitionImage(0, List.of(LEADER, FOLLOWER), new PartitionState(leaderId, epoch, isr, 1, stateVersion),
            stateVersion);
        stateVersion++;
        partition.applyState(log, TOPIC_ID, image);
    }

    private InProcessLeader serve(Partition partition) throws InterruptedException {
        InProcessLeader server = new InProcessLeader(partition);
        toClose.add(server);
        return server.start();
    }

    private ReplicaFetcher startFetcher(int port, int leaderEpoch, FetcherConfig config) {
        ReplicaFetcher f = new ReplicaFetcher(FETCHER_THREAD, FOLLOWER, new BrokerClient("127.0.0.1", port, "test-fetcher", 5000),
            config, quota, time);
        f.add(new ReplicaFetcher.Fetching(follower, TOPIC_ID, leaderEpoch));
        f.start();
        return f;
    }

    private static FetcherConfig config(int fetchMaxBytes) {
        return new FetcherConfig(fetchMaxBytes, 10 * 1024 * 1024, 50, 1, BACKOFF_MS, 5000, 1, "REPLICATION");
    }

    /**
     * Records dated 1970: each batch is older than {@code segment.ms} when the next arrives, so
     * every batch starts a segment of its own and fetches cross segment boundaries.
     */
    private static MemoryRecords records(String prefix, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(1_000L + i, null, (prefix + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    private static List<String> values(Log log) {
        List<String> values = new ArrayList<>();
        for (RecordBatch batch : batches(log)) {
            for (Record record : batch) {
                ByteBuffer value = record.value();
                values.add(StandardCharsets.UTF_8.decode(value).toString());
            }
        }
        return values;
    }

    private static List<Integer> epochs(Log log) {
        return batches(log).stream().map(RecordBatch::partitionLeaderEpoch).distinct().toList();
    }

    /** Every batch of the log; a read stops at the end of a segment, so this reads on from there. */
    private static List<RecordBatch> batches(Log log) {
        List<RecordBatch> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            BaseRecords read = log.read(offset, 64 * 1024 * 1024, FetchIsolation.LOG_END, true).records();
            MemoryRecords records = read instanceof FileRecordsSlice slice ? MemoryRecords.readableRecords(bytes(slice)) : (MemoryRecords) read;
            for (RecordBatch batch : records.batches()) {
                out.add(batch);
                offset = batch.lastOffset() + 1;
            }
        }
        return out;
    }

    private static ByteBuffer bytes(FileRecordsSlice slice) {
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            while (buffer.hasRemaining()) {
                if (slice.channel().read(buffer, slice.position() + buffer.position()) < 0) {
                    throw new IOException("Segment ends before the slice does");
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return buffer.flip();
    }

    /** The test's clock, which runs a hook once when the fetcher thread next reads it. */
    private static final class HookedTime implements Time {
        private final Time clock;
        private final AtomicReference<Runnable> hook = new AtomicReference<>();

        HookedTime(Time clock) {
            this.clock = clock;
        }

        void onFetcherThread(Runnable action) {
            hook.set(action);
        }

        @Override
        public long milliseconds() {
            if (Thread.currentThread().getName().equals(FETCHER_THREAD)) {
                Runnable action = hook.getAndSet(null);
                if (action != null) {
                    action.run();
                }
            }
            return clock.milliseconds();
        }

        @Override
        public long nanoseconds() {
            return clock.nanoseconds();
        }

        @Override
        public void sleep(long ms) {
            clock.sleep(ms);
        }

        @Override
        public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) throws InterruptedException {
            clock.waitObject(obj, condition, deadlineMs);
        }
    }
}
