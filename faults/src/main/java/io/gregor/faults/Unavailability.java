package io.gregor.faults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long each fault kept partitions from taking acks=all writes, from the history: for a
 * partition, the time from the injection to the first acknowledgement of a send invoked at or
 * after it. Per fault, the worst partition of the measured topics (keyed topics: every key goes to
 * one partition, so each partition gets writes all along) and the worst of the partitions the
 * target led. Stateless.
 */
final class Unavailability {
    private Unavailability() {
    }

    /** A fault's figures in ms; -1 where no write was acknowledged after the fault in that scope. */
    record Figures(long worstMs, String worstPartition, long ledMs) {
    }

    private record Acks(long[] invokeTimes, long[] earliestOkFrom) {
        /** The earliest acknowledgement of a send invoked at or after {@code t}, -1 if none. */
        long firstOkAfter(long t) {
            int i = Arrays.binarySearch(invokeTimes, t);
            if (i < 0) {
                i = -i - 1;
            } else {
                while (i > 0 && invokeTimes[i - 1] >= t) {
                    i--;
                }
            }
            return i < invokeTimes.length ? earliestOkFrom[i] : -1;
        }
    }

    static Map<Integer, Figures> compute(List<Op> ops, List<FaultCycle> cycles, List<String> topics) {
        Map<Long, Long> invokes = new HashMap<>();
        Map<String, List<long[]>> byPartition = new HashMap<>();
        for (Op op : ops) {
            if (!op.f().equals("send") || !topics.contains(op.topic())) {
                continue;
            }
            if (op.type().equals(Op.INVOKE)) {
                invokes.put(op.id(), op.t());
            } else if (op.type().equals(Op.OK) && invokes.containsKey(op.id())) {
                byPartition.computeIfAbsent(op.partitionKey(), k -> new ArrayList<>()).add(new long[] {invokes.get(op.id()), op.t()});
            }
        }
        Map<String, Acks> acks = new HashMap<>();
        byPartition.forEach((tp, list) -> {
            list.sort((a, b) -> Long.compare(a[0], b[0]));
            long[] invokeTimes = new long[list.size()];
            long[] earliest = new long[list.size()];
            long min = Long.MAX_VALUE;
            for (int i = list.size() - 1; i >= 0; i--) {
                invokeTimes[i] = list.get(i)[0];
                min = Math.min(min, list.get(i)[1]);
                earliest[i] = min;
            }
            acks.put(tp, new Acks(invokeTimes, earliest));
        });
        Map<Integer, Figures> figures = new HashMap<>();
        for (FaultCycle c : cycles) {
            long worst = -1;
            String worstPartition = null;
            long led = -1;
            boolean unanswered = false;
            for (Map.Entry<String, Acks> e : acks.entrySet()) {
                long ok = e.getValue().firstOkAfter(c.injectedAt());
                if (ok < 0) {
                    unanswered = true;
                    continue;
                }
                long ms = ok - c.injectedAt();
                if (ms > worst) {
                    worst = ms;
                    worstPartition = e.getKey();
                }
                if (c.ledPartitions().contains(e.getKey())) {
                    led = Math.max(led, ms);
                }
            }
            figures.put(c.plan().number(), new Figures(worst, unanswered ? worstPartition + " (some partition had no ack after it)" : worstPartition, led));
        }
        return figures;
    }
}
