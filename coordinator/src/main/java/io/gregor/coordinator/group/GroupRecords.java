package io.gregor.coordinator.group;

import io.gregor.coordinator.runtime.CoordinatorRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoding of the records in {@code __consumer_offsets}, byte-compatible with Kafka's:
 * <pre>
 * OffsetCommitKey   int16 version(1) | string group | string topic | int32 partition
 * OffsetCommitValue int16 version(3) | int64 offset | int32 leaderEpoch | string metadata | int64 commitTimestamp
 *                   (version 1: int64 offset | string metadata | int64 commitTimestamp | int64 expireTimestamp)
 * GroupMetadataKey  int16 version(2) | string group
 * GroupMetadataValue int16 version(3) | string protocolType | int32 generation | nullable string protocol |
 *                   nullable string leader | int64 currentStateTimestamp | int32 count, per member:
 *                   string memberId | nullable string instanceId | string clientId | string clientHost |
 *                   int32 rebalanceTimeout | int32 sessionTimeout | bytes subscription | bytes assignment
 * </pre>
 * Strings are int16-length-prefixed UTF-8 (-1 for null), bytes int32-length-prefixed. The keys
 * make the offsets topic compactable: the latest value per group and per group-partition wins,
 * and tombstones delete.
 */
public final class GroupRecords {
    static final short OFFSET_KEY_VERSION = 1;
    static final short GROUP_KEY_VERSION = 2;
    static final short OFFSET_VALUE_VERSION = 3;
    static final short GROUP_VALUE_VERSION = 3;

    private GroupRecords() {
    }

    /** A decoded group metadata value. */
    public record GroupValue(String protocolType, int generation, String protocol, String leader, long stateTimestamp,
                             List<MemberValue> members) {
    }

    public record MemberValue(String memberId, String instanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                              int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }

    /** Receives replayed records. */
    public interface Replay {
        void offset(String group, String topic, int partition, OffsetAndMetadata offset);

        void group(String group, GroupValue value);
    }

    public static CoordinatorRecord offsetCommit(String group, String topic, int partition, OffsetAndMetadata om) {
        ByteBuffer value = ByteBuffer.allocate(2 + 8 + 4 + stringSize(om.metadata()) + 8);
        value.putShort(OFFSET_VALUE_VERSION).putLong(om.offset()).putInt(om.leaderEpoch());
        putString(value, om.metadata());
        value.putLong(om.commitTimestamp());
        return new CoordinatorRecord(offsetKey(group, topic, partition), value.array());
    }

    public static CoordinatorRecord offsetTombstone(String group, String topic, int partition) {
        return new CoordinatorRecord(offsetKey(group, topic, partition), null);
    }

    static byte[] offsetKey(String group, String topic, int partition) {
        ByteBuffer key = ByteBuffer.allocate(2 + stringSize(group) + stringSize(topic) + 4);
        key.putShort(OFFSET_KEY_VERSION);
        putString(key, group);
        putString(key, topic);
        key.putInt(partition);
        return key.array();
    }

    static byte[] groupKey(String group) {
        ByteBuffer key = ByteBuffer.allocate(2 + stringSize(group));
        key.putShort(GROUP_KEY_VERSION);
        putString(key, group);
        return key.array();
    }

    public static CoordinatorRecord groupTombstone(String group) {
        return new CoordinatorRecord(groupKey(group), null);
    }

    public static CoordinatorRecord groupMetadata(String group, GroupValue v) {
        int size = 2 + stringSize(v.protocolType()) + 4 + stringSize(v.protocol()) + stringSize(v.leader()) + 8 + 4;
        for (MemberValue m : v.members()) {
            size += stringSize(m.memberId()) + stringSize(m.instanceId()) + stringSize(m.clientId()) + stringSize(m.clientHost())
                + 8 + 4 + m.subscription().length + 4 + m.assignment().length;
        }
        ByteBuffer value = ByteBuffer.allocate(size);
        value.putShort(GROUP_VALUE_VERSION);
        putString(value, v.protocolType() == null ? "" : v.protocolType());
        value.putInt(v.generation());
        putString(value, v.protocol());
        putString(value, v.leader());
        value.putLong(v.stateTimestamp());
        value.putInt(v.members().size());
        for (MemberValue m : v.members()) {
            putString(value, m.memberId());
            putString(value, m.instanceId());
            putString(value, m.clientId());
            putString(value, m.clientHost());
            value.putInt(m.rebalanceTimeoutMs()).putInt(m.sessionTimeoutMs());
            value.putInt(m.subscription().length).put(m.subscription());
            value.putInt(m.assignment().length).put(m.assignment());
        }
        return new CoordinatorRecord(groupKey(group), value.array());
    }

    /** Decodes one record and hands it to {@code target}; unknown record types are ignored. */
    public static void replay(ByteBuffer key, ByteBuffer value, Replay target) {
        if (key == null || key.remaining() < 2) {
            return;
        }
        ByteBuffer k = key.duplicate();
        short keyVersion = k.getShort();
        if (keyVersion == 0 || keyVersion == 1) {
            String group = getString(k);
            String topic = getString(k);
            int partition = k.getInt();
            target.offset(group, topic, partition, value == null ? null : readOffset(value.duplicate()));
        } else if (keyVersion == GROUP_KEY_VERSION) {
            String group = getString(k);
            target.group(group, value == null ? null : readGroup(value.duplicate()));
        }
    }

    private static OffsetAndMetadata readOffset(ByteBuffer v) {
        short version = v.getShort();
        long offset = v.getLong();
        int leaderEpoch = version >= 3 ? v.getInt() : -1;
        String metadata = getString(v);
        long commitTimestamp = v.getLong();
        long expire = version == 1 ? v.getLong() : -1;
        return new OffsetAndMetadata(offset, leaderEpoch, metadata == null ? "" : metadata, commitTimestamp, expire);
    }

    private static GroupValue readGroup(ByteBuffer v) {
        short version = v.getShort();
        String protocolType = getString(v);
        int generation = v.getInt();
        String protocol = getString(v);
        String leader = getString(v);
        long stateTimestamp = version >= 2 ? v.getLong() : -1;
        int count = v.getInt();
        List<MemberValue> members = new ArrayList<>(Math.max(0, count));
        for (int i = 0; i < count; i++) {
            String memberId = getString(v);
            String instanceId = version >= 3 ? getString(v) : null;
            String clientId = getString(v);
            String clientHost = getString(v);
            int rebalanceTimeout = version >= 1 ? v.getInt() : 0;
            int sessionTimeout = v.getInt();
            byte[] subscription = getBytes(v);
            byte[] assignment = getBytes(v);
            members.add(new MemberValue(memberId, instanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout, subscription, assignment));
        }
        return new GroupValue(protocolType, generation, protocol, leader, stateTimestamp, members);
    }

    private static int stringSize(String s) {
        return 2 + (s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length);
    }

    private static void putString(ByteBuffer b, String s) {
        if (s == null) {
            b.putShort((short) -1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putShort((short) bytes.length).put(bytes);
    }

    private static String getString(ByteBuffer b) {
        short len = b.getShort();
        if (len < 0) {
            return null;
        }
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] getBytes(ByteBuffer b) {
        int len = b.getInt();
        if (len < 0) {
            return new byte[0];
        }
        byte[] bytes = new byte[len];
        b.get(bytes);
        return bytes;
    }
}
