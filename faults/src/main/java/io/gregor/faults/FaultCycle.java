package io.gregor.faults;

import java.util.List;

/**
 * What one fault did: the plan, the target it resolved to (by role at that moment), the partitions
 * the target led, and when (history times, ms) it was injected, healed and the cluster was whole
 * again (-1 if it did not recover within the wait). {@code notes} records what the harness saw on
 * the way (a broker that would not start again, a disk that took how much filler).
 */
record FaultCycle(PlannedFault plan, String target, List<String> ledPartitions, long injectedAt, long healedAt, long recoveredAt,
                  List<String> notes) {
    FaultCycle {
        ledPartitions = List.copyOf(ledPartitions);
        notes = List.copyOf(notes);
    }

    long recoveryMs() {
        return recoveredAt < 0 ? -1 : recoveredAt - healedAt;
    }
}
