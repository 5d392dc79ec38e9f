package io.gregor.replication;

import io.gregor.storage.epoch.EpochEndOffset;
import io.gregor.storage.epoch.LeaderEpochCache;
import io.gregor.storage.log.Log;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica fetcher thread: copies the partitions it is given from one leader broker, with the
 * Fetch API as a follower (replica id set), so the leader learns its progress from the fetch
 * offsets.
 *
 * <p>Before fetching a partition after a leader change it truncates the local log to where it
 * agrees with the leader: it asks the leader for the end offset of its own latest leader epoch
 * (OffsetsForLeaderEpoch) and removes everything beyond, so a returning ex-leader drops records
 * that were never committed instead of keeping a divergent history.
 */
final class ReplicaFetcher extends Thread {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);

    /** A partition being copied and where it stands. */
    static final class Fetching {
        final Partition partition;
        final Uuid topicId;
        final int leaderEpoch;
        volatile boolean needsTruncation = true;
        /**
         * The last response held records but not one whole batch: a batch larger than what the
         * leader could send this partition, cut short and dropped. The partition goes first in
         * the next request, where the leader returns a whole batch however large.
         */
        volatile boolean cutShort;

        Fetching(Partition partition, Uuid topicId, int leaderEpoch) {
            this.partition = partition;
            this.topicId = topicId;
            this.leaderEpoch = leaderEpoch;
        }
    }

    private final int brokerId;
    private final FetcherConfig config;
    private final ReplicationQuota quota;
    private final org.apache.kafka.common.utils.Time time;
    private final Map<TopicPartition, Fetching> partitions = new ConcurrentHashMap<>();
    private final Object changed = new Object();
    private volatile BrokerClient client;
    private volatile boolean running = true;

    ReplicaFetcher(String name, int brokerId, BrokerClient client, FetcherConfig config, ReplicationQuota quota,
                   org.apache.kafka.common.utils.Time time) {
        super(name);
        setDaemon(true);
        this.brokerId = brokerId;
        this.client = client;
        this.config = config;
        this.quota = quota;
        this.time = time;
    }

    void add(Fetching f) {
        partitions.put(f.partition.topicPartition(), f);
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    void remove(TopicPartition tp) {
        partitions.remove(tp);
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    void shutdown() {
        running = false;
        interrupt();
        client.close();
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (partitions.isEmpty()) {
                    synchronized (changed) {
                        changed.wait(1000);
                    }
                    continue;
                }
                truncateWhereNeeded();
                fetchOnce();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.debug("Replica fetch from {} failed: {}", client.address(), e.toString());
                backoff();
            }
        }
        client.close();
    }

    private void backoff() {
        try {
            Thread.sleep(config.fetchBackoffMs());
        } catch (InterruptedException e) {
            running = false;
        }
    }

    private void truncateWhereNeeded() throws IOException {
        List<Fetching> pending = new ArrayList<>();
        for (Fetching f : partitions.values()) {
            if (f.needsTruncation) {
                pending.add(f);
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        OffsetForLeaderEpochRequestData request = new OffsetForLeaderEpochRequestData().setReplicaId(brokerId);
        for (Fetching f : pending) {
            TopicPartition tp = f.partition.topicPartition();
            OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic = request.topics().find(tp.topic());
            if (topic == null) {
                topic = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(tp.topic());
                request.topics().add(topic);
            }
            topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(tp.partition())
                .setCurrentLeaderEpoch(f.leaderEpoch).setLeaderEpoch(f.partition.log().leaderEpochs().latestEpoch()));
        }
        OffsetForLeaderEpochResponseData response = client.send(ApiKeys.OFFSET_FOR_LEADER_EPOCH,
            ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion(false), request);
        for (OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult topic : response.topics()) {
            for (OffsetForLeaderEpochResponseData.EpochEndOffset p : topic.partitions()) {
                Fetching f = partitions.get(new TopicPartition(topic.topic(), p.partition()));
                if (f == null || !f.needsTruncation) {
                    continue;
                }
                Errors error = Errors.forCode(p.errorCode());
                if (error != Errors.NONE) {
                    log.debug("OffsetsForLeaderEpoch for {} failed with {}; will retry", f.partition.topicPartition(), error);
                    continue;
                }
                truncate(f, p.leaderEpoch(), p.endOffset());
                f.needsTruncation = false;
            }
        }
    }

    private static void truncate(Fetching f, int leaderEpoch, long leaderEndOffset) {
        Log l = f.partition.log();
        long target;
        if (leaderEpoch == LeaderEpochCache.UNDEFINED_EPOCH || leaderEndOffset < 0) {
            target = l.highWatermark();
        } else {
            EpochEndOffset mine = l.leaderEpochs().endOffsetFor(leaderEpoch, l.logEndOffset());
            long myEnd = mine.epoch() == LeaderEpochCache.UNDEFINED_EPOCH ? l.logEndOffset() : mine.endOffset();
            target = Math.min(leaderEndOffset, myEnd);
        }
        if (target < l.logEndOffset()) {
            log.info("{}: truncating from {} to {} to match the leader (leader epoch {})", f.partition.topicPartition(),
                l.logEndOffset(), target, leaderEpoch);
            l.truncateTo(Math.max(target, l.logStartOffset()));
        }
    }

    private void fetchOnce() throws IOException {
        FetchRequestData request = new FetchRequestData()
            .setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(brokerId).setReplicaEpoch(-1))
            .setMaxWaitMs(config.fetchWaitMaxMs())
            .setMinBytes(config.fetchMinBytes())
            .setMaxBytes(config.fetchResponseMaxBytes())
            .setSessionId(0)
            .setSessionEpoch(-1);
        Map<Uuid, FetchRequestData.FetchTopic> topics = new java.util.HashMap<>();
        List<Fetching> fetching = new ArrayList<>();
        boolean overQuota = quota.isExceeded(time.milliseconds());
        for (Fetching f : requestOrder(partitions.values())) {
            if (f.needsTruncation || (overQuota && quota.isThrottled(f.partition.topicPartition(), brokerId))) {
                continue;
            }
            Log l = f.partition.log();
            topics.computeIfAbsent(f.topicId, id -> {
                FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic().setTopic(f.partition.topicPartition().topic()).setTopicId(id);
                request.topics().add(t);
                return t;
            }).partitions().add(new FetchRequestData.FetchPartition()
                .setPartition(f.partition.topicPartition().partition())
                .setCurrentLeaderEpoch(f.leaderEpoch)
                .setFetchOffset(l.logEndOffset())
                .setLastFetchedEpoch(l.leaderEpochs().latestEpoch())
                .setLogStartOffset(l.logStartOffset())
                .setPartitionMaxBytes(config.fetchMaxBytes()));
            fetching.add(f);
        }
        if (fetching.isEmpty()) {
            backoff();
            return;
        }
        FetchResponseData response = client.send(ApiKeys.FETCH, ApiKeys.FETCH.latestVersion(false), request);
        if (response.errorCode() != Errors.NONE.code()) {
            throw new IOException("Fetch from " + client.address() + " failed: " + Errors.forCode(response.errorCode()));
        }
        boolean anyError = false;
        for (FetchResponseData.FetchableTopicResponse topic : response.responses()) {
            for (FetchResponseData.PartitionData p : topic.partitions()) {
                Fetching f = find(topic.topicId(), p.partitionIndex());
                if (f == null) {
                    continue;
                }
                Errors error = Errors.forCode(p.errorCode());
                switch (error) {
                    case NONE:
                        MemoryRecords records = (MemoryRecords) p.records();
                        if (records != null && quota.isThrottled(f.partition.topicPartition(), brokerId)) {
                            quota.record(records.sizeInBytes(), time.milliseconds());
                        }
                        try {
                            long endBefore = f.partition.logEndOffset();
                            f.partition.appendAsFollower(records == null ? MemoryRecords.EMPTY : records, p.highWatermark(),
                                p.logStartOffset());
                            f.cutShort = records != null && records.sizeInBytes() > 0 && f.partition.logEndOffset() == endBefore;
                        } catch (CorruptRecordException | InvalidRecordException e) {
                            // Only this partition waits for the next fetch: the others of the response still get appended.
                            log.warn("{}: records fetched from {} were not appended: {}", f.partition.topicPartition(), client.address(),
                                e.getMessage());
                            anyError = true;
                        }
                        break;
                    case OFFSET_OUT_OF_RANGE:
                        handleOutOfRange(f, p);
                        break;
                    case FENCED_LEADER_EPOCH:
                    case NOT_LEADER_OR_FOLLOWER:
                    case UNKNOWN_LEADER_EPOCH:
                    case UNKNOWN_TOPIC_OR_PARTITION:
                    case UNKNOWN_TOPIC_ID:
                        // The metadata will tell this broker who leads now; wait for it.
                        anyError = true;
                        break;
                    default:
                        log.warn("{}: replica fetch from {} failed with {}", f.partition.topicPartition(), client.address(), error);
                        anyError = true;
                }
            }
        }
        if (anyError) {
            backoff();
        }
    }

    /**
     * The partitions in the order of the next request: those whose last response was cut short
     * first, the rest as before. A leader returns a whole first batch, whatever its size, only to
     * the first partition of a response that has data; without this, a partition behind others
     * that always have data would get the same cut batch forever.
     */
    static List<Fetching> requestOrder(Collection<Fetching> partitions) {
        List<Fetching> order = new ArrayList<>(partitions);
        order.sort(Comparator.comparing(f -> !f.cutShort));
        return order;
    }

    private Fetching find(Uuid topicId, int partition) {
        for (Fetching f : partitions.values()) {
            if (f.topicId.equals(topicId) && f.partition.topicPartition().partition() == partition) {
                return f;
            }
        }
        return null;
    }

    /** The fetch offset is outside the leader's log: behind its start (start over there) or ahead of its end (truncate). */
    private static void handleOutOfRange(Fetching f, FetchResponseData.PartitionData p) {
        Log l = f.partition.log();
        if (p.logStartOffset() > l.logEndOffset()) {
            log.info("{}: the leader's log starts at {}, beyond this replica's end {}; starting over there",
                f.partition.topicPartition(), p.logStartOffset(), l.logEndOffset());
            l.truncateFullyAndStartAt(p.logStartOffset());
        } else {
            f.needsTruncation = true;
        }
    }
}
