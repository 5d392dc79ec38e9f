package io.gregor.server.handlers.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.protocol.ApiHandler;
import io.gregor.server.InMemoryBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension (registered on a test's field): before each test, broker 0 of an
 * {@link InMemoryBroker} with its group handlers over a real group coordinator, whose shards write
 * to and replay {@code __consumer_offsets} partitions in a new log directory; after it, nothing
 * left. The test drives the handlers as a client would: request data in, response data out. Every
 * answer is awaited for at most ten seconds; answers that wait for other members are returned as
 * futures.
 *
 * <p>Members join with protocol type {@code consumer} and one protocol, {@code range}, whose
 * metadata is a consumer subscription to topic {@code t}.
 */
final class GroupHandlers implements BeforeEachCallback, AfterEachCallback {
    static final String PROTOCOL_TYPE = "consumer";
    static final String PROTOCOL = "range";
    static final byte[] SUBSCRIPTION = Utils.toArray(ConsumerProtocol.serializeSubscription(new Subscription(List.of("t"))));
    static final int SESSION_TIMEOUT_MS = 30_000;
    static final int REBALANCE_TIMEOUT_MS = 60_000;

    private final int brokers;
    private final Map<Integer, List<Integer>> offsetsAssignment;
    private Path logDir;
    private InMemoryBroker broker;
    private GroupCoordinator coordinator;
    private FindCoordinatorHandler findCoordinator;
    private JoinGroupHandler joinGroup;
    private SyncGroupHandler syncGroup;
    private HeartbeatHandler heartbeat;
    private LeaveGroupHandler leaveGroup;
    private OffsetCommitHandler offsetCommit;
    private OffsetFetchHandler offsetFetch;
    private OffsetDeleteHandler offsetDelete;
    private ListGroupsHandler listGroups;
    private DescribeGroupsHandler describeGroups;
    private DeleteGroupsHandler deleteGroups;

    /** A member alone in a Stable group, and its generation. */
    record Member(String id, int generation) {
    }

    /** @param offsetsAssignment the replicas of each {@code __consumer_offsets} partition (the first leads), or null for no topic */
    private GroupHandlers(int brokers, Map<Integer, List<Integer>> offsetsAssignment) {
        this.brokers = brokers;
        this.offsetsAssignment = offsetsAssignment;
    }

    /** Broker 0 alone, leading the one partition of {@code __consumer_offsets}. */
    static GroupHandlers alone() {
        return new GroupHandlers(1, Map.of(0, List.of(0)));
    }

    /** Broker 0 of {@code brokers} live brokers, with {@code __consumer_offsets} created in the store as {@code offsetsAssignment} says. */
    static GroupHandlers withOffsetsTopic(int brokers, Map<Integer, List<Integer>> offsetsAssignment) {
        return new GroupHandlers(brokers, offsetsAssignment);
    }

    /** Broker 0 alone, without the offsets topic: FindCoordinator creates it, with three partitions. */
    static GroupHandlers withoutOffsetsTopic() {
        return new GroupHandlers(1, null);
    }

    /** Starts the broker in a new log directory, with topic {@code t} of two partitions led by broker 0. */
    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        logDir = Files.createTempDirectory("group-handlers");
        broker = InMemoryBroker.start(brokers, "log.dirs", logDir.toString(), "offsets.topic.num.partitions", "3");
        coordinator = broker.startGroupCoordinator(broker.startReplicas());
        broker.createTopic("t", Map.of(0, List.of(0), 1, List.of(0)));
        if (offsetsAssignment != null) {
            broker.createTopic(GroupCoordinator.OFFSETS_TOPIC, offsetsAssignment);
        }
        findCoordinator = new FindCoordinatorHandler(broker.metadata, coordinator, broker.internalTopics);
        joinGroup = new JoinGroupHandler(coordinator);
        syncGroup = new SyncGroupHandler(coordinator);
        heartbeat = new HeartbeatHandler(coordinator);
        leaveGroup = new LeaveGroupHandler(coordinator);
        offsetCommit = new OffsetCommitHandler(broker.metadata, coordinator);
        offsetFetch = new OffsetFetchHandler(broker.metadata, coordinator);
        offsetDelete = new OffsetDeleteHandler(broker.metadata, coordinator);
        listGroups = new ListGroupsHandler(coordinator);
        describeGroups = new DescribeGroupsHandler(coordinator);
        deleteGroups = new DeleteGroupsHandler(coordinator);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            Utils.delete(logDir.toFile());
        }
    }

    InMemoryBroker broker() {
        return broker;
    }

    GroupCoordinator coordinator() {
        return coordinator;
    }

    /** A group id whose offsets partition is {@code partition}. */
    String groupOn(int partition, String prefix) {
        for (int i = 0; ; i++) {
            String groupId = prefix + "-" + i;
            if (coordinator.partitionFor(groupId) == partition) {
                return groupId;
            }
        }
    }

    // ---------------------------------------------------------------- membership

    static JoinGroupRequestData joinRequest(String groupId, String memberId, String instanceId) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName(PROTOCOL).setMetadata(SUBSCRIPTION));
        return new JoinGroupRequestData().setGroupId(groupId).setMemberId(memberId).setGroupInstanceId(instanceId)
            .setProtocolType(PROTOCOL_TYPE).setProtocols(protocols)
            .setSessionTimeoutMs(SESSION_TIMEOUT_MS).setRebalanceTimeoutMs(REBALANCE_TIMEOUT_MS);
    }

    CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData request) {
        return send(joinGroup, joinGroup.maxVersion(), request, JoinGroupResponseData.class);
    }

    CompletableFuture<JoinGroupResponseData> join(String groupId, String memberId) {
        return join(joinRequest(groupId, memberId, null));
    }

    /** The member id a dynamic member is handed on its first JoinGroup (KIP-394: MEMBER_ID_REQUIRED). */
    String memberIdFor(String groupId) throws Exception {
        JoinGroupResponseData required = await(join(groupId, ""));
        assertThat(required.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        return required.memberId();
    }

    CompletableFuture<SyncGroupResponseData> sync(String groupId, String memberId, int generation, Map<String, byte[]> assignments) {
        SyncGroupRequestData request = new SyncGroupRequestData().setGroupId(groupId).setMemberId(memberId).setGenerationId(generation)
            .setProtocolType(PROTOCOL_TYPE).setProtocolName(PROTOCOL);
        assignments.forEach((member, assignment) -> request.assignments().add(
            new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(member).setAssignment(assignment)));
        return send(syncGroup, syncGroup.maxVersion(), request, SyncGroupResponseData.class);
    }

    /** A new dynamic member alone in {@code groupId}, which becomes Stable with it, assigned {@code assignment(memberId)}. */
    Member stableMember(String groupId) throws Exception {
        String memberId = memberIdFor(groupId);
        JoinGroupResponseData joined = await(join(groupId, memberId));
        assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());
        SyncGroupResponseData synced = await(sync(groupId, memberId, joined.generationId(), Map.of(memberId, assignment(memberId))));
        assertThat(synced.errorCode()).isEqualTo(Errors.NONE.code());
        return new Member(memberId, joined.generationId());
    }

    static byte[] assignment(String memberId) {
        return ("assignment of " + memberId).getBytes(StandardCharsets.UTF_8);
    }

    Errors heartbeat(String groupId, String memberId, int generation) throws Exception {
        HeartbeatRequestData request = new HeartbeatRequestData().setGroupId(groupId).setMemberId(memberId).setGenerationId(generation);
        return Errors.forCode(await(send(heartbeat, heartbeat.maxVersion(), request, HeartbeatResponseData.class)).errorCode());
    }

    LeaveGroupResponseData leave(short version, LeaveGroupRequestData request) throws Exception {
        return await(send(leaveGroup, version, request, LeaveGroupResponseData.class));
    }

    static LeaveGroupRequestData.MemberIdentity leaving(String memberId, String instanceId) {
        return new LeaveGroupRequestData.MemberIdentity().setMemberId(memberId).setGroupInstanceId(instanceId);
    }

    // ---------------------------------------------------------------- offsets

    OffsetCommitResponseData commit(short version, OffsetCommitRequestData request) throws Exception {
        return await(send(offsetCommit, version, request, OffsetCommitResponseData.class));
    }

    OffsetFetchResponseData fetch(short version, OffsetFetchRequestData request) throws Exception {
        return await(send(offsetFetch, version, request, OffsetFetchResponseData.class));
    }

    OffsetDeleteResponseData deleteOffsets(OffsetDeleteRequestData request) throws Exception {
        return await(send(offsetDelete, offsetDelete.maxVersion(), request, OffsetDeleteResponseData.class));
    }

    // ---------------------------------------------------------------- administration

    ListGroupsResponseData list(short version, ListGroupsRequestData request) throws Exception {
        return await(send(listGroups, version, request, ListGroupsResponseData.class));
    }

    DescribeGroupsResponseData describe(short version, DescribeGroupsRequestData request) throws Exception {
        return await(send(describeGroups, version, request, DescribeGroupsResponseData.class));
    }

    DescribeGroupsResponseData.DescribedGroup describe(short version, String groupId) throws Exception {
        return describe(version, new DescribeGroupsRequestData().setGroups(List.of(groupId))).groups().get(0);
    }

    DescribeGroupsResponseData.DescribedGroup describe(String groupId) throws Exception {
        return describe(describeGroups.maxVersion(), groupId);
    }

    DeleteGroupsResponseData deleteGroups(String... groupIds) throws Exception {
        DeleteGroupsRequestData request = new DeleteGroupsRequestData().setGroupsNames(List.of(groupIds));
        return await(send(deleteGroups, deleteGroups.maxVersion(), request, DeleteGroupsResponseData.class));
    }

    FindCoordinatorResponseData findCoordinator(short version, FindCoordinatorRequestData request) throws Exception {
        return await(send(findCoordinator, version, request, FindCoordinatorResponseData.class));
    }

    // ---------------------------------------------------------------- plumbing

    private <R extends ApiMessage, T> CompletableFuture<T> send(ApiHandler<R> handler, short version, R request, Class<T> type) {
        return handler.handle(broker.context(handler.apiKey(), version), request).thenApply(type::cast);
    }

    static <T> T await(CompletableFuture<T> answer) throws Exception {
        return answer.get(10, TimeUnit.SECONDS);
    }
}
