package io.gregor.replication;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataListener;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.TopicImage;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.FetchDataInfo;
import io.gregor.storage.log.Log;
import io.gregor.storage.log.LogAppendInfo;
import io.gregor.storage.log.LogManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts. It follows the metadata: when an image assigns this broker
 * a replica it opens (or creates) the log and takes the role the partition state says; when a
 * topic is deleted or the replica moves away it drops the partition and deletes its log.
 *
 * <p>It is also the entry point for produce and fetch: appends go to the leader replica, and
 * requests that must wait (acks=all until replicated, fetches until {@code fetch.min.bytes})
 * wait as watchers on the partitions without holding a thread.
 */
public final class ReplicaManager implements MetadataListener {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final int brokerId;
    private final LogManager logManager;
    private final Function<TopicImage, LogConfig> logConfigs;
    private final Time time;
    private final IsrWriter isrWriter;
    private final FetcherConfig fetcherConfig;
    private final ReplicaFetcherManager fetchers;
    private final ConcurrentHashMap<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private volatile boolean fenced;
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile boolean shutDown;
    private boolean firstImage = true;
    private final ReplicationQuota leaderQuota = new ReplicationQuota();
    private final ReplicationQuota followerQuota = new ReplicationQuota();
    private final AppendThreads appendThreads;

    /**
     * @param logConfigs the effective log config of a topic (broker defaults plus the topic's overrides)
     */
    public ReplicaManager(int brokerId, LogManager logManager, Function<TopicImage, LogConfig> logConfigs, Time time,
                          IsrWriter isrWriter, FetcherConfig fetcherConfig) {
        this(brokerId, logManager, logConfigs, time, isrWriter, fetcherConfig, 1);
    }

    /** @param appendThreads threads for appends that may block ({@code num.io.threads}) */
    public ReplicaManager(int brokerId, LogManager logManager, Function<TopicImage, LogConfig> logConfigs, Time time,
                          IsrWriter isrWriter, FetcherConfig fetcherConfig, int appendThreads) {
        this.appendThreads = new AppendThreads(appendThreads);
        this.brokerId = brokerId;
        this.logManager = logManager;
        this.logConfigs = logConfigs;
        this.time = time;
        this.isrWriter = isrWriter;
        this.fetcherConfig = fetcherConfig;
        this.fetchers = new ReplicaFetcherManager(brokerId, fetcherConfig, followerQuota, time);
    }

    /**
     * Fences (or unfences) every partition: while this broker has no ZooKeeper session it must
     * not act as leader, because the controller may already have elected another.
     */
    public void setFenced(boolean value) {
        this.fenced = value;
        for (Partition p : partitions.values()) {
            p.setFenced(value);
            p.wakeWatchers();
        }
    }

    /** Drops lagging followers from the ISRs this broker leads (run every replica.lag.time.max.ms / 2). */
    public void maybeShrinkIsrs(long maxLagMs) {
        for (Partition p : partitions.values()) {
            p.maybeShrinkIsr(maxLagMs);
        }
    }

