package io.gregor.metadata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leadership of one partition, as stored in its {@code state} node. Every change of leader
 * bumps {@code leaderEpoch}; every change at all bumps {@code partitionEpoch}. Writes are
 * conditional on the node's ZooKeeper version, so two writers never both win.
 *
 * @param leader          broker id of the leader, or -1 when the partition is offline
 * @param isr             in-sync replicas (always contains the leader when there is one)
 * @param controllerEpoch epoch of the controller (or broker) that wrote this state
 */
public record PartitionState(int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch, int partitionEpoch) {
    public static final int NO_LEADER = -1;

    public PartitionState {
        isr = List.copyOf(isr);
    }

    public PartitionState withLeader(int newLeader, List<Integer> newIsr, int newControllerEpoch) {
        return new PartitionState(newLeader, leaderEpoch + 1, newIsr, newControllerEpoch, partitionEpoch + 1);
    }

    public PartitionState withIsr(List<Integer> newIsr) {
        return new PartitionState(leader, leaderEpoch, newIsr, controllerEpoch, partitionEpoch + 1);
    }

    byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("controller_epoch", controllerEpoch);
        m.put("leader", leader);
        m.put("version", 1);
        m.put("leader_epoch", leaderEpoch);
        m.put("isr", isr);
        m.put("partition_epoch", partitionEpoch);
        return Json.write(m);
    }

    static PartitionState fromJson(byte[] data) {
        Map<String, Object> m = Json.read(data);
        return new PartitionState(Json.intValue(m.get("leader"), NO_LEADER), Json.intValue(m.get("leader_epoch"), 0),
            Json.intList(m.get("isr")), Json.intValue(m.get("controller_epoch"), 0), Json.intValue(m.get("partition_epoch"), 0));
    }
}
