package io.gregor.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.coordinator.runtime.LogPartitionWriter;
import io.gregor.coordinator.runtime.ManualTaskScheduler;
import io.gregor.testsupport.ManualTime;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The classic group state machine, driven through the coordinator runtime over a real log with a
 * manual clock (no sleeps, no threads).
 */
class GroupShardTest {
    private static final String GROUP = "orders-app";
    private static final int SESSION = 10_000;
    private static final int REBALANCE = 30_000;
    private static final short V = 9;

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime();
    private final ManualTaskScheduler timer = new ManualTaskScheduler(time);
    private LogPartitionWriter writer;
    private ShardDriver shard;
    private ShardDriver.Offsets offsets;

    @BeforeEach
    void start() throws Exception {
        writer = new LogPartitionWriter(dir.toFile(), ShardDriver.PARTITION, time);
        shard = shard(0);
        offsets = shard.offsets();
    }

    @AfterEach
    void stop() throws Exception {
        writer.close();
    }

    /**
     * A shard loaded from the partition's log as it is now (a fresh coordinator for it), on the
     * test's clock; it takes over the timers of a shard it replaces.
     */
    private ShardDriver shard(int initialDelayMs) {
        return new ShardDriver(new GroupConfig(6000, 300_000, initialDelayMs, 10, 4096, 60_000), time, timer, writer);
    }

