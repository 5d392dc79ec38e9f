package io.gregor.coordinator.group;

import io.gregor.common.Futures;
import io.gregor.coordinator.runtime.CoordinatorRecord;
import io.gregor.coordinator.runtime.CoordinatorResult;
import io.gregor.coordinator.runtime.CoordinatorShard;
import io.gregor.coordinator.runtime.CoordinatorTimer;
import io.gregor.coordinator.runtime.ShardContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups whose coordinator is one partition of {@code __consumer_offsets}, and the classic
 * group protocol as a state machine over them: JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
 * session and rebalance timeouts, static membership (KIP-345) and the member-id-required join
 * (KIP-394). Offset handling lives in {@link OffsetOps}; the records in {@link GroupRecords}.
 *
 * <p>A shard of the coordinator runtime: operations return the records to write and the
 * response; the durable state (committed offsets, each group's stored generation, members and
 * assignment, deleted groups) changes only when the runtime replays committed records through
 * {@link #replay}. The rest is the rebalance in progress (members waiting for their JoinGroup or
 * SyncGroup answer, pending members, timers): ephemeral, as in Kafka, and rebuilt from the stored
 * groups when the shard loads (members must then heartbeat within their session timeout).
 *
 * <p>How records change the groups, while loading and for a live shard's own writes, is
 * {@link GroupReplay}'s part.
 *
 * <p>Every method runs on the shard's thread; the state needs no locks.
 */
final class GroupShard implements CoordinatorShard {
    private static final Logger log = LoggerFactory.getLogger(GroupShard.class);
    static final String EXPIRE_OFFSETS_KEY = "expire-offsets";

    final int partition;
    final GroupConfig config;
    final Time time;
    final CoordinatorTimer timer;
    final ShardContext context;
    final Map<String, ClassicGroup> groups = new HashMap<>();
    final OffsetOps offsets = new OffsetOps(this);
    private final Map<String, Short> memberVersions = new HashMap<>();
    private final GroupReplay replay = new GroupReplay(this);
    private boolean loaded;

    GroupShard(GroupConfig config, ShardContext context) {
        this.partition = context.partition().partition();
        this.config = config;
        this.time = context.time();
        this.timer = context.timer();
        this.context = context;
    }

    ClassicGroup group(String groupId) {
        return groups.get(groupId);
    }

    Collection<ClassicGroup> groups() {
        return groups.values();
    }

    // ---------------------------------------------------------------- replay

    @Override
    public void replay(long offset, long producerId, short producerEpoch, ByteBuffer key, ByteBuffer value) {
        GroupRecords.replay(key, value, replay);
    }

    /** After loading: members read from the log must heartbeat within their session timeout. */
    @Override
    public void onLoaded() {
        loaded = true;
        for (ClassicGroup g : groups.values()) {
            for (GroupMember m : g.members.values()) {
                scheduleHeartbeatExpiry(g, m);
            }
        }
        scheduleOffsetExpiration();
    }

    private void scheduleOffsetExpiration() {
        timer.schedule(EXPIRE_OFFSETS_KEY, config.offsetsRetentionCheckIntervalMs(), () -> {
            scheduleOffsetExpiration();
            return offsets.expire().records();
        });
    }

    /** The coordinator moved away: answer everyone waiting with NOT_COORDINATOR and forget the groups. */
    @Override
    public void onUnloaded() {
        for (ClassicGroup g : groups.values()) {
            for (GroupMember m : g.members.values()) {
                if (m.awaitingJoin != null) {
                    m.awaitingJoin.complete(joinError(m.memberId, Errors.NOT_COORDINATOR, joinVersion(m.memberId)));
                    m.awaitingJoin = null;
                }
                if (m.awaitingSync != null) {
                    m.awaitingSync.complete(syncError(Errors.NOT_COORDINATOR));
                    m.awaitingSync = null;
                }
            }
        }
        groups.clear();
    }

    // ---------------------------------------------------------------- JoinGroup

