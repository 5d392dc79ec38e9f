package io.gregor.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.Log;
import io.gregor.testsupport.ManualTime;
import io.gregor.storage.util.ThreadPoolScheduler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** High watermark and ISR rules of a leader replica, with a manual clock and a recorded ISR writer. */
class PartitionReplicationTest {
    private static final TopicPartition TP = new TopicPartition("payments", 0);
    private static final int ME = 1;
    private static final long LAG_MS = 10_000;

    @TempDir
    Path tmp;
    private final ManualTime time = new ManualTime();
    private final ThreadPoolScheduler scheduler = new ThreadPoolScheduler(1, "test");
    private final List<PartitionState> proposals = new ArrayList<>();
    private final IsrWriter writer = (tp, state, version) -> {
        proposals.add(state);
        return CompletableFuture.completedFuture(true);
    };
    private final Set<Integer> registered = new HashSet<>(Set.of(1, 2, 3));
    private Log log;
    private Partition partition;
    private int version;

    @AfterEach
    void tearDown() throws Exception {
        if (log != null) {
            log.close();
        }
        scheduler.close();
    }

    private Partition leaderOf(List<Integer> isr, Map<String, String> overrides) throws Exception {
        log = Log.open(TP, tmp.resolve("payments-0").toFile(), LogConfig.create(Map.of(), overrides), time, scheduler, true, 0, -1, -1);
        partition = new Partition(TP, ME, time, writer, registered::contains);
        apply(ME, 3, isr);
        return partition;
    }

    private void apply(int leader, int epoch, List<Integer> isr) {
        PartitionImage image = new PartitionImage(0, List.of(1, 2, 3), new PartitionState(leader, epoch, isr, 1, version), version);
        version++;
        partition.applyState(log, Uuid.ONE_UUID, image);
    }

    private static MemoryRecords records(int n) {
        SimpleRecord[] rs = new SimpleRecord[n];
        for (int i = 0; i < n; i++) {
            rs[i] = new SimpleRecord(System.currentTimeMillis(), null, ("r" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, rs);
    }

    private void followerFetches(int replica, long offset) {
        partition.updateFollowerFetchState(replica, offset, log.logEndOffset());
    }

    @Test
    void shouldAdvanceTheHighWatermarkOnlyToWhatEveryInSyncReplicaHas() throws Exception {
        leaderOf(List.of(1, 2, 3), Map.of());
        partition.appendRecordsToLeader(records(10), (short) -1);
        assertThat(partition.highWatermark()).isZero();

        followerFetches(2, 10);
        assertThat(partition.highWatermark()).as("replica 3 has not fetched yet").isZero();
        followerFetches(3, 4);
        assertThat(partition.highWatermark()).isEqualTo(4);
        followerFetches(3, 10);
        assertThat(partition.highWatermark()).isEqualTo(10);
    }

    @Test
    void shouldDropALaggingFollowerFromTheIsrAfterTheLagTime() throws Exception {
        leaderOf(List.of(1, 2, 3), Map.of());
        partition.appendRecordsToLeader(records(5), (short) 1);
        followerFetches(2, 5);
        followerFetches(3, 0);
        time.advance(LAG_MS / 2);
        followerFetches(2, 5);
        partition.maybeShrinkIsr(LAG_MS);
        assertThat(proposals).isEmpty();

        time.advance(LAG_MS / 2 + 1);
        followerFetches(2, 5);
        partition.maybeShrinkIsr(LAG_MS);
        assertThat(proposals).hasSize(1);
        assertThat(proposals.get(0).isr()).containsExactly(1, 2);
        assertThat(proposals.get(0).leaderEpoch()).isEqualTo(3);
    }

    @Test
    void shouldAddAFollowerBackOnceItReachesTheHighWatermark() throws Exception {
        leaderOf(List.of(1, 2), Map.of());
        partition.appendRecordsToLeader(records(8), (short) 1);
        followerFetches(2, 8);
        assertThat(partition.highWatermark()).isEqualTo(8);
        followerFetches(3, 5);
        assertThat(proposals).as("behind the high watermark").isEmpty();
        followerFetches(3, 8);
        assertThat(proposals).extracting(PartitionState::isr).containsExactly(List.of(1, 2, 3));
    }

    @Test
    void shouldNotAddAFollowerBackWhileItsBrokerIsNotRegistered() throws Exception {
        leaderOf(List.of(1, 2), Map.of());
        partition.appendRecordsToLeader(records(8), (short) 1);
        followerFetches(2, 8);
        registered.remove(3);
        followerFetches(3, 8);
        assertThat(proposals).as("replica 3 caught up, but its broker is starting or shutting down").isEmpty();
        registered.add(3);
        followerFetches(3, 8);
        assertThat(proposals).extracting(PartitionState::isr).containsExactly(List.of(1, 2, 3));
    }

    @Test
    void shouldRefuseAReplicaFetchFromABrokerThatIsNotAnAssignedReplicaAndMoveNothing() throws Exception {
        // Given a leader with records only it has
        leaderOf(List.of(1, 2, 3), Map.of());
        partition.appendRecordsToLeader(records(6), (short) 1);
        followerFetches(2, 6);

        // When a client claims replica ids it is not: an unknown broker, this broker, a replica whose broker is not registered
        registered.remove(3);
        for (int bogus : List.of(7, ME, 3)) {
            assertThatThrownBy(() -> partition.read(6, 1000, FetchIsolation.LOG_END, true, 3, bogus))
                .as("fetch as replica %d", bogus)
                .isInstanceOf(NotLeaderOrFollowerException.class)
                .hasMessageContaining("Replica " + bogus + " is not recognized as a valid replica");
        }

        // Then the high watermark and the ISR did not move, and nothing past the high watermark was read
        assertThat(partition.highWatermark()).isZero();
        assertThat(proposals).isEmpty();
        // while a real follower still moves it
        registered.add(3);
        assertThat(partition.read(6, 1000, FetchIsolation.LOG_END, true, 3, 3).records().sizeInBytes()).isZero();
        assertThat(partition.highWatermark()).isEqualTo(6);
    }

    @Test
    void shouldKeepTheHighWatermarkWhileAnIsrExpansionIsPending() throws Exception {
        leaderOf(List.of(1), Map.of());
        IsrWriter never = (tp, state, v) -> new CompletableFuture<>();
        partition = new Partition(TP, ME, time, never, registered::contains);
        apply(ME, 4, List.of(1));
        partition.appendRecordsToLeader(records(3), (short) 1);
        assertThat(partition.highWatermark()).isEqualTo(3);
        followerFetches(2, 3);
        assertThat(partition.hasPendingIsrChange()).isTrue();
        partition.appendRecordsToLeader(records(2), (short) 1);
        assertThat(partition.highWatermark()).as("replica 2 may already count as in sync").isEqualTo(3);
        followerFetches(2, 5);
        assertThat(partition.highWatermark()).isEqualTo(5);
    }

    @Test
    void shouldProposeTheIsrChangeAgainWhenTheWriteFailsBeforeTheProposalReturns() throws Exception {
        // A write that has already failed (lost a version race) when the proposal registers its
        // callback: the callback runs at once, on the fetching thread, which holds the read lock.
        leaderOf(List.of(1, 2), Map.of());
        List<PartitionState> rejected = new ArrayList<>();
        partition = new Partition(TP, ME, time, (tp, state, v) -> {
            rejected.add(state);
            return CompletableFuture.completedFuture(false);
        }, registered::contains);
        apply(ME, 4, List.of(1, 2));
        partition.appendRecordsToLeader(records(3), (short) 1);
        followerFetches(2, 3);

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> followerFetches(3, 3), "follower fetch returns");

        assertThat(partition.hasPendingIsrChange()).as("the failed proposal is withdrawn").isFalse();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> followerFetches(3, 3), "follower fetch returns");
        assertThat(rejected).extracting(PartitionState::isr).containsExactly(List.of(1, 2, 3), List.of(1, 2, 3));
        assertThat(partition.appendRecordsToLeader(records(1), (short) 1).lastOffset()).isEqualTo(3);
    }

