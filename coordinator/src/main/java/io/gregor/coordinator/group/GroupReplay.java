package io.gregor.coordinator.group;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How the records of {@code __consumer_offsets} change a {@link GroupShard}'s groups: the only
 * place their durable state changes.
 *
 * <p>While the shard loads, records restore groups: each group record rebuilds its group as
 * Stable with the stored members (or Empty), offsets are set and removed, tombstones remove
 * groups. Once the shard serves, the records replayed are its own writes, made from the groups
 * as they were, so they mostly find the groups in the state they describe; the exceptions are
 * the assignment a leader's SyncGroup stored, which completes the rebalance it belongs to, and a
 * group tombstone, which removes a group that nobody has joined meanwhile.
 *
 * <p>Runs on the shard's thread.
 */
final class GroupReplay implements GroupRecords.Replay {
    private final GroupShard shard;
    private final Map<String, ClassicGroup> groups;

    GroupReplay(GroupShard shard) {
        this.shard = shard;
        this.groups = shard.groups;
    }

    @Override
    public void offset(String groupId, String topic, int p, OffsetAndMetadata offset) {
        TopicPartition tp = new TopicPartition(topic, p);
        if (offset == null) {
            ClassicGroup g = groups.get(groupId);
            if (g != null) {
                g.offsets.remove(tp);
            }
            return;
        }
        groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, shard.time.milliseconds())).offsets.put(tp, offset);
    }

    @Override
    public void group(String groupId, GroupRecords.GroupValue value) {
        if (value == null) {
            removeGroup(groupId);
            return;
        }
        ClassicGroup live = shard.isLoaded() ? groups.get(groupId) : null;
        if (live != null) {
            completeSync(live, value);
        } else {
            restore(groupId, value);
        }
    }

    /** A group tombstone: the group goes, unless members joined it after its deletion was decided. */
    private void removeGroup(String groupId) {
        ClassicGroup g = groups.get(groupId);
        if (g == null) {
            return;
        }
        if (shard.isLoaded() && (!g.members.isEmpty() || !g.pendingMembers.isEmpty())) {
            // A new incarnation of the group is rebalancing; its offsets went with their own tombstones.
            return;
        }
        groups.remove(groupId);
        if (shard.isLoaded()) {
            g.transitionTo(GroupState.DEAD, shard.time.milliseconds());
        }
        if (!g.offsets.isEmpty()) {
            // Offsets committed after the deletion keep an (empty) group alive.
            ClassicGroup fresh = new ClassicGroup(groupId, shard.time.milliseconds());
            fresh.offsets.putAll(g.offsets);
            groups.put(groupId, fresh);
        }
    }

    /** Rebuilds a group from its record (loading), as Stable with its stored members, or Empty. */
    private void restore(String groupId, GroupRecords.GroupValue value) {
        ClassicGroup g = groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, shard.time.milliseconds()));
        g.members.clear();
        g.staticMembers.clear();
        g.pendingMembers.clear();
        g.generationId = value.generation();
        g.protocolType = value.protocolType() == null || value.protocolType().isEmpty() ? null : value.protocolType();
        g.protocolName = value.protocol();
        g.leaderId = value.leader();
        for (GroupRecords.MemberValue m : value.members()) {
            Map<String, byte[]> protocols = new LinkedHashMap<>();
            if (value.protocol() != null) {
                protocols.put(value.protocol(), m.subscription());
            }
            GroupMember member = new GroupMember(m.memberId(), m.instanceId(), m.clientId(), m.clientHost(),
                m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), g.protocolType, protocols);
            member.assignment = m.assignment();
            g.members.put(member.memberId, member);
            if (member.groupInstanceId != null) {
                g.staticMembers.put(member.groupInstanceId, member.memberId);
            }
        }
        long stamp = value.stateTimestamp() >= 0 ? value.stateTimestamp() : shard.time.milliseconds();
        g.restore(g.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE, stamp);
        if (g.leaderId != null && !g.members.containsKey(g.leaderId)) {
            g.leaderId = g.members.isEmpty() ? null : g.members.keySet().iterator().next();
        }
    }

    /**
     * The record a leader's SyncGroup wrote is committed: the members get their assignments and
     * the group is Stable. Only that record can match a group completing its rebalance at the
     * record's generation, since every other group record is written outside CompletingRebalance
     * and the generation grows on the way into it; a record of a rebalance that has been
     * overtaken meanwhile (a member joined or left) no longer matches and changes nothing.
     */
    private void completeSync(ClassicGroup group, GroupRecords.GroupValue value) {
        if (!group.is(GroupState.COMPLETING_REBALANCE) || group.generationId != value.generation()) {
            return;
        }
        Map<String, byte[]> assignments = new HashMap<>();
        for (GroupRecords.MemberValue m : value.members()) {
            assignments.put(m.memberId(), m.assignment());
        }
        for (GroupMember m : group.members.values()) {
            m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
        }
        group.transitionTo(GroupState.STABLE, shard.time.milliseconds());
        for (GroupMember m : group.members.values()) {
            if (m.awaitingSync != null) {
                m.awaitingSync.complete(GroupShard.syncResult(group, m));
                m.awaitingSync = null;
            }
        }
    }
}
