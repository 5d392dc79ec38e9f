package io.gregor.replication;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * A bytes-per-second budget for throttled replication traffic (Kafka's
 * {@code leader.replication.throttled.rate} / {@code follower.replication.throttled.rate}, set by
 * the reassignment tool with {@code --throttle}), applied only to the replicas listed in the
 * topics' {@code *.replication.throttled.replicas} configs. Measured over one-second windows;
 * when a window's budget is spent, throttled partitions are skipped until the next one.
 * Thread-safe.
 */
final class ReplicationQuota {
    private volatile long bytesPerSecond = Long.MAX_VALUE;
    /** Partition → throttled broker ids; an entry with {@code -1} means every replica ("*"). */
    private volatile Map<TopicPartition, Set<Integer>> throttled = Map.of();
    private long windowStartMs;
    private long windowBytes;

    void update(long rate, Map<TopicPartition, Set<Integer>> replicas) {
        this.bytesPerSecond = rate;
        this.throttled = replicas;
    }

    boolean isThrottled(TopicPartition tp, int brokerId) {
        if (bytesPerSecond == Long.MAX_VALUE) {
            return false;
        }
        Set<Integer> brokers = throttled.get(tp);
        return brokers != null && (brokers.contains(-1) || brokers.contains(brokerId));
    }

    synchronized boolean isExceeded(long nowMs) {
        roll(nowMs);
        return windowBytes >= bytesPerSecond;
    }

    synchronized void record(long bytes, long nowMs) {
        roll(nowMs);
        windowBytes += bytes;
    }

    private void roll(long nowMs) {
        if (nowMs - windowStartMs >= 1000) {
            windowStartMs = nowMs;
            windowBytes = 0;
        }
    }

    /** Parses {@code 0:1,1:2} or {@code *} entries of a throttled-replicas config. */
    static void parse(String topic, String config, int partitions, Map<TopicPartition, Set<Integer>> into) {
        if (config == null || config.isBlank()) {
            return;
        }
        for (String entry : config.split(",")) {
            String e = entry.trim();
            if (e.equals("*")) {
                for (int p = 0; p < partitions; p++) {
                    into.computeIfAbsent(new TopicPartition(topic, p), k -> new java.util.HashSet<>()).add(-1);
                }
                continue;
            }
            int colon = e.indexOf(':');
            if (colon > 0) {
                try {
                    into.computeIfAbsent(new TopicPartition(topic, Integer.parseInt(e.substring(0, colon).trim())),
                        k -> new java.util.HashSet<>()).add(Integer.parseInt(e.substring(colon + 1).trim()));
                } catch (NumberFormatException ignored) {
                    // Not a valid entry; Kafka's config validation would have rejected it.
                }
            }
        }
    }
}