    @Test
    void shouldKeepAPendingIsrExpansionWhenAnUpdateLeavesThePartitionStateAsItWas() throws Exception {
        // Every metadata update (another topic, a broker registering) is applied to every partition.
        leaderOf(List.of(1), Map.of());
        IsrWriter never = (tp, state, v) -> new CompletableFuture<>();
        partition = new Partition(TP, ME, time, never, registered::contains);
        apply(ME, 4, List.of(1));
        partition.appendRecordsToLeader(records(3), (short) 1);
        followerFetches(2, 3);
        partition.appendRecordsToLeader(records(2), (short) 1);

        int sameVersion = version - 1;
        partition.applyState(log, Uuid.ONE_UUID,
            new PartitionImage(0, List.of(1, 2, 3), new PartitionState(ME, 4, List.of(1), 1, sameVersion), sameVersion));

        assertThat(partition.hasPendingIsrChange()).isTrue();
        assertThat(partition.highWatermark()).as("replica 2 may already count as in sync").isEqualTo(3);
    }

    @Test
    void shouldRefuseAcksAllBelowMinInSyncReplicas() throws Exception {
        leaderOf(List.of(1), Map.of("min.insync.replicas", "2"));
        assertThatThrownBy(() -> partition.appendRecordsToLeader(records(1), (short) -1)).isInstanceOf(NotEnoughReplicasException.class);
        assertThat(partition.appendRecordsToLeader(records(1), (short) 1).lastOffset()).isZero();
    }

    @Test
    void shouldFenceOlderEpochsAndStopLeadingWhenFenced() throws Exception {
        leaderOf(List.of(1, 2, 3), Map.of());
        assertThatThrownBy(() -> partition.read(0, 100, io.gregor.storage.log.FetchIsolation.HIGH_WATERMARK, true, 2, -1))
            .isInstanceOf(FencedLeaderEpochException.class);
        partition.setFenced(true);
        assertThatThrownBy(() -> partition.appendRecordsToLeader(records(1), (short) 1)).isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void shouldRecordTheLeaderEpochAndAnswerEpochEndOffsets() throws Exception {
        leaderOf(List.of(1), Map.of());
        partition.appendRecordsToLeader(records(4), (short) 1);
        apply(ME, 5, List.of(1));
        partition.appendRecordsToLeader(records(2), (short) 1);
        assertThat(partition.endOffsetForEpoch(3, 5).endOffset()).isEqualTo(4);
        assertThat(partition.endOffsetForEpoch(4, 5).epoch()).isEqualTo(3);
        assertThat(partition.endOffsetForEpoch(5, 5).endOffset()).isEqualTo(6);
    }
}
