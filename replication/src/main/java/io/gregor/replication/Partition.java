package io.gregor.replication;

import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.storage.log.FetchDataInfo;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.Log;
import io.gregor.storage.log.LogAppendInfo;
import io.gregor.storage.log.LogOffsetMetadata;
import io.gregor.storage.log.TimestampOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntPredicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition replica hosted by this broker: its log and its role (leader or follower) at a
 * leader epoch, as the metadata in ZooKeeper says.
 *
 * <p>As leader it takes appends, tracks each follower's log end from its fetches, keeps the high
 * watermark at the smallest log end among the in-sync replicas, and changes the ISR: a follower
 * that reaches the high watermark (and the start of the current leader epoch) joins if its broker is
 * registered; one that has
 * not caught up for {@code replica.lag.time.max.ms} leaves. An ISR change is written to ZooKeeper
 * conditionally on the state's version and takes effect when the metadata comes back; until then
 * the high watermark is computed over the larger of the old and proposed ISR, so it never
 * advances on the strength of a replica that might not be in sync (KIP-497's rule).
 *
 * <p>Requests carrying a leader epoch are checked against the current one (KIP-320): an older
 * epoch is FENCED_LEADER_EPOCH, a newer one UNKNOWN_LEADER_EPOCH. A broker that lost its
 * ZooKeeper session is {@linkplain #setFenced fenced}: it refuses to act as leader until it is
 * registered again.
 *
 * <p>Thread-safety: role changes take the write lock; appends and reads take the read lock, so
 * an append never straddles a leadership change.
 */
public final class Partition {
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<Partition, List> PENDING_ISR =
        AtomicReferenceFieldUpdater.newUpdater(Partition.class, List.class, "pendingIsr");

    private final TopicPartition topicPartition;
    private final int localBrokerId;
    private final Time time;
    private final IsrWriter isrWriter;
    private final IntPredicate registered;
    private final ReentrantReadWriteLock leaderIsrLock = new ReentrantReadWriteLock();
    private final ConcurrentLinkedQueue<PartitionWatcher> watchers = new ConcurrentLinkedQueue<>();
    private final Map<Integer, FollowerState> followers = new ConcurrentHashMap<>();
    private volatile Log log;
    private volatile Uuid topicId;
    private volatile PartitionState state;
    private volatile int stateVersion = -1;
    private volatile int leaderId = -1;
    private volatile int leaderEpoch = -1;
    private volatile List<Integer> isr = List.of();
    private volatile List<Integer> replicas = List.of();
    private volatile List<Integer> pendingIsr;
    private volatile long leaderEpochStartOffset;
    private volatile boolean fenced;

    /**
     * @param registered whether a broker is registered in ZooKeeper now; the controller removes
     *                   unregistered brokers from every ISR, so the leader must not add them
     */
    Partition(TopicPartition topicPartition, int localBrokerId, Time time, IsrWriter isrWriter, IntPredicate registered) {
        this.topicPartition = topicPartition;
        this.localBrokerId = localBrokerId;
        this.time = time;
        this.isrWriter = isrWriter;
        this.registered = registered;
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
        return leaderId == localBrokerId && !fenced;
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

    public List<Integer> replicas() {
        return replicas;
    }

    void setFenced(boolean fenced) {
        this.fenced = fenced;
    }

    /** How this broker's role changed with a metadata update. */
    enum RoleChange { NONE, LEADER, FOLLOWER }

    /** Applies the partition's state from the metadata. */
    RoleChange applyState(Log newLog, Uuid newTopicId, PartitionImage image) {
        RoleChange change;
        leaderIsrLock.writeLock().lock();
        try {
            boolean epochChanged = image.leaderEpoch() != leaderEpoch || image.leader() != leaderId || newLog != log;
            // A proposed ISR change is settled by a new version of the state (ours or another
            // writer's), not by updates that leave it as it was: every metadata update reaches
            // every partition, and forgetting a pending expansion would let the high watermark
            // pass a replica that may already be in the stored ISR.
            if (epochChanged || image.stateVersion() != stateVersion) {
                this.pendingIsr = null;
            }
            this.log = newLog;
            this.topicId = newTopicId;
            this.state = image.state();
            this.stateVersion = image.stateVersion();
            this.leaderId = image.leader();
            this.leaderEpoch = image.leaderEpoch();
            this.isr = image.isr();
            this.replicas = image.replicas();
            change = RoleChange.NONE;
            if (epochChanged) {
                if (leaderId == localBrokerId) {
                    long now = time.milliseconds();
                    followers.clear();
                    for (int r : replicas) {
                        if (r != localBrokerId) {
                            followers.put(r, FollowerState.initial(now, isr.contains(r)));
                        }
                    }
                    leaderEpochStartOffset = newLog.logEndOffset();
                    newLog.leaderEpochs().assign(leaderEpoch, leaderEpochStartOffset);
                    change = RoleChange.LEADER;
                } else {
                    followers.clear();
                    change = RoleChange.FOLLOWER;
                }
            }
            if (leaderId == localBrokerId) {
                followers.keySet().retainAll(replicas);
                for (int r : replicas) {
                    if (r != localBrokerId) {
                        followers.putIfAbsent(r, FollowerState.initial(time.milliseconds(), false));
                    }
                }
                maybeIncrementHighWatermark();
            }
        } finally {
            leaderIsrLock.writeLock().unlock();
        }
        return change;
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

    private void requireLeader() {
        if (!isLeader() || log == null) {
            throw new NotLeaderOrFollowerException("Broker " + localBrokerId + " is not the leader of " + topicPartition
                + (fenced ? " (it lost its ZooKeeper session)" : ""));
        }
    }

    /**
     * A fetch that names a replica id reads up to the log end, past the high watermark, and its
     * fetch offset moves the high watermark and the ISR; any client may put any id in a Fetch.
     * Without authentication (the security work adds it), a replica fetch is taken only from an
     * assigned replica other than this broker whose broker is registered now, so that a client
     * claiming to be a follower reads nothing uncommitted and moves nothing. Kafka's leader
     * answers a replica it does not know the same way (NOT_LEADER_OR_FOLLOWER, from
     * {@code Partition.followerReplicaOrThrow}); Kafka does not check registration, but a broker
     * that is not registered is no ISR member the controller keeps, and its fetcher retries
     * after {@code replica.fetch.backoff.ms} once it is. Caller holds the read lock.
     */
    private void requireFollower(int replicaId) {
        boolean assigned = replicas.contains(replicaId) && replicaId != localBrokerId;
        if (!assigned || !registered.test(replicaId)) {
            throw new NotLeaderOrFollowerException("Replica " + replicaId + " is not recognized as a valid replica of "
                + topicPartition + " in leader epoch " + leaderEpoch
                + (assigned ? ": broker " + replicaId + " is not registered" : ": its replicas are " + replicas));
        }
    }

    // ---------------------------------------------------------------- leader: appends

    /**
     * Appends producer records as leader.
     *
     * @throws NotLeaderOrFollowerException when this broker is not the leader
     * @throws NotEnoughReplicasException    acks=all with fewer in-sync replicas than min.insync.replicas
     */
    public LogAppendInfo appendRecordsToLeader(MemoryRecords records, short requiredAcks) {
        return appendRecordsToLeader(records, requiredAcks, true);
    }

    /**
     * Appends producer records as leader; with {@code mayBlock} false an append that would roll a
     * segment or fsync is not made and {@code null} is returned (see {@link Log#appendAsLeader(MemoryRecords, int, boolean)}).
     */
    LogAppendInfo appendRecordsToLeader(MemoryRecords records, short requiredAcks, boolean mayBlock) {
        LogAppendInfo info;
        leaderIsrLock.readLock().lock();
        try {
            requireLeader();
            Log l = log;
            int minIsr = l.config().minInSyncReplicas();
            if (requiredAcks == -1 && isr.size() < minIsr) {
                throw new NotEnoughReplicasException("The size of the current ISR " + isr + " of " + topicPartition
                    + " is insufficient to satisfy the min.isr requirement of " + minIsr);
            }
            info = l.appendAsLeader(records, leaderEpoch, mayBlock);
            if (info == null) {
                return null;
            }
            maybeIncrementHighWatermark();
        } finally {
            leaderIsrLock.readLock().unlock();
        }
        wakeWatchers();
        return info;
    }

    /**
     * Appends handed to an append thread and not made yet. While there are any, a network
     * thread must hand its appends to that thread too, or they would overtake the ones queued
     * (a producer's requests arrive on one connection, hence one network thread, in order).
     */
    final java.util.concurrent.atomic.AtomicInteger queuedAppends = new java.util.concurrent.atomic.AtomicInteger();

    /** Whether the in-sync replicas still satisfy min.insync.replicas (checked when an acks=all produce completes). */
    boolean hasEnoughInSyncReplicas() {
        Log l = log;
        return l != null && isr.size() >= l.config().minInSyncReplicas();
    }

    // ---------------------------------------------------------------- leader: high watermark and ISR

    /** The replicas the high watermark must wait for: the ISR plus any proposed addition. */
    private Set<Integer> maximalIsr() {
        Set<Integer> all = new LinkedHashSet<>(isr);
        List<Integer> pending = pendingIsr;
        if (pending != null) {
            all.addAll(pending);
        }
        return all;
    }

    /** Moves the high watermark to the smallest log end offset of the (maximal) in-sync replicas. */
    private boolean maybeIncrementHighWatermark() {
        Log l = log;
        if (l == null || leaderId != localBrokerId) {
            return false;
        }
        LogOffsetMetadata candidate = l.logEndOffsetMetadata();
        for (int replica : maximalIsr()) {
            if (replica == localBrokerId) {
                continue;
            }
            FollowerState f = followers.get(replica);
            if (f == null || f.logEndOffset() < 0) {
                return false;
            }
            if (f.logEndOffset() < candidate.offset()) {
                candidate = l.offsetMetadata(f.logEndOffset());
            }
        }
        long hw = l.highWatermark();
        if (candidate.offset() > hw || (candidate.offset() == hw && !l.highWatermarkMetadata().positionKnown())) {
            l.updateHighWatermark(candidate);
            return candidate.offset() > hw;
        }
        return false;
    }

    /**
     * Records a follower's fetch: its log end, whether it is caught up, maybe its return to the
     * ISR, and maybe a higher high watermark.
     */
    void updateFollowerFetchState(int replicaId, long fetchOffset, long leaderLogEnd) {
        boolean hwMoved;
        leaderIsrLock.readLock().lock();
        try {
            if (leaderId != localBrokerId || !replicas.contains(replicaId) || replicaId == localBrokerId) {
                return;
            }
            long now = time.milliseconds();
            followers.compute(replicaId, (id, s) -> (s == null ? FollowerState.initial(now, false) : s)
                .onFetch(fetchOffset, leaderLogEnd, now));
            maybeExpandIsr(replicaId);
            hwMoved = maybeIncrementHighWatermark();
        } finally {
            leaderIsrLock.readLock().unlock();
        }
        if (hwMoved) {
            wakeWatchers();
        }
    }

    private void maybeExpandIsr(int replicaId) {
        // A broker that fetches before it has registered (starting) or after it has deregistered
        // (shutting down) stays out: the controller would take it out again at once, and the two
        // would overwrite each other's ISR for as long as it keeps fetching.
        if (isr.contains(replicaId) || pendingIsr != null || fenced || !registered.test(replicaId)) {
            return;
        }
        FollowerState f = followers.get(replicaId);
        Log l = log;
        if (f != null && l != null && f.logEndOffset() >= l.highWatermark() && f.logEndOffset() >= leaderEpochStartOffset) {
            List<Integer> expanded = new ArrayList<>(isr);
            expanded.add(replicaId);
            proposeIsr(expanded, "replica " + replicaId + " caught up");
        }
    }

    /** Removes followers that have not caught up within {@code maxLagMs} from the ISR. */
    void maybeShrinkIsr(long maxLagMs) {
        leaderIsrLock.readLock().lock();
        try {
            if (leaderId != localBrokerId || pendingIsr != null || fenced) {
                return;
            }
            long now = time.milliseconds();
            List<Integer> kept = new ArrayList<>();
            List<Integer> lagging = new ArrayList<>();
            for (int r : isr) {
                FollowerState f = followers.get(r);
                if (r != localBrokerId && (f == null || now - f.lastCaughtUpTimeMs() > maxLagMs)) {
                    lagging.add(r);
                } else {
                    kept.add(r);
                }
            }
            if (!lagging.isEmpty() && kept.contains(localBrokerId)) {
                proposeIsr(kept, "replicas " + lagging + " have not caught up within " + maxLagMs + " ms");
            }
        } finally {
            leaderIsrLock.readLock().unlock();
        }
    }

    private void proposeIsr(List<Integer> newIsr, String reason) {
        PartitionState current = state;
        int version = stateVersion;
        if (current == null) {
            return;
        }
        pendingIsr = List.copyOf(newIsr);
        LOG.info("{}: proposing ISR {} -> {} at leader epoch {} ({})", topicPartition, isr, newIsr, leaderEpoch, reason);
        List<Integer> proposed = pendingIsr;
        isrWriter.write(topicPartition, current.withIsr(newIsr), version).whenComplete((written, error) -> {
            if (error != null || !Boolean.TRUE.equals(written)) {
                if (error != null) {
                    LOG.warn("{}: ISR change to {} failed: {}", topicPartition, proposed, error.toString());
                }
                // Without leaderIsrLock: when the write has already completed, this runs right
                // here, on a thread that holds the read lock, which cannot be upgraded to the write
                // lock (it would wait for itself forever). Dropping a failed proposal needs no lock:
                // the high watermark then waits for fewer replicas, all of them in the stored ISR.
                PENDING_ISR.compareAndSet(this, proposed, null);
            }
        });
    }

    /** Whether an ISR change is waiting to be confirmed (for tests and metrics). */
    boolean hasPendingIsrChange() {
        return pendingIsr != null;
    }

    // ---------------------------------------------------------------- reads

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

    /**
     * Reads as leader for a consumer (replicaId -1) or a follower (its broker id, which also
     * records its progress).
     *
     * @throws NotLeaderOrFollowerException also for a replica id that is not a follower of this
     *         partition now (see {@link #requireFollower}), before anything is read
     */
    public FetchDataInfo read(long fetchOffset, int maxBytes, FetchIsolation isolation, boolean minOneMessage,
                              int currentLeaderEpoch, int replicaId) {
        FetchDataInfo info;
        long leaderLogEnd;
        leaderIsrLock.readLock().lock();
        try {
            requireLeader();
            checkLeaderEpoch(currentLeaderEpoch);
            if (replicaId >= 0) {
                requireFollower(replicaId);
            }
            Log l = log;
            leaderLogEnd = l.logEndOffset();
            info = l.read(fetchOffset, maxBytes, isolation, minOneMessage);
        } finally {
            leaderIsrLock.readLock().unlock();
        }
        if (replicaId >= 0) {
            updateFollowerFetchState(replicaId, fetchOffset, leaderLogEnd);
        }
        return info;
    }

    /** Offsets for ListOffsets; {@code timestamp} uses Kafka's special values (-1 latest, -2 earliest, -3 max). */
    public TimestampOffset offsetForTimestamp(long timestamp, FetchIsolation isolation, int currentLeaderEpoch) {
        leaderIsrLock.readLock().lock();
        try {
            requireLeader();
            checkLeaderEpoch(currentLeaderEpoch);
            Log l = log;
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

    /** OffsetsForLeaderEpoch as leader: the end offset of {@code epoch} in this log. */
    public io.gregor.storage.epoch.EpochEndOffset endOffsetForEpoch(int epoch, int currentLeaderEpoch) {
        leaderIsrLock.readLock().lock();
        try {
            requireLeader();
            checkLeaderEpoch(currentLeaderEpoch);
            Log l = log;
            return l.leaderEpochs().endOffsetFor(epoch, l.logEndOffset());
        } finally {
            leaderIsrLock.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- follower

    /**
     * Appends records fetched from the leader, then follows its log start and high watermark. The
     * log appends the whole batches of the response and leaves out a last batch cut short by the
     * fetch size; it checks every batch first, so a corrupt or out-of-order one appends nothing
     * and leaves the offsets as they were.
     *
     * @throws org.apache.kafka.common.errors.CorruptRecordException a batch with a bad size or CRC
     * @throws org.apache.kafka.common.InvalidRecordException        a batch that is not v2 or whose
     *         offsets do not continue the log
     */
    void appendAsFollower(MemoryRecords records, long leaderHighWatermark, long leaderLogStart) {
        leaderIsrLock.readLock().lock();
        try {
            Log l = log;
            if (l == null || leaderId == localBrokerId) {
                return;
            }
            l.appendAsFollower(records);
            l.maybeIncrementLogStartOffsetAsFollower(leaderLogStart);
            long hw = Math.min(leaderHighWatermark, l.logEndOffset());
            if (hw > l.highWatermark()) {
                l.updateHighWatermark(l.offsetMetadata(hw));
            }
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