    /**
     * Whether this broker still leads a partition that the controller can hand to another replica:
     * one with another live broker in its ISR. Controlled shutdown waits until it leads none; a
     * partition whose ISR is this broker alone keeps it as leader (unclean election is the
     * controller's call, not the shutdown's), so waiting for it would only delay the stop.
     */
    public boolean leadsPartitionsOthersCanTake(MetadataImage image) {
        for (Partition p : partitions.values()) {
            if (!p.isLeader()) {
                continue;
            }
            TopicPartition tp = p.topicPartition();
            TopicImage topic = image.topic(tp.topic());
            PartitionImage state = topic == null ? null : topic.partitions().get(tp.partition());
            if (state != null && state.isr().stream().anyMatch(r -> r != brokerId && image.isAlive(r))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stops all replica fetchers and stops following the metadata: the cache keeps publishing
     * images until the broker closes it, and an image that arrived now would start new fetchers
     * (threads that nobody stops) and wake watchers on event loops that are gone.
     */
    public void shutdown() {
        shutDown = true;
        fetchers.close();
        appendThreads.close();
    }

    /** The append threads (tests hold one up to order what runs before what). */
    AppendThreads appendThreads() {
        return appendThreads;
    }

    public Partition partition(TopicPartition tp) {
        return partitions.get(tp);
    }

    public Map<TopicPartition, Partition> partitions() {
        return partitions;
    }

    @Override
    public void onMetadataUpdate(MetadataImage previous, MetadataImage current) {
        if (shutDown) {
            return;
        }
        updateThrottles(current);
        image = current;
        Map<TopicPartition, Boolean> hosted = new HashMap<>();
        for (TopicImage topic : current.topics().values()) {
            TopicImage before = previous.topic(topic.name());
            if (before != null && !Objects.equals(before.configs(), topic.configs())
                || !Objects.equals(previous.brokerConfigs(), current.brokerConfigs())) {
                logManager.updateTopicConfig(topic.name(), logConfigs.apply(topic));
            }
            for (PartitionImage p : topic.partitions().values()) {
                if (!p.replicas().contains(brokerId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), p.partition());
                hosted.put(tp, Boolean.TRUE);
                if (p.state() == null) {
                    continue;
                }
                try {
                    Partition partition = partitions.computeIfAbsent(tp, key -> {
                        Partition created = new Partition(key, brokerId, time, isrWriter, id -> image.isAlive(id));
                        created.setFenced(fenced);
                        return created;
                    });
                    Log partitionLog = partition.log() != null ? partition.log() : openLog(tp, topic.id());
                    Partition.RoleChange change = partition.applyState(partitionLog, topic.id(), p);
                    if (p.leader() == brokerId) {
                        fetchers.unfollow(tp);
                    } else if (change == Partition.RoleChange.FOLLOWER || (p.hasLeader() && !fetchers.isFollowing(tp))) {
                        maybeFollow(partition, topic, p, current);
                    }
                    if (change != Partition.RoleChange.NONE) {
                        log.debug("{}: now {} at leader epoch {}", tp, change == Partition.RoleChange.LEADER ? "leader" : "follower",
                            p.leaderEpoch());
                    }
                    partition.wakeWatchers();
                } catch (RuntimeException e) {
                    log.error("Could not take over partition {}", tp, e);
                }
            }
        }
        for (TopicPartition tp : new ArrayList<>(partitions.keySet())) {
            if (!hosted.containsKey(tp)) {
                Partition removed = partitions.remove(tp);
                fetchers.unfollow(tp);
                logManager.deleteLog(tp);
                if (removed != null) {
                    removed.wakeWatchers();
                }
                log.info("Stopped hosting {}", tp);
            }
        }
        if (firstImage) {
            firstImage = false;
            for (Log stray : new ArrayList<>(logManager.allLogs())) {
                if (!hosted.containsKey(stray.topicPartition())) {
                    log.info("Deleting log of {}: the partition is no longer assigned to this broker", stray.topicPartition());
                    logManager.deleteLog(stray.topicPartition());
                }
            }
        }
    }

    private void maybeFollow(Partition partition, TopicImage topic, PartitionImage p, MetadataImage image) {
        TopicPartition tp = partition.topicPartition();
        io.gregor.metadata.BrokerRegistration leader = p.hasLeader() ? image.brokers().get(p.leader()) : null;
        io.gregor.metadata.Endpoint endpoint = leader == null ? null : leader.endpoint(fetcherConfig.listenerName());
        if (endpoint == null) {
            fetchers.unfollow(tp);
            return;
        }
        fetchers.follow(partition, topic.id(), p.leader(), endpoint, p.leaderEpoch());
    }

    private void updateThrottles(MetadataImage image) {
        Map<TopicPartition, java.util.Set<Integer>> leader = new HashMap<>();
        Map<TopicPartition, java.util.Set<Integer>> follower = new HashMap<>();
        for (TopicImage t : image.topics().values()) {
            ReplicationQuota.parse(t.name(), t.configs().get("leader.replication.throttled.replicas"), t.partitions().size(), leader);
            ReplicationQuota.parse(t.name(), t.configs().get("follower.replication.throttled.replicas"), t.partitions().size(), follower);
        }
        leaderQuota.update(rate(image, "leader.replication.throttled.rate"), leader);
        followerQuota.update(rate(image, "follower.replication.throttled.rate"), follower);
    }

    private static long rate(MetadataImage image, String key) {
        try {
            String v = image.brokerConfigs().get(key);
            return v == null ? Long.MAX_VALUE : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Opens the partition's log, replacing a log left by an earlier topic of the same name. */
    private Log openLog(TopicPartition tp, Uuid topicId) {
        Log existing = logManager.log(tp).orElse(null);
        if (existing != null) {
            Uuid onDisk = logManager.topicIdOf(existing);
            if (onDisk != null && topicId != null && !onDisk.equals(topicId)) {
                log.info("Log of {} belongs to an earlier topic with id {} (now {}); deleting it", tp, onDisk, topicId);
                logManager.deleteLog(tp);
            } else {
                return existing;
            }
        }
        return logManager.getOrCreateLog(tp, topicId);
    }

    // ---- produce ----

    /**
     * Appends to the leader replicas. With acks=all the future completes when each partition's
     * high watermark covers its records (or on {@code timeoutMs}).
     *
     * @param executor runs the replication wait's checks and timeout, and the completion of
     *                 appends handed to an append thread
     * @param onNetworkThread whether the caller is a network thread, which must not block: an
     *                 append that would roll a segment or fsync then goes to the partition's
     *                 append thread (with a copy of the records, whose buffer the caller frees)
     */
    public CompletableFuture<Map<TopicPartition, ProduceResult>> appendRecords(short acks, long timeoutMs,
                                                                             Map<TopicPartition, MemoryRecords> entries,
                                                                             ScheduledExecutorService executor, boolean onNetworkThread) {
        Map<TopicPartition, ProduceResult> results = new LinkedHashMap<>();
        Map<TopicPartition, CompletableFuture<ProduceResult>> queued = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, MemoryRecords> e : entries.entrySet()) {
            TopicPartition tp = e.getKey();
            Partition partition = partitions.get(tp);
            if (partition == null) {
                results.put(tp, ProduceResult.error(Errors.NOT_LEADER_OR_FOLLOWER, "This broker does not host " + tp));
                continue;
            }
            if (onNetworkThread && partition.queuedAppends.get() == 0) {
                ProduceResult inline = append(partition, e.getValue(), acks, false);
                if (inline != null) {
                    results.put(tp, inline);
                    continue;
                }
            }
            if (!onNetworkThread) {
                results.put(tp, append(partition, e.getValue(), acks, true));
                continue;
            }
            MemoryRecords copy = copyOf(e.getValue());
            partition.queuedAppends.incrementAndGet();
            results.put(tp, null);
            queued.put(tp, appendThreads.submit(tp, () -> {
                try {
                    return append(partition, copy, acks, true);
                } finally {
                    partition.queuedAppends.decrementAndGet();
                }
            }));
        }
        if (queued.isEmpty()) {
            return awaitReplication(acks, timeoutMs, results, executor);
        }
        return CompletableFuture.allOf(queued.values().toArray(CompletableFuture[]::new)).thenComposeAsync(v -> {
            queued.forEach((tp, f) -> results.put(tp, f.join()));
            return awaitReplication(acks, timeoutMs, results, executor);
        }, executor);
    }

    public CompletableFuture<Map<TopicPartition, ProduceResult>> appendRecords(short acks, long timeoutMs,
                                                                             Map<TopicPartition, MemoryRecords> entries,
                                                                             ScheduledExecutorService executor) {
        return appendRecords(acks, timeoutMs, entries, executor, false);
    }

    /** One partition's append, or null when it would block and {@code mayBlock} is false. */
    private ProduceResult append(Partition partition, MemoryRecords records, short acks, boolean mayBlock) {
        TopicPartition tp = partition.topicPartition();
        try {
            LogAppendInfo info = partition.appendRecordsToLeader(records, acks, mayBlock);
            if (info == null) {
                return null;
            }
            return new ProduceResult(Errors.NONE, null, info.firstOffset(), info.lastOffset(), info.logAppendTimeMs(), info.logStartOffset());
        } catch (RuntimeException ex) {
            Errors error = Errors.forException(ex);
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                log.error("Unexpected error appending to {}", tp, ex);
            }
            return ProduceResult.error(error, ex.getMessage());
        }
    }

    private static MemoryRecords copyOf(MemoryRecords records) {
        java.nio.ByteBuffer source = records.buffer();
        java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(source.remaining());
        copy.put(source.duplicate()).flip();
        return MemoryRecords.readableRecords(copy);
    }

    /** With acks=all, waits (without a thread) until the partitions' high watermarks pass the appended records. */
    private CompletableFuture<Map<TopicPartition, ProduceResult>> awaitReplication(short acks, long timeoutMs,
                                                                                 Map<TopicPartition, ProduceResult> results,
                                                                                 ScheduledExecutorService executor) {
        Map<TopicPartition, Partition> waiting = new HashMap<>();
        if (acks == -1) {
            for (Map.Entry<TopicPartition, ProduceResult> e : results.entrySet()) {
                Partition partition = partitions.get(e.getKey());
                ProduceResult r = e.getValue();
                if (r.error() == Errors.NONE && partition != null
                    && (partition.highWatermark() <= r.lastOffset() || !partition.hasEnoughInSyncReplicas())) {
                    waiting.put(e.getKey(), partition);
                }
            }
        }
        if (waiting.isEmpty()) {
            return CompletableFuture.completedFuture(results);
        }
        DelayedProduce delayed = new DelayedProduce(results, waiting, executor);
        for (Partition p : waiting.values()) {
            p.addWatcher(delayed);
        }
        return delayed.start(timeoutMs);
    }

    // ---- fetch ----

    /** Reads the partitions now, or waits (without a thread) until {@code minBytes} are there or {@code maxWaitMs} passed. */
    public CompletableFuture<List<PartitionFetchResult>> fetch(FetchParams params, List<PartitionFetch> fetches,
                                                               ScheduledExecutorService executor) {
        List<PartitionFetchResult> results = read(params, fetches);
        if (params.maxWaitMs() <= 0 || fetches.isEmpty() || satisfied(params, results)) {
            return CompletableFuture.completedFuture(results);
        }
        DelayedFetch delayed = new DelayedFetch(params, () -> read(params, fetches), executor);
        for (PartitionFetch f : fetches) {
            Partition p = partitions.get(f.topicPartition());
            if (p != null) {
                p.addWatcher(delayed);
            }
        }
        return delayed.start(params.maxWaitMs());
    }

    static boolean satisfied(FetchParams params, List<PartitionFetchResult> results) {
        long bytes = 0;
        for (PartitionFetchResult r : results) {
            if (r.error() != Errors.NONE) {
                return true;
            }
            bytes += r.bytes();
        }
        return bytes >= params.minBytes();
    }

    private List<PartitionFetchResult> read(FetchParams params, List<PartitionFetch> fetches) {
        List<PartitionFetchResult> results = new ArrayList<>(fetches.size());
        int budget = params.maxBytes();
        boolean first = true;
        for (PartitionFetch f : fetches) {
            Partition partition = partitions.get(f.topicPartition());
            if (partition == null) {
                results.add(PartitionFetchResult.error(f, Errors.NOT_LEADER_OR_FOLLOWER, "This broker does not host " + f.topicPartition()));
                continue;
            }
            try {
                int max = Math.min(f.maxBytes(), Math.max(0, budget));
                boolean throttled = params.isFromFollower() && leaderQuota.isThrottled(f.topicPartition(), brokerId)
                    && partition.isLeader();
                if (throttled && leaderQuota.isExceeded(time.milliseconds())) {
                    max = 0;
                }
                FetchDataInfo info = partition.read(f.fetchOffset(), max, params.isolation(), first && max > 0,
                    f.currentLeaderEpoch(), params.replicaId());
                if (throttled) {
                    leaderQuota.record(info.records().sizeInBytes(), time.milliseconds());
                }
                Log l = partition.log();
                int size = info.records().sizeInBytes();
                if (size > 0) {
                    first = false;
                    budget -= size;
                }
                long hw = l.highWatermark();
                results.add(new PartitionFetchResult(f, Errors.NONE, null, info.records(), hw, hw, l.logStartOffset()));
            } catch (RuntimeException ex) {
                Errors error = Errors.forException(ex);
                if (error == Errors.UNKNOWN_SERVER_ERROR) {
                    log.error("Unexpected error reading {}", f.topicPartition(), ex);
                }
                Log l = partition.log();
                results.add(new PartitionFetchResult(f, error, ex.getMessage(), MemoryRecords.EMPTY,
                    l == null ? -1 : l.highWatermark(), l == null ? -1 : l.highWatermark(), l == null ? -1 : l.logStartOffset()));
            }
        }
        return results;
    }
}
