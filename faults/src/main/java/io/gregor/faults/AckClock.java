package io.gregor.faults;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each partition last had a send acknowledged (history time, ms), for the fault injector's
 * idea of "whole again": after a heal, ZooKeeper may already show full ISRs (a follower cut off for
 * less than {@code replica.lag.time.max.ms} never left them) while the partition still takes no
 * writes, so the next fault waits until every measured partition has taken one. Thread-safe:
 * producer callbacks record, the fault thread reads.
 */
final class AckClock {
    private final History history;
    private final Map<String, Long> lastAck = new ConcurrentHashMap<>();

    AckClock(History history) {
        this.history = history;
    }

    void acknowledged(String topic, int partition) {
        lastAck.put(topic + "-" + partition, history.elapsedMs());
    }

    /** Whether every one of the partitions had a send acknowledged after {@code t}. */
    boolean allSince(Collection<String> partitions, long t) {
        for (String p : partitions) {
            if (lastAck.getOrDefault(p, -1L) <= t) {
                return false;
            }
        }
        return true;
    }
}
