package io.gregor.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Leader choices, shared by the controller (failures, rebalancing, reassignments) and the
 * ElectLeaders API. Pure functions over a {@link MetadataImage}.
 */
public final class LeaderElection {
    private LeaderElection() {
    }

    /** Live in-sync replicas in replica (preference) order. */
    public static List<Integer> liveIsr(MetadataImage image, PartitionImage p) {
        List<Integer> out = new ArrayList<>();
        for (int r : p.replicas()) {
            if (p.isr().contains(r) && image.isAlive(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The preferred leader: the first replica of the (target) assignment. */
    public static int preferredLeader(PartitionImage p) {
        List<Integer> target = p.targetReplicas();
        return target.isEmpty() ? -1 : target.get(0);
    }

    /** Whether the preferred leader is alive, in sync, and not already leading. */
    public static boolean canElectPreferred(MetadataImage image, PartitionImage p) {
        int preferred = preferredLeader(p);
        return preferred >= 0 && p.state() != null && p.leader() != preferred && image.isAlive(preferred) && p.isr().contains(preferred);
    }

    /** The state after making the preferred replica leader (ISR unchanged). */
    public static PartitionState preferred(PartitionImage p, int controllerEpoch) {
        return p.state().withLeader(preferredLeader(p), p.isr(), controllerEpoch);
    }

    /** Unclean election: the first live replica, alone in the ISR; null when none is alive. */
    public static PartitionState unclean(MetadataImage image, PartitionImage p, int controllerEpoch) {
        for (int r : p.replicas()) {
            if (image.isAlive(r)) {
                return p.state().withLeader(r, List.of(r), controllerEpoch);
            }
        }
        return null;
    }
}