    CoordinatorResult<CompletableFuture<JoinGroupResponseData>> joinGroup(JoinGroupRequestData request, short version,
                                                                          String clientId, String clientHost) {
        String groupId = request.groupId();
        String memberId = request.memberId() == null ? "" : request.memberId();
        if (groupId == null || groupId.isEmpty()) {
            return answer(joinError(memberId, Errors.INVALID_GROUP_ID, version));
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs() || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return answer(joinError(memberId, Errors.INVALID_SESSION_TIMEOUT, version));
        }
        Map<String, byte[]> protocols = new LinkedHashMap<>();
        request.protocols().forEach(p -> protocols.put(p.name(), p.metadata()));
        ClassicGroup group = groups.get(groupId);
        boolean unknownMember = memberId.isEmpty();
        if (group == null) {
            if (!unknownMember) {
                return answer(joinError(memberId, Errors.UNKNOWN_MEMBER_ID, version));
            }
            group = new ClassicGroup(groupId, time.milliseconds());
            groups.put(groupId, group);
        }
        if (group.is(GroupState.DEAD)) {
            return answer(joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE, version));
        }
        if (!group.supportsProtocols(request.protocolType(), protocols.keySet())) {
            return answer(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL, version));
        }
        int rebalanceTimeout = version == 0 ? request.sessionTimeoutMs() : request.rebalanceTimeoutMs();
        String instanceId = request.groupInstanceId();
        if (unknownMember) {
            return joinUnknownMember(group, request, version, clientId, clientHost, protocols, rebalanceTimeout, instanceId);
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        CompletableFuture<JoinGroupResponseData> joined = joinKnownMember(group, memberId, request, version, clientId, clientHost,
            protocols, rebalanceTimeout, instanceId, records);
        return sideRecords(records, joined);
    }

    private CoordinatorResult<CompletableFuture<JoinGroupResponseData>> joinUnknownMember(
            ClassicGroup group, JoinGroupRequestData request, short version, String clientId, String clientHost,
            Map<String, byte[]> protocols, int rebalanceTimeout, String instanceId) {
        if (group.members.size() >= config.maxGroupSize() && group.staticMemberId(instanceId) == null) {
            return answer(joinError("", Errors.GROUP_MAX_SIZE_REACHED, version));
        }
        String newMemberId = (instanceId != null ? instanceId : clientId) + "-" + UUID.randomUUID();
        if (instanceId != null) {
            String oldMemberId = group.staticMemberId(instanceId);
            if (oldMemberId != null) {
                return replaceStaticMember(group, instanceId, oldMemberId, newMemberId, request, version, protocols, rebalanceTimeout);
            }
        } else if (version >= 4) {
            // KIP-394: hand out an id first; the member joins for real with it.
            group.pendingMembers.add(newMemberId);
            ClassicGroup g = group;
            timer.schedule(pendingKey(group, newMemberId), request.sessionTimeoutMs(), () -> {
                List<CoordinatorRecord> records = new ArrayList<>();
                if (g.pendingMembers.remove(newMemberId)) {
                    maybeCompleteJoin(g, records);
                }
                return records;
            });
            return answer(joinError(newMemberId, Errors.MEMBER_ID_REQUIRED, version));
        }
        GroupMember member = new GroupMember(newMemberId, instanceId, clientId, clientHost, rebalanceTimeout,
            request.sessionTimeoutMs(), request.protocolType(), protocols);
        List<CoordinatorRecord> records = new ArrayList<>();
        return sideRecords(records, addMemberAndRebalance(group, member, version, records));
    }

    private CompletableFuture<JoinGroupResponseData> addMemberAndRebalance(ClassicGroup group, GroupMember member, short version,
                                                                           List<CoordinatorRecord> records) {
        member.isNew = true;
        CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
        member.awaitingJoin = future;
        memberVersions.put(member.memberId, version);
        group.add(member);
        group.newMembersSinceDelayCheck++;
        scheduleHeartbeatExpiry(group, member);
        maybePrepareRebalance(group, "member " + member.memberId + " joined");
        maybeCompleteJoin(group, records);
        return future;
    }

    private CompletableFuture<JoinGroupResponseData> joinKnownMember(ClassicGroup group, String memberId, JoinGroupRequestData request,
                                                                     short version, String clientId, String clientHost,
                                                                     Map<String, byte[]> protocols, int rebalanceTimeout,
                                                                     String instanceId, List<CoordinatorRecord> records) {
        if (group.pendingMembers.remove(memberId)) {
            timer.cancel(pendingKey(group, memberId));
            GroupMember member = new GroupMember(memberId, instanceId, clientId, clientHost, rebalanceTimeout,
                request.sessionTimeoutMs(), request.protocolType(), protocols);
            return addMemberAndRebalance(group, member, version, records);
        }
        Errors fenced = checkStatic(group, memberId, instanceId);
        if (fenced != null) {
            return done(joinError(memberId, fenced, version));
        }
        GroupMember member = group.member(memberId);
        if (member == null) {
            return done(joinError(memberId, Errors.UNKNOWN_MEMBER_ID, version));
        }
        memberVersions.put(memberId, version);
        switch (group.state()) {
            case PREPARING_REBALANCE:
                return updateMemberAndRebalance(group, member, protocols, rebalanceTimeout, request.sessionTimeoutMs(), records);
            case COMPLETING_REBALANCE:
                if (member.sameProtocols(protocols)) {
                    // The member missed our JoinGroup answer: send it again.
                    return done(joinResult(group, member, version, false));
                }
                return updateMemberAndRebalance(group, member, protocols, rebalanceTimeout, request.sessionTimeoutMs(), records);
            case STABLE:
                if (group.isLeader(memberId) || !member.sameProtocols(protocols)) {
                    return updateMemberAndRebalance(group, member, protocols, rebalanceTimeout, request.sessionTimeoutMs(), records);
                }
                scheduleHeartbeatExpiry(group, member);
                return done(joinResult(group, member, version, false));
            default:
                return done(joinError(memberId, Errors.UNKNOWN_MEMBER_ID, version));
        }
    }

    private CompletableFuture<JoinGroupResponseData> updateMemberAndRebalance(ClassicGroup group, GroupMember member,
                                                                              Map<String, byte[]> protocols, int rebalanceTimeout,
                                                                              int sessionTimeout, List<CoordinatorRecord> records) {
        member.protocols = new LinkedHashMap<>(protocols);
        member.rebalanceTimeoutMs = rebalanceTimeout;
        member.sessionTimeoutMs = sessionTimeout;
        CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
        if (member.awaitingJoin != null) {
            // A duplicate join from the same member: the older request gets the same answer later,
            // so the client does not see an error for a request it may still wait on.
            CompletableFuture<JoinGroupResponseData> older = member.awaitingJoin;
            future.thenAccept(older::complete);
        }
        member.awaitingJoin = future;
        scheduleHeartbeatExpiry(group, member);
        maybePrepareRebalance(group, "member " + member.memberId + " rejoined");
        maybeCompleteJoin(group, records);
        return future;
    }

    private CoordinatorResult<CompletableFuture<JoinGroupResponseData>> replaceStaticMember(
            ClassicGroup group, String instanceId, String oldMemberId, String newMemberId, JoinGroupRequestData request,
            short version, Map<String, byte[]> protocols, int rebalanceTimeout) {
        GroupMember old = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
        timer.cancel(heartbeatKey(group, oldMemberId));
        if (old.awaitingJoin != null) {
            old.awaitingJoin.complete(joinError(oldMemberId, Errors.FENCED_INSTANCE_ID, version));
        }
        if (old.awaitingSync != null) {
            old.awaitingSync.complete(syncError(Errors.FENCED_INSTANCE_ID));
        }
        GroupMember member = group.member(newMemberId);
        memberVersions.put(newMemberId, version);
        log.info("Static member {} of group {} rejoined as {} (the previous instance {} is fenced)", instanceId, group.groupId,
            newMemberId, oldMemberId);
        boolean protocolsUnchanged = member.sameProtocols(protocols) || protocols.containsKey(group.protocolName);
        if (group.is(GroupState.STABLE) && protocolsUnchanged && (!group.isLeader(newMemberId) || version >= 9)) {
            member.protocols = new LinkedHashMap<>(protocols);
            member.rebalanceTimeoutMs = rebalanceTimeout;
            member.sessionTimeoutMs = request.sessionTimeoutMs();
            scheduleHeartbeatExpiry(group, member);
            // KIP-814: a rejoining static leader gets the members but keeps the current assignment.
            JoinGroupResponseData joined = joinResult(group, member, version, group.isLeader(newMemberId));
            return CoordinatorResult.of(List.of(GroupRecords.groupMetadata(group.groupId, group.toRecordValue())), done(joined))
                .onAppendFailure(error -> done(joinError(newMemberId, appendError(error), version)));
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        return sideRecords(records,
            updateMemberAndRebalance(group, member, protocols, rebalanceTimeout, request.sessionTimeoutMs(), records));
    }

    private Errors checkStatic(ClassicGroup group, String memberId, String instanceId) {
        if (instanceId == null) {
            return null;
        }
        String current = group.staticMemberId(instanceId);
        if (current == null) {
            return group.has(memberId) ? null : Errors.UNKNOWN_MEMBER_ID;
        }
        return current.equals(memberId) ? null : Errors.FENCED_INSTANCE_ID;
    }

    // ---------------------------------------------------------------- rebalancing

    private void maybePrepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.STABLE) || group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.EMPTY)) {
            prepareRebalance(group, reason);
        }
    }

    private void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            // Members waiting for their assignment must rejoin.
            for (GroupMember m : group.members.values()) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
                m.assignment = new byte[0];
            }
            timer.cancel(syncKey(group));
        }
        boolean initial = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE, time.milliseconds());
        log.info("Preparing to rebalance group {} in state PreparingRebalance with old generation {} ({})", group.groupId,
            group.generationId, reason);
        if (initial && config.initialRebalanceDelayMs() > 0) {
            group.newMembersSinceDelayCheck = 0;
            group.initialDelayRemainingMs = Math.max(group.rebalanceTimeoutMs() - config.initialRebalanceDelayMs(), 0);
            timer.schedule(joinKey(group), config.initialRebalanceDelayMs(), () -> onInitialDelayExpired(group));
        } else {
            group.initialDelayRemainingMs = -1;
            timer.schedule(joinKey(group), Math.max(group.rebalanceTimeoutMs(), 1), () -> onJoinTimeout(group));
        }
    }

    private List<CoordinatorRecord> onInitialDelayExpired(ClassicGroup group) {
        List<CoordinatorRecord> records = new ArrayList<>();
        if (!group.is(GroupState.PREPARING_REBALANCE)) {
            return records;
        }
        if (group.newMembersSinceDelayCheck > 0 && group.initialDelayRemainingMs > 0) {
            long delay = Math.min(config.initialRebalanceDelayMs(), group.initialDelayRemainingMs);
            group.initialDelayRemainingMs -= (int) delay;
            group.newMembersSinceDelayCheck = 0;
            timer.schedule(joinKey(group), delay, () -> onInitialDelayExpired(group));
            return records;
        }
        group.initialDelayRemainingMs = -1;
        completeJoin(group, records);
        return records;
    }

    private void maybeCompleteJoin(ClassicGroup group, List<CoordinatorRecord> records) {
        if (group.is(GroupState.PREPARING_REBALANCE) && group.initialDelayRemainingMs < 0 && group.allMembersJoined()) {
            timer.cancel(joinKey(group));
            completeJoin(group, records);
        }
    }

    private List<CoordinatorRecord> onJoinTimeout(ClassicGroup group) {
        List<CoordinatorRecord> records = new ArrayList<>();
        if (!group.is(GroupState.PREPARING_REBALANCE)) {
            return records;
        }
        for (GroupMember m : new ArrayList<>(group.members.values())) {
            if (!m.isAwaitingJoin()) {
                log.info("Removing member {} of group {}: it did not rejoin within the rebalance timeout", m.memberId, group.groupId);
                removeMember(group, m);
            }
        }
        group.pendingMembers.clear();
        completeJoin(group, records);
        return records;
    }

    private void completeJoin(ClassicGroup group, List<CoordinatorRecord> records) {
        timer.cancel(joinKey(group));
        for (GroupMember m : new ArrayList<>(group.members.values())) {
            if (!m.isAwaitingJoin()) {
                removeMember(group, m);
            }
        }
        group.pendingMembers.clear();
        group.generationId++;
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transitionTo(GroupState.EMPTY, time.milliseconds());
            log.info("Group {} with generation {} is now empty", group.groupId, group.generationId);
            records.add(GroupRecords.groupMetadata(group.groupId, group.toRecordValue()));
            return;
        }
        group.protocolName = group.selectProtocol();
        if (group.leaderId == null || !group.has(group.leaderId)) {
            group.leaderId = group.members.keySet().iterator().next();
        }
        group.transitionTo(GroupState.COMPLETING_REBALANCE, time.milliseconds());
        log.info("Stabilized group {} generation {} with {} members (protocol {})", group.groupId, group.generationId,
            group.members.size(), group.protocolName);
        group.pendingSync.clear();
        group.pendingSync.addAll(group.members.keySet());
        for (GroupMember m : group.members.values()) {
            CompletableFuture<JoinGroupResponseData> waiting = m.awaitingJoin;
            m.awaitingJoin = null;
            m.isNew = false;
            short version = joinVersion(m.memberId);
            waiting.complete(joinResult(group, m, version, false));
            scheduleHeartbeatExpiry(group, m);
        }
        int generation = group.generationId;
        timer.schedule(syncKey(group), Math.max(group.rebalanceTimeoutMs(), 1), () -> onSyncTimeout(group, generation));
    }

    private List<CoordinatorRecord> onSyncTimeout(ClassicGroup group, int generation) {
        boolean syncing = group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE);
        if (!syncing || group.generationId != generation || group.pendingSync.isEmpty()) {
            return List.of();
        }
        for (String memberId : new ArrayList<>(group.pendingSync)) {
            GroupMember m = group.member(memberId);
            if (m != null) {
                log.info("Removing member {} of group {}: it did not send SyncGroup within the rebalance timeout", memberId, group.groupId);
                removeMember(group, m);
            }
        }
        prepareRebalance(group, "members did not sync");
        return List.of();
    }

    private JoinGroupResponseData joinResult(ClassicGroup group, GroupMember member, short version, boolean skipAssignment) {
        JoinGroupResponseData response = new JoinGroupResponseData()
            .setErrorCode(Errors.NONE.code())
            .setGenerationId(group.generationId)
            .setProtocolType(group.protocolType)
            .setProtocolName(group.protocolName)
            .setLeader(group.leaderId)
            .setSkipAssignment(skipAssignment)
            .setMemberId(member.memberId);
        if (group.isLeader(member.memberId)) {
            for (GroupMember m : group.members.values()) {
                response.members().add(new JoinGroupResponseData.JoinGroupResponseMember()
                    .setMemberId(m.memberId).setGroupInstanceId(m.groupInstanceId).setMetadata(m.metadata(group.protocolName)));
            }
        }
        return response;
    }

    /** The version of the member's last JoinGroup, which its waiting answer is encoded at. */
    private short joinVersion(String memberId) {
        return memberVersions.getOrDefault(memberId, (short) 9);
    }

    static JoinGroupResponseData joinError(String memberId, Errors error, short version) {
        return new JoinGroupResponseData()
            .setErrorCode(error.code())
            .setMemberId(memberId)
            .setGenerationId(-1)
            .setProtocolType(version >= 7 ? null : "")
            .setProtocolName(version >= 7 ? null : "")
            .setLeader("");
    }

    // ---------------------------------------------------------------- SyncGroup

    CoordinatorResult<CompletableFuture<SyncGroupResponseData>> syncGroup(SyncGroupRequestData request, short version) {
        ClassicGroup group = groups.get(request.groupId());
        if (group == null || group.is(GroupState.DEAD)) {
            return answer(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        Errors fenced = checkStatic(group, request.memberId(), request.groupInstanceId());
        if (fenced != null) {
            return answer(syncError(fenced));
        }
        GroupMember member = group.member(request.memberId());
        if (member == null) {
            return answer(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        if (request.generationId() != group.generationId) {
            return answer(syncError(Errors.ILLEGAL_GENERATION));
        }
        if (version >= 5 && ((request.protocolType() != null && !request.protocolType().equals(group.protocolType))
            || (request.protocolName() != null && !request.protocolName().equals(group.protocolName)))) {
            return answer(syncError(Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        switch (group.state()) {
            case PREPARING_REBALANCE:
                return answer(syncError(Errors.REBALANCE_IN_PROGRESS));
            case STABLE:
                group.pendingSync.remove(member.memberId);
                scheduleHeartbeatExpiry(group, member);
                return answer(syncResult(group, member));
            case COMPLETING_REBALANCE:
                break;
            default:
                return answer(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        CompletableFuture<SyncGroupResponseData> future = new CompletableFuture<>();
        if (member.awaitingSync != null) {
            CompletableFuture<SyncGroupResponseData> older = member.awaitingSync;
            future.thenAccept(older::complete);
        }
        member.awaitingSync = future;
        group.pendingSync.remove(member.memberId);
        scheduleHeartbeatExpiry(group, member);
        if (!group.isLeader(member.memberId)) {
            return CoordinatorResult.respond(future);
        }
        // The leader's assignment becomes the group's once it is stored (GroupReplay.completeSync).
        Map<String, byte[]> assignments = new HashMap<>();
        request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        GroupRecords.GroupValue value = group.toRecordValue();
        List<GroupRecords.MemberValue> withAssignments = new ArrayList<>();
        for (GroupRecords.MemberValue mv : value.members()) {
            withAssignments.add(new GroupRecords.MemberValue(mv.memberId(), mv.instanceId(), mv.clientId(), mv.clientHost(),
                mv.rebalanceTimeoutMs(), mv.sessionTimeoutMs(), mv.subscription(), assignments.getOrDefault(mv.memberId(), new byte[0])));
        }
        GroupRecords.GroupValue stored = new GroupRecords.GroupValue(value.protocolType(), value.generation(), value.protocol(),
            value.leader(), time.milliseconds(), withAssignments);
        int generation = group.generationId;
        return CoordinatorResult.of(List.of(GroupRecords.groupMetadata(group.groupId, stored)), future)
            .onAppendFailure(error -> {
                if (group.is(GroupState.COMPLETING_REBALANCE) && group.generationId == generation) {
                    Errors err = appendError(error);
                    for (GroupMember m : group.members.values()) {
                        if (m.awaitingSync != null) {
                            m.awaitingSync.complete(syncError(err));
                            m.awaitingSync = null;
                        }
                    }
                    prepareRebalance(group, "failed to store the assignment: " + err);
                }
                return future;
            });
    }

    /** Whether the partition has been replayed to its end (the shard serves requests). */
    boolean isLoaded() {
        return loaded;
    }

    static SyncGroupResponseData syncResult(ClassicGroup group, GroupMember member) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code()).setProtocolType(group.protocolType)
            .setProtocolName(group.protocolName).setAssignment(member.assignment);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    // ---------------------------------------------------------------- Heartbeat and LeaveGroup

    Errors heartbeat(String groupId, String memberId, String instanceId, int generationId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors fenced = checkStatic(group, memberId, instanceId);
        if (fenced != null) {
            return fenced;
        }
        GroupMember member = group.member(memberId);
        if (member == null || group.is(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (generationId != group.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        scheduleHeartbeatExpiry(group, member);
        return group.is(GroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    /** LeaveGroup for several members: NONE with the member-level errors in order. */
    CoordinatorResult<Map.Entry<Errors, List<Errors>>> leave(String groupId, List<GroupCoordinator.Leaving> members) {
        List<CoordinatorRecord> records = new ArrayList<>();
        List<Errors> errors = new ArrayList<>();
        for (GroupCoordinator.Leaving m : members) {
            errors.add(leave(groupId, m.memberId(), m.instanceId(), m.reason(), records));
        }
        return sideRecords(records, Map.entry(Errors.NONE, errors));
    }

    /** Removes one member; returns the member-level error. */
    private Errors leave(String groupId, String memberId, String instanceId, String reason, List<CoordinatorRecord> records) {
        ClassicGroup group = groups.get(groupId);
        if (group == null || group.is(GroupState.DEAD)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (instanceId != null) {
            String current = group.staticMemberId(instanceId);
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (memberId != null && !memberId.isEmpty() && !memberId.equals(current)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            memberId = current;
        }
        if (group.pendingMembers.remove(memberId)) {
            timer.cancel(pendingKey(group, memberId));
            maybeCompleteJoin(group, records);
            return Errors.NONE;
        }
        GroupMember member = group.member(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        log.info("Member {} left group {}{}", memberId, groupId, reason == null ? "" : " (" + reason + ")");
        removeMemberAndRebalance(group, member, "member left", records);
        return Errors.NONE;
    }

    private void removeMember(ClassicGroup group, GroupMember member) {
        if (member.awaitingJoin != null) {
            member.awaitingJoin.complete(joinError(member.memberId, Errors.UNKNOWN_MEMBER_ID, joinVersion(member.memberId)));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null) {
            member.awaitingSync.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
            member.awaitingSync = null;
        }
        timer.cancel(heartbeatKey(group, member.memberId));
        memberVersions.remove(member.memberId);
        group.remove(member.memberId);
    }

    private void removeMemberAndRebalance(ClassicGroup group, GroupMember member, String reason, List<CoordinatorRecord> records) {
        removeMember(group, member);
        switch (group.state()) {
            case STABLE:
            case COMPLETING_REBALANCE:
                prepareRebalance(group, reason);
                maybeCompleteJoin(group, records);
                break;
            case PREPARING_REBALANCE:
                maybeCompleteJoin(group, records);
                break;
            default:
                break;
        }
    }

    private void scheduleHeartbeatExpiry(ClassicGroup group, GroupMember member) {
        timer.schedule(heartbeatKey(group, member.memberId), member.sessionTimeoutMs, () -> onHeartbeatExpired(group, member.memberId));
    }

    private List<CoordinatorRecord> onHeartbeatExpired(ClassicGroup group, String memberId) {
        List<CoordinatorRecord> records = new ArrayList<>();
        GroupMember member = group.member(memberId);
        if (member == null) {
            return records;
        }
        if (member.isAwaitingJoin() || member.isAwaitingSync()) {
            scheduleHeartbeatExpiry(group, member);
            return records;
        }
        log.info("Member {} in group {} has failed, removing it from the group (session timeout {} ms)", memberId, group.groupId,
            member.sessionTimeoutMs);
        removeMemberAndRebalance(group, member, "session timeout of " + memberId, records);
        return records;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * An answer that does not depend on {@code records}: they record a change the operation
     * caused on the way (a group left empty), so a failure to write them is logged, not answered.
     */
    private static <T> CoordinatorResult<T> sideRecords(List<CoordinatorRecord> records, T response) {
        return CoordinatorResult.of(records, response).onAppendFailure(error -> {
            log.warn("Could not write the new state of a group: {}", Futures.unwrap(error).toString());
            return response;
        });
    }

    private static <T> CoordinatorResult<CompletableFuture<T>> answer(T response) {
        return CoordinatorResult.respond(done(response));
    }

    static Errors appendError(Throwable error) {
        Errors e = Errors.forException(Futures.unwrap(error));
        switch (e) {
            case UNKNOWN_TOPIC_OR_PARTITION:
            case NOT_ENOUGH_REPLICAS:
            case NOT_ENOUGH_REPLICAS_AFTER_APPEND:
            case REQUEST_TIMED_OUT:
                return Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER:
            case KAFKA_STORAGE_ERROR:
            case NOT_COORDINATOR:
                return Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE:
            case RECORD_LIST_TOO_LARGE:
            case INVALID_FETCH_SIZE:
                return Errors.INVALID_COMMIT_OFFSET_SIZE;
            default:
                return e == Errors.NONE ? Errors.UNKNOWN_SERVER_ERROR : e;
        }
    }

    static String heartbeatKey(ClassicGroup group, String memberId) {
        return "heartbeat/" + group.groupId + "/" + memberId;
    }

    static String pendingKey(ClassicGroup group, String memberId) {
        return "pending/" + group.groupId + "/" + memberId;
    }

    static String joinKey(ClassicGroup group) {
        return "join/" + group.groupId;
    }

    static String syncKey(ClassicGroup group) {
        return "sync/" + group.groupId;
    }

    static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
