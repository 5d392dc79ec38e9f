package io.gregor.replication;

import io.gregor.metadata.PartitionImage;
import io.gregor.storage.log.FetchDataInfo;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.Log;
import io.gregor.storage.log.LogAppendInfo;
import io.gregor.storage.log.LogOffsetMetadata;
import io.gregor.storage.log.TimestampOffset;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A partition replica hosted by this broker: its log and its role (leader or follower) at a
 * leader epoch.
 *
 * <p>As leader it takes appends, keeps the high watermark at the smallest log end offset among
 * the in-sync replicas (just its own while it is the only one), and wakes up waiters when the
 * high watermark moves. Requests carrying a leader epoch are checked against the current one
 * (KIP-320): an older epoch is FENCED_LEADER_EPOCH, a newer one UNKNOWN_LEADER_EPOCH.
 *
 * <p>Thread-safety: role changes take the write lock; appends and reads take the read lock, so
 * an append never straddles a leadership change.
 */
public final class Partition {
    private final TopicPartition topicPartition;
    private final int localBrokerId;
    private final ReentrantReadWriteLock leaderIsrLock = new ReentrantReadWriteLock();
    private final ConcurrentLinkedQueue<PartitionWatcher> watchers = new ConcurrentLinkedQueue<>();
    private volatile Log log;
    private volatile Uuid topicId;
    private volatile int leaderId = -1;
    private volatile int leaderEpoch = -1;
    private volatile List<Integer> isr = List.of();
    private volatile List<Integer> replicas = List.of();
    private final java.util.concurrent.ConcurrentHashMap<Integer, Long> followerLogEndOffsets = new java.util.concurrent.ConcurrentHashMap<>();

