package io.gregor.replication;

import io.gregor.metadata.Endpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Owns the replica fetcher threads: {@code num.replica.fetchers} per leader broker, partitions
 * spread over them by hash. Partitions are added when this broker becomes a follower and removed
 * when it becomes leader or stops hosting them. A fetcher left without partitions is stopped;
 * {@link #close} waits for every fetcher thread to end, those included, and after it nothing is
 * followed any more. Thread-safe.
 */
final class ReplicaFetcherManager implements AutoCloseable {
    private record Key(int leaderId, String host, int port, int index) {
    }

    private final int brokerId;
    private final FetcherConfig config;
    private final ReplicationQuota quota;
    private final org.apache.kafka.common.utils.Time time;
    private final Map<Key, ReplicaFetcher> fetchers = new HashMap<>();
    private final Map<TopicPartition, Key> assigned = new HashMap<>();
    /** Fetchers stopped because they had no partitions left; joined on close. */
    private final List<ReplicaFetcher> retired = new ArrayList<>();
    private boolean closed;

    ReplicaFetcherManager(int brokerId, FetcherConfig config, ReplicationQuota quota, org.apache.kafka.common.utils.Time time) {
        this.brokerId = brokerId;
        this.config = config;
        this.quota = quota;
        this.time = time;
    }

    synchronized void follow(Partition partition, Uuid topicId, int leaderId, Endpoint leader, int leaderEpoch) {
        if (closed) {
            return;
        }
        TopicPartition tp = partition.topicPartition();
        unfollow(tp);
        int index = Math.floorMod(tp.hashCode(), Math.max(1, config.fetchersPerBroker()));
        Key key = new Key(leaderId, leader.host(), leader.port(), index);
        ReplicaFetcher fetcher = fetchers.computeIfAbsent(key, k -> {
            ReplicaFetcher f = new ReplicaFetcher("gregor-replica-fetcher-" + leaderId + "-" + index, brokerId,
                new BrokerClient(leader.host(), leader.port(), "broker-" + brokerId + "-fetcher-" + index, config.socketTimeoutMs()),
                config, quota, time);
            f.start();
            return f;
        });
        fetcher.add(new ReplicaFetcher.Fetching(partition, topicId, leaderEpoch));
        assigned.put(tp, key);
    }

    synchronized void unfollow(TopicPartition tp) {
        Key key = assigned.remove(tp);
        if (key == null) {
            return;
        }
        ReplicaFetcher fetcher = fetchers.get(key);
        if (fetcher != null) {
            fetcher.remove(tp);
            if (fetcher.isEmpty()) {
                fetchers.remove(key);
                fetcher.shutdown();
                retired.removeIf(f -> !f.isAlive());
                retired.add(fetcher);
            }
        }
    }

    synchronized boolean isFollowing(TopicPartition tp) {
        return assigned.containsKey(tp);
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ReplicaFetcher f : fetchers.values()) {
            f.shutdown();
        }
        retired.addAll(fetchers.values());
        for (ReplicaFetcher f : retired) {
            try {
                f.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        fetchers.clear();
        retired.clear();
        assigned.clear();
    }
}