    private JoinGroupRequestData join(String memberId, String instanceId, String... protocols) {
        JoinGroupRequestData r = new JoinGroupRequestData().setGroupId(GROUP).setMemberId(memberId).setGroupInstanceId(instanceId)
            .setSessionTimeoutMs(SESSION).setRebalanceTimeoutMs(REBALANCE).setProtocolType("consumer");
        for (String p : protocols.length == 0 ? new String[] {"range"} : protocols) {
            r.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName(p).setMetadata(p.getBytes()));
        }
        return r;
    }

    /** Joins a new dynamic member through the KIP-394 two-step join; returns the pending final join. */
    private CompletableFuture<JoinGroupResponseData> joinNew(String clientId) {
        JoinGroupResponseData first = shard.joinGroup(join("", null), V, clientId, "/127.0.0.1").join();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith(clientId + "-");
        return shard.joinGroup(join(first.memberId(), null), V, clientId, "/127.0.0.1");
    }

    private SyncGroupResponseData sync(JoinGroupResponseData joined, Map<String, byte[]> assignments) {
        SyncGroupRequestData r = new SyncGroupRequestData().setGroupId(GROUP).setMemberId(joined.memberId())
            .setGenerationId(joined.generationId()).setProtocolType("consumer").setProtocolName(joined.protocolName());
        assignments.forEach((m, a) -> r.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(m).setAssignment(a)));
        return shard.syncGroup(r, (short) 5).join();
    }

    private CompletableFuture<SyncGroupResponseData> syncAsync(JoinGroupResponseData joined) {
        SyncGroupRequestData r = new SyncGroupRequestData().setGroupId(GROUP).setMemberId(joined.memberId())
            .setGenerationId(joined.generationId());
        return shard.syncGroup(r, (short) 5);
    }

    private ClassicGroup group() {
        return shard.group(GROUP);
    }

    @Test
    void shouldRequireMemberIdThenFormAGroupOfOne() {
        JoinGroupResponseData joined = joinNew("app").join();

        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(joined.memberId());
        assertThat(joined.members()).hasSize(1);
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(group().state()).isEqualTo(GroupState.COMPLETING_REBALANCE);

        SyncGroupResponseData synced = sync(joined, Map.of(joined.memberId(), new byte[] {1, 2}));
        assertThat(synced.assignment()).containsExactly(1, 2);
        assertThat(group().state()).isEqualTo(GroupState.STABLE);
    }

    @Test
    void shouldKeepClientIdAndHostOfAMemberThatJoinedWithTheRequiredMemberId() {
        JoinGroupResponseData first = shard.joinGroup(join("", null), V, "billing-app", "/10.1.2.3").join();
        JoinGroupResponseData joined = shard.joinGroup(join(first.memberId(), null), V, "billing-app", "/10.1.2.3").join();

        GroupMember member = group().member(joined.memberId());
        assertThat(member.clientId).isEqualTo("billing-app");
        assertThat(member.clientHost).isEqualTo("/10.1.2.3");
    }

    @Test
    void shouldRebalanceWhenASecondMemberJoinsAndWaitForEveryMemberToRejoin() {
        JoinGroupResponseData a = joinNew("a").join();
        sync(a, Map.of(a.memberId(), new byte[] {1}));

        CompletableFuture<JoinGroupResponseData> b = joinNew("b");
        assertThat(b).isNotDone();
        assertThat(group().state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(shard.heartbeat(GROUP, a.memberId(), null, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        JoinGroupResponseData aAgain = shard.joinGroup(join(a.memberId(), null), V, "a", "/127.0.0.1").join();
        JoinGroupResponseData bJoined = b.join();
        assertThat(aAgain.generationId()).isEqualTo(2).isEqualTo(bJoined.generationId());
        assertThat(aAgain.leader()).isEqualTo(a.memberId());
        assertThat(aAgain.members()).hasSize(2);
        assertThat(bJoined.members()).isEmpty();

        CompletableFuture<SyncGroupResponseData> follower = syncAsync(bJoined);
        assertThat(follower).isNotDone();
        sync(aAgain, Map.of(a.memberId(), new byte[] {1}, bJoined.memberId(), new byte[] {2}));
        assertThat(follower.join().assignment()).containsExactly(2);
        assertThat(group().state()).isEqualTo(GroupState.STABLE);
    }

    @Test
    void shouldRemoveAMemberWhoseSessionTimesOutAndRebalanceTheRest() {
        JoinGroupResponseData a = joinNew("a").join();
        CompletableFuture<JoinGroupResponseData> b = joinNew("b");
        // a never heartbeats or rejoins: its session expires and the rebalance completes without it.
        timer.advance(SESSION + 1);
        assertThat(b.join().generationId()).isEqualTo(2);
        assertThat(group().has(a.memberId())).isFalse();
        assertThat(group().members).hasSize(1);
        sync(b.join(), Map.of(b.join().memberId(), new byte[0]));

        timer.advance(SESSION - 1);
        assertThat(shard.heartbeat(GROUP, b.join().memberId(), null, 2)).isEqualTo(Errors.NONE);
        timer.advance(SESSION + 1);
        assertThat(group().members).isEmpty();
        assertThat(group().state()).isEqualTo(GroupState.EMPTY);
        assertThat(shard.heartbeat(GROUP, b.join().memberId(), null, 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldDelayTheFirstRebalanceOfANewGroup() {
        shard = shard(3000);
        CompletableFuture<JoinGroupResponseData> a = joinNew("a");
        timer.advance(2000);
        CompletableFuture<JoinGroupResponseData> b = joinNew("b");
        assertThat(a).isNotDone();
        timer.advance(1000);
        assertThat(a).isNotDone(); // a member joined during the delay: wait once more
        timer.advance(3000);
        assertThat(a.join().generationId()).isEqualTo(1);
        assertThat(b.join().generationId()).isEqualTo(1);
        assertThat(a.join().members()).hasSize(2);
    }

    @Test
    void shouldFenceAReplacedStaticMemberWithoutRebalancing() {
        JoinGroupResponseData first = shard.joinGroup(join("", "pod-1"), V, "app", "/10.0.0.1").join();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.NONE);
        sync(first, Map.of(first.memberId(), new byte[] {9}));
        int generation = group().generationId;

        JoinGroupResponseData restarted = shard.joinGroup(join("", "pod-1"), V, "app", "/10.0.0.2").join();

        assertThat(restarted.memberId()).isNotEqualTo(first.memberId());
        assertThat(restarted.generationId()).isEqualTo(generation);
        assertThat(restarted.skipAssignment()).isTrue();
        assertThat(group().state()).isEqualTo(GroupState.STABLE);
        assertThat(shard.heartbeat(GROUP, first.memberId(), "pod-1", generation)).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(shard.heartbeat(GROUP, restarted.memberId(), "pod-1", generation)).isEqualTo(Errors.NONE);
        SyncGroupResponseData synced = syncAsync(restarted).join();
        assertThat(synced.assignment()).containsExactly(9);
    }

    @Test
    void shouldAnswerWithTheRightErrorsForStaleOrUnknownMembers() {
        JoinGroupResponseData a = joinNew("a").join();
        sync(a, Map.of());
        assertThat(shard.heartbeat(GROUP, a.memberId(), null, 0)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(shard.heartbeat(GROUP, "nobody", null, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(shard.heartbeat("other-group", "nobody", null, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        JoinGroupResponseData unknown = shard.joinGroup(join("nobody", null), V, "x", "/1").join();
        assertThat(Errors.forCode(unknown.errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        JoinGroupResponseData badTimeout = shard.joinGroup(join("", null).setSessionTimeoutMs(100), V, "x", "/1").join();
        assertThat(Errors.forCode(badTimeout.errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        JoinGroupResponseData badProtocol = shard.joinGroup(join("", null, "roundrobin"), (short) 3, "x", "/1").join();
        assertThat(Errors.forCode(badProtocol.errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        JoinGroupResponseData noGroupId = shard.joinGroup(join("", null).setGroupId(""), V, "x", "/1").join();
        assertThat(Errors.forCode(noGroupId.errorCode())).isEqualTo(Errors.INVALID_GROUP_ID);
    }

    @Test
    void shouldCompleteTheRebalanceWhenAMemberLeavesWhileOthersRejoin() {
        JoinGroupResponseData a = joinNew("a").join();
        CompletableFuture<JoinGroupResponseData> b = joinNew("b");
        assertThat(shard.leave(GROUP, a.memberId(), null, "closing")).isEqualTo(Errors.NONE);
        JoinGroupResponseData bJoined = b.join();
        assertThat(bJoined.generationId()).isEqualTo(2);
        assertThat(bJoined.leader()).isEqualTo(bJoined.memberId());
        assertThat(shard.leave(GROUP, a.memberId(), null, null)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldRejectSyncFromAnotherGenerationAndDuringRebalance() {
        JoinGroupResponseData a = joinNew("a").join();
        SyncGroupResponseData stale = shard.syncGroup(new SyncGroupRequestData().setGroupId(GROUP).setMemberId(a.memberId())
            .setGenerationId(a.generationId() + 1), (short) 5).join();
        assertThat(Errors.forCode(stale.errorCode())).isEqualTo(Errors.ILLEGAL_GENERATION);
        sync(a, Map.of());
        joinNew("b");
        SyncGroupResponseData during = syncAsync(a).join();
        assertThat(Errors.forCode(during.errorCode())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void shouldCommitFetchAndRebuildOffsetsFromTheLog() {
        JoinGroupResponseData a = joinNew("a").join();
        sync(a, Map.of());
        TopicPartition tp = new TopicPartition("orders", 3);
        OffsetOps.CommitResult result = offsets.commit(GROUP, a.generationId(), a.memberId(), null, -1,
            Map.of(tp, new OffsetOps.Commit(42, 5, "checkpoint"))).join();
        assertThat(result.partitions()).containsEntry(tp, Errors.NONE);
        assertThat(offsets.fetch(GROUP, List.of(tp)).get(tp).offset()).isEqualTo(42);

        ShardDriver reloaded = shard(0);
        OffsetAndMetadata restored = reloaded.offsets().fetch(GROUP, List.of(tp)).get(tp);
        assertThat(restored.offset()).isEqualTo(42);
        assertThat(restored.leaderEpoch()).isEqualTo(5);
        assertThat(restored.metadata()).isEqualTo("checkpoint");
        assertThat(reloaded.group(GROUP).state()).isEqualTo(GroupState.STABLE);
        assertThat(reloaded.group(GROUP).members).containsKey(a.memberId());
    }

    @Test
    void shouldRejectCommitsFromStaleGenerationsAndUnknownMembers() {
        JoinGroupResponseData a = joinNew("a").join();
        TopicPartition tp = new TopicPartition("orders", 0);
        Map<TopicPartition, OffsetOps.Commit> one = Map.of(tp, new OffsetOps.Commit(1, -1, ""));
        assertThat(offsets.commit(GROUP, 1, a.memberId(), null, -1, one).join().groupError()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        sync(a, Map.of());
        assertThat(offsets.commit(GROUP, 0, a.memberId(), null, -1, one).join().groupError()).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(offsets.commit(GROUP, 1, "ghost", null, -1, one).join().groupError()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(offsets.commit(GROUP, -1, "", null, -1, one).join().groupError()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(offsets.commit("standalone", -1, "", null, -1, one).join().partitions()).containsEntry(tp, Errors.NONE);
        assertThat(offsets.commit(GROUP, 1, a.memberId(), null, -1,
            Map.of(tp, new OffsetOps.Commit(1, -1, "x".repeat(5000)))).join().partitions()).containsEntry(tp, Errors.OFFSET_METADATA_TOO_LARGE);
    }

    @Test
    void shouldExpireOffsetsOfAnEmptyGroupAfterTheRetentionTime() {
        TopicPartition tp = new TopicPartition("orders", 0);
        offsets.commit("idle", -1, "", null, -1, Map.of(tp, new OffsetOps.Commit(7, -1, ""))).join();
        timer.advance(30_000);
        assertThat(offsets.expire().join()).isZero();
        timer.advance(31_000);
        assertThat(offsets.expire().join()).isEqualTo(1);
        assertThat(offsets.fetch("idle", List.of(tp)).get(tp)).isNull();
        assertThat(shard.group("idle")).isNull();
    }

    @Test
    void shouldDeleteOnlyEmptyGroups() {
        JoinGroupResponseData a = joinNew("a").join();
        sync(a, Map.of());
        assertThat(offsets.deleteGroup(GROUP).join()).isEqualTo(Errors.NON_EMPTY_GROUP);
        shard.leave(GROUP, a.memberId(), null, null);
        assertThat(offsets.deleteGroup(GROUP).join()).isEqualTo(Errors.NONE);
        assertThat(offsets.deleteGroup(GROUP).join()).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void shouldDropPendingMembersThatNeverComeBack() {
        JoinGroupResponseData a = joinNew("a").join();
        sync(a, Map.of());
        JoinGroupResponseData pending = shard.joinGroup(join("", null), V, "b", "/1").join();
        assertThat(group().pendingMembers).contains(pending.memberId());
        timer.advance(SESSION + 1);
        assertThat(group().pendingMembers).isEmpty();
    }

    @Test
    void shouldRemoveMembersThatDoNotSyncInTime() {
        JoinGroupResponseData a = joinNew("a").join();
        sync(a, Map.of());
        CompletableFuture<JoinGroupResponseData> b = joinNew("b");
        JoinGroupResponseData aAgain = shard.joinGroup(join(a.memberId(), null), V, "a", "/1").join();
        b.join();
        // Only the leader syncs (and keeps heartbeating); b never sends SyncGroup.
        sync(aAgain, Map.of(aAgain.memberId(), new byte[] {1}, b.join().memberId(), new byte[] {2}));
        assertThat(group().state()).isEqualTo(GroupState.STABLE);
        // b keeps heartbeating, so only the sync deadline (the rebalance timeout) can remove it.
        for (int elapsed = 0; elapsed < REBALANCE; elapsed += SESSION / 2) {
            assertThat(group().has(b.join().memberId())).isTrue();
            shard.heartbeat(GROUP, aAgain.memberId(), null, aAgain.generationId());
            shard.heartbeat(GROUP, b.join().memberId(), null, aAgain.generationId());
            timer.advance(SESSION / 2);
        }
        assertThat(group().has(b.join().memberId())).isFalse();
        assertThat(group().state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(shard.heartbeat(GROUP, aAgain.memberId(), null, aAgain.generationId())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void shouldAnswerAWaitingOldClientInAFormItsVersionCanCarryWhenTheCoordinatorMoves() {
        JoinGroupResponseData a = joinNew("a").join();
        sync(a, Map.of(a.memberId(), new byte[0]));
        short v6 = 6;
        JoinGroupResponseData first = shard.joinGroup(join("", null), v6, "old-client", "/127.0.0.1").join();
        CompletableFuture<JoinGroupResponseData> waiting = shard.joinGroup(join(first.memberId(), null), v6, "old-client", "/127.0.0.1");
        assertThat(waiting).isNotDone();

        shard.unload();

        JoinGroupResponseData answer = waiting.join();
        assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        // Before v7 the protocol name is not nullable: a v9-shaped error could not be sent.
        assertThat(org.apache.kafka.common.protocol.MessageUtil.toByteBufferAccessor(answer, v6).buffer().remaining()).isPositive();
    }

    /** Joins a new dynamic member at {@code version}: in one step before v4, through KIP-394's two steps from v4. */
    private CompletableFuture<JoinGroupResponseData> joinAt(short version, String clientId) {
        if (version < 4) {
            return shard.joinGroup(join("", null), version, clientId, "/127.0.0.1");
        }
        JoinGroupResponseData first = shard.joinGroup(join("", null), version, clientId, "/127.0.0.1").join();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        return shard.joinGroup(join(first.memberId(), null), version, clientId, "/127.0.0.1");
    }

    @ParameterizedTest(name = "JoinGroup v{0}")
    @ValueSource(shorts = {2, 3, 4, 5, 6})
    void shouldAnswerAWaitingJoinInTheShapeOfItsMembersVersion(short version) {
        // Given a stable group of one member that joined at this version (librdkafka's are v2-v5)
        JoinGroupResponseData a = joinAt(version, "a").join();
        assertThat(Errors.forCode(a.errorCode())).isEqualTo(Errors.NONE);
        sync(a, Map.of(a.memberId(), new byte[] {1}));

        // When a second member joins, its join waits for the first to rejoin, and the first does
        CompletableFuture<JoinGroupResponseData> b = joinAt(version, "b");
        assertThat(b).isNotDone();
        JoinGroupResponseData aAgain = shard.joinGroup(join(a.memberId(), null), version, "a", "/127.0.0.1").join();

        // Then both answers, the one that waited included, can be sent at that version
        for (JoinGroupResponseData answer : List.of(aAgain, b.join())) {
            assertThat(Errors.forCode(answer.errorCode())).isEqualTo(Errors.NONE);
            assertThat(answer.generationId()).isEqualTo(2);
            assertThat(org.apache.kafka.common.protocol.MessageUtil.toByteBufferAccessor(answer, version).buffer().remaining())
                .as("v%d encoding of %s", version, answer).isPositive();
        }
        assertThat(aAgain.members()).hasSize(2);
    }
}
