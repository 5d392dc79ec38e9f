package io.gregor.coordinator.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;

/**
 * A classic-protocol group: its members, rebalance state and committed offsets. Mutable and
 * confined to its {@link GroupShard}'s thread.
 */
final class ClassicGroup {
    final String groupId;
    private GroupState state = GroupState.EMPTY;
    private long stateTimestamp;
    int generationId;
    String protocolType;
    String protocolName;
    String leaderId;
    /** Members by id, in join order (the first becomes leader when none is). */
    final Map<String, GroupMember> members = new LinkedHashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet (KIP-394). */
    final Set<String> pendingMembers = new HashSet<>();
    /** group.instance.id → current member id (KIP-345). */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Members of the current generation that have not sent SyncGroup yet. */
    final Set<String> pendingSync = new HashSet<>();
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    /** Members that joined since the last check of an initial delayed join. */
    int newMembersSinceDelayCheck;
    int initialDelayRemainingMs = -1;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestamp = nowMs;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    long stateTimestamp() {
        return stateTimestamp;
    }

    void transitionTo(GroupState target, long nowMs) {
        if (!target.validPrevious().contains(state)) {
            throw new IllegalStateException("Group " + groupId + " cannot move from " + state + " to " + target);
        }
        state = target;
        stateTimestamp = nowMs;
    }

    /** Restores the state of a group read back from the log. */
    void restore(GroupState s, long timestamp) {
        state = s;
        stateTimestamp = timestamp;
    }

    boolean has(String memberId) {
        return members.containsKey(memberId);
    }

    GroupMember member(String memberId) {
        return members.get(memberId);
    }

    boolean isLeader(String memberId) {
        return memberId != null && memberId.equals(leaderId);
    }

    String staticMemberId(String instanceId) {
        return instanceId == null ? null : staticMembers.get(instanceId);
    }

    void add(GroupMember member) {
        members.put(member.memberId, member);
        if (member.groupInstanceId != null) {
            staticMembers.put(member.groupInstanceId, member.memberId);
        }
        if (members.size() == 1 && protocolType == null) {
            protocolType = member.protocolType;
        }
        if (leaderId == null) {
            leaderId = member.memberId;
        }
    }

    void remove(String memberId) {
        GroupMember removed = members.remove(memberId);
        pendingSync.remove(memberId);
        if (removed != null && removed.groupInstanceId != null && memberId.equals(staticMembers.get(removed.groupInstanceId))) {
            staticMembers.remove(removed.groupInstanceId);
        }
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** Re-keys a static member under a new member id (the old client instance is fenced). */
    GroupMember replaceStaticMember(String instanceId, String oldMemberId, String newMemberId) {
        GroupMember old = members.remove(oldMemberId);
        GroupMember replacement = new GroupMember(newMemberId, instanceId, old.clientId, old.clientHost, old.rebalanceTimeoutMs,
            old.sessionTimeoutMs, old.protocolType, old.protocols);
        replacement.assignment = old.assignment;
        members.put(newMemberId, replacement);
        staticMembers.put(instanceId, newMemberId);
        if (oldMemberId.equals(leaderId)) {
            leaderId = newMemberId;
        }
        if (pendingSync.remove(oldMemberId)) {
            pendingSync.add(newMemberId);
        }
        return old;
    }

    boolean supportsProtocols(String type, Set<String> protocols) {
        if (members.isEmpty()) {
            return type != null && !type.isEmpty() && !protocols.isEmpty();
        }
        if (type == null || !type.equals(protocolType)) {
            return false;
        }
        for (String candidate : protocols) {
            boolean all = true;
            for (GroupMember m : members.values()) {
                if (!m.protocols.containsKey(candidate)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** The protocol all members support that most members prefer (Kafka's vote). */
    String selectProtocol() {
        Set<String> candidates = null;
        for (GroupMember m : members.values()) {
            if (candidates == null) {
                candidates = new HashSet<>(m.protocols.keySet());
            } else {
                candidates.retainAll(m.protocols.keySet());
            }
        }
        if (candidates == null || candidates.isEmpty()) {
            throw new IllegalStateException("No common protocol in group " + groupId);
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (GroupMember m : members.values()) {
            for (String p : m.protocols.keySet()) {
                if (candidates.contains(p)) {
                    votes.merge(p, 1, Integer::sum);
                    break;
                }
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElseThrow();
    }

    int rebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    boolean allMembersJoined() {
        for (GroupMember m : members.values()) {
            if (!m.isAwaitingJoin()) {
                return false;
            }
        }
        return pendingMembers.isEmpty();
    }

    int awaitingJoinCount() {
        int n = 0;
        for (GroupMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                n++;
            }
        }
        return n;
    }

    /** Topics the members subscribe to, when the group uses the consumer protocol and it can be parsed. */
    Optional<Set<String>> subscribedTopics() {
        if (!"consumer".equals(protocolType) || protocolName == null) {
            return Optional.empty();
        }
        Set<String> topics = new HashSet<>();
        for (GroupMember m : members.values()) {
            try {
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(m.metadata(protocolName))).topics());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.of(topics);
    }

    /** The metadata record describing this group as of now. */
    GroupRecords.GroupValue toRecordValue() {
        List<GroupRecords.MemberValue> values = new ArrayList<>();
        for (GroupMember m : members.values()) {
            values.add(new GroupRecords.MemberValue(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs,
                m.sessionTimeoutMs, m.metadata(protocolName), m.assignment));
        }
        return new GroupRecords.GroupValue(protocolType, generationId, protocolName, leaderId, stateTimestamp, values);
    }
}
