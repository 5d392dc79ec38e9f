package io.gregor.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long each fault kept partitions from taking acks=all writes, from the history: for a
 * partition, the longest time between two consecutive acknowledgements that began during the
 * fault's window (from {@value #LEAD_MS} ms before its injection until the cluster was whole
 * again), i.e. from the last write acknowledged before the partition stopped taking writes to the
 * first one acknowledged after it took them again. An outage that began earlier, under the previous
 * fault, is that fault's. Measured on keyed topics, where every key goes to one partition, so every
 * partition is written all along (at the suite's rates an acknowledgement every few tens of ms).
 * Per fault: the worst partition, and the worst of the partitions the target led. Stateless.
 */
final class Unavailability {
    /** How long before the injection the last acknowledgement before an outage may lie (acknowledgements come every few tens of ms). */
    static final long LEAD_MS = 1_000;

    private Unavailability() {
    }

    /** A fault's figures in ms; -1 where a scope had no partition with acknowledgements around the fault. */
    record Figures(long worstMs, String worstPartition, long ledMs) {
    }

    static Map<Integer, Figures> compute(List<Op> ops, List<FaultCycle> cycles, List<String> topics) {
        Map<String, List<Long>> acks = new HashMap<>();
        for (Op op : ops) {
            if (op.is(Op.OK, "send") && topics.contains(op.topic())) {
                acks.computeIfAbsent(op.partitionKey(), k -> new ArrayList<>()).add(op.t());
            }
        }
        acks.values().forEach(list -> list.sort(null));
        Map<Integer, Figures> figures = new HashMap<>();
        for (FaultCycle c : cycles) {
            long end = c.recoveredAt() >= 0 ? c.recoveredAt() : c.healedAt();
            long worst = -1;
            String worstPartition = null;
            long led = -1;
            for (Map.Entry<String, List<Long>> e : acks.entrySet()) {
                long gap = longestGap(e.getValue(), c.injectedAt(), end);
                if (gap > worst) {
                    worst = gap;
                    worstPartition = e.getKey();
                }
                if (c.ledPartitions().contains(e.getKey())) {
                    led = Math.max(led, gap);
                }
            }
            figures.put(c.plan().number(), new Figures(worst, worstPartition, led));
        }
        return figures;
    }

    /**
     * The longest interval between consecutive times of {@code sorted} that ends at or after
     * {@code from} and begins between {@code from - LEAD_MS} and {@code to}; -1 when there is none.
     */
    static long longestGap(List<Long> sorted, long from, long to) {
        long longest = -1;
        int first = Collections.binarySearch(sorted, from);
        first = first < 0 ? -first - 1 : first;
        for (int i = Math.max(1, first); i < sorted.size(); i++) {
            long before = sorted.get(i - 1);
            long after = sorted.get(i);
            if (after >= from && before >= from - LEAD_MS && before <= to) {
                longest = Math.max(longest, after - before);
            }
            if (before > to) {
                break;
            }
        }
        return longest;
    }
}