    Partition(TopicPartition topicPartition, int localBrokerId) {
        this.topicPartition = topicPartition;
        this.localBrokerId = localBrokerId;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public Log log() {
        return log;
    }

    public boolean isLeader() {
        return leaderId == localBrokerId;
    }

    public int leaderId() {
        return leaderId;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public List<Integer> isr() {
        return isr;
    }

    /** Applies the partition's state from the metadata; returns true when this broker's role or epoch changed. */
    boolean applyState(Log newLog, Uuid newTopicId, PartitionImage image) {
        leaderIsrLock.writeLock().lock();
        try {
            boolean changed = image.leaderEpoch() != leaderEpoch || image.leader() != leaderId || newLog != log;
            this.log = newLog;
            this.topicId = newTopicId;
            this.leaderId = image.leader();
            this.leaderEpoch = image.leaderEpoch();
            this.isr = image.isr();
            this.replicas = image.replicas();
            if (changed) {
                followerLogEndOffsets.clear();
            }
            if (isLeader()) {
                maybeIncrementHighWatermark();
            }
            return changed;
        } finally {
            leaderIsrLock.writeLock().unlock();
        }
        // Waiters re-check after any change (e.g. a fetch must now fail with NOT_LEADER).
    }

    void wakeWatchers() {
        for (PartitionWatcher w : watchers) {
            if (w.isCompleted()) {
                watchers.remove(w);
            } else {
                w.onPartitionChange();
            }
        }
    }

    void addWatcher(PartitionWatcher watcher) {
        watchers.add(watcher);
    }

    int watcherCount() {
        return watchers.size();
    }

    /**
     * Appends producer records as leader.
     *
     * @throws NotLeaderOrFollowerException when this broker is not the leader
     * @throws NotEnoughReplicasException    acks=all with fewer in-sync replicas than min.insync.replicas
     */
    public LogAppendInfo appendRecordsToLeader(MemoryRecords records, short requiredAcks) {
        LogAppendInfo info;
        leaderIsrLock.readLock().lock();
        try {
            Log l = log;
            if (!isLeader() || l == null) {
                throw new NotLeaderOrFollowerException("Broker " + localBrokerId + " is not the leader of " + topicPartition);
            }
            int minIsr = l.config().minInSyncReplicas();
            if (requiredAcks == -1 && isr.size() < minIsr) {
                throw new NotEnoughReplicasException("The size of the current ISR " + isr + " of " + topicPartition
                    + " is insufficient to satisfy the min.isr requirement of " + minIsr);
            }
            info = l.appendAsLeader(records, leaderEpoch);
            maybeIncrementHighWatermark();
        } finally {
            leaderIsrLock.readLock().unlock();
        }
        wakeWatchers();
        return info;
    }

    /**
     * Moves the high watermark to the smallest log end offset of the in-sync replicas. A
     * follower in the ISR whose log end is not known yet holds the high watermark where it is.
     */
    private void maybeIncrementHighWatermark() {
        Log l = log;
        if (l == null) {
            return;
        }
        LogOffsetMetadata candidate = l.logEndOffsetMetadata();
        for (int replica : isr) {
            if (replica == localBrokerId) {
                continue;
            }
            Long followerEnd = followerLogEndOffsets.get(replica);
            if (followerEnd == null) {
                return;
            }
            if (followerEnd < candidate.offset()) {
                candidate = l.offsetMetadata(followerEnd);
            }
        }
        if (candidate.offset() > l.highWatermark() || (candidate.offset() == l.highWatermark() && !l.highWatermarkMetadata().positionKnown())) {
            l.updateHighWatermark(candidate);
        }
    }

    /** Checks the leader epoch a client sent (-1 means "don't check"). */
    void checkLeaderEpoch(int requestEpoch) {
        if (requestEpoch < 0) {
            return;
        }
        int current = leaderEpoch;
        if (requestEpoch < current) {
            throw new FencedLeaderEpochException("Leader epoch " + requestEpoch + " of the request is older than the current "
                + current + " of " + topicPartition);
        }
        if (requestEpoch > current) {
            throw new UnknownLeaderEpochException("Leader epoch " + requestEpoch + " of the request is newer than the current "
                + current + " of " + topicPartition);
        }
    }

    /** Reads as leader for a consumer or a follower. */
    public FetchDataInfo read(long fetchOffset, int maxBytes, FetchIsolation isolation, boolean minOneMessage, int currentLeaderEpoch) {
        leaderIsrLock.readLock().lock();
        try {
            Log l = log;
            if (!isLeader() || l == null) {
                throw new NotLeaderOrFollowerException("Broker " + localBrokerId + " is not the leader of " + topicPartition);
            }
            checkLeaderEpoch(currentLeaderEpoch);
            return l.read(fetchOffset, maxBytes, isolation, minOneMessage);
        } finally {
            leaderIsrLock.readLock().unlock();
        }
    }

    /** Offsets for ListOffsets; {@code timestamp} uses Kafka's special values (-1 latest, -2 earliest, -3 max). */
    public TimestampOffset offsetForTimestamp(long timestamp, FetchIsolation isolation, int currentLeaderEpoch) {
        leaderIsrLock.readLock().lock();
        try {
            Log l = log;
            if (!isLeader() || l == null) {
                throw new NotLeaderOrFollowerException("Broker " + localBrokerId + " is not the leader of " + topicPartition);
            }
            checkLeaderEpoch(currentLeaderEpoch);
            long upper = isolation == FetchIsolation.LOG_END ? l.logEndOffset() : l.highWatermark();
            if (timestamp == -2L || timestamp == -4L) {
                return new TimestampOffset(-1L, l.logStartOffset());
            }
            if (timestamp == -1L) {
                return new TimestampOffset(-1L, upper);
            }
            TimestampOffset found = timestamp == -3L ? l.maxTimestampRecord() : l.offsetForTimestamp(timestamp);
            if (found.offset() >= upper) {
                return TimestampOffset.UNKNOWN;
            }
            return found;
        } finally {
            leaderIsrLock.readLock().unlock();
        }
    }

    public long highWatermark() {
        Log l = log;
        return l == null ? -1 : l.highWatermark();
    }

    public long logStartOffset() {
        Log l = log;
        return l == null ? -1 : l.logStartOffset();
    }

    public long logEndOffset() {
        Log l = log;
        return l == null ? -1 : l.logEndOffset();
    }

    @Override
    public String toString() {
        return "Partition(" + topicPartition + ", leader=" + leaderId + ", epoch=" + leaderEpoch + ", isr=" + isr + ")";
    }
}
