package io.gregor.storage.log;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.epoch.LeaderEpochCache;
import io.gregor.storage.producer.ProducerStateManager;
import io.gregor.storage.util.Scheduler;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition replica: an ordered set of segments, the active (last) one taking
 * appends. The entry point to a partition's storage; it does the appends, rolls and flushes
 * itself and hands the rest to its parts, which share one {@link LogState}:
 * <ul>
 *   <li>{@link LogReader}: reads, and lookups by offset and time;</li>
 *   <li>{@link LogRetention}: retention and log start offset moves;</li>
 *   <li>{@link LogTruncation}: cutting the log back (followers);</li>
 *   <li>{@link CleanerSegmentSwap}: what the log cleaner reads and swaps;</li>
 *   <li>{@link LogLoader}: opening and recovering the directory.</li>
 * </ul>
 *
 * <p>Offsets: {@code logStartOffset <= highWatermark <= logEndOffset}. The log start moves with
 * retention and DeleteRecords; the log end after each append; the high watermark is set by the
 * replication layer (on a single replica it follows the log end).
 *
 * <p>Thread-safety: appends, rolls, truncation, retention and segment swaps run under one lock
 * ({@link LogState#lock}); reads are lock-free against the segment map and volatile offsets. A
 * flush takes the lock only to pick its segments and to move the recovery point: the fsyncs
 * run without it, so that appends on network threads never wait for the disk. Removed segments are renamed to {@code .deleted} and closed after
 * {@code file.delete.delay.ms} ({@link LogSegments#removeAndDeleteLater}), so a read that picked a
 * segment just before it was removed still completes.
 *
 * <p>Buffer ownership: an append reads the caller's buffer between its position and limit and
 * does not keep it; a leader append writes the offsets, leader epoch and (for LogAppendTime)
 * timestamps into it first. A read returns a slice of a segment file (see {@link LogReader}).
 */
public final class Log implements ReadableLog, Closeable {
    private static final Logger log = LoggerFactory.getLogger(Log.class);

    private final LogState state;
    private final LogReader reader;
    private final LogTruncation truncation;
    private final LogRetention retention;
    private final CleanerSegmentSwap cleanerSwap;
    private volatile long lastFlushMs;
    /** Held while a flush fsyncs without the log's lock; closing waits for it (see {@link #markClosed}). */
    private final Object flushing = new Object();
    /** Guarded by the lock. */
    private long unflushedMessages;

    private Log(TopicPartition topicPartition, File dir, LogConfig config, Time time, Scheduler scheduler) {
        this.state = new LogState(topicPartition, dir, config, time, scheduler);
        this.reader = new LogReader(state);
        this.truncation = new LogTruncation(state);
        this.retention = new LogRetention(state, () -> roll(state.logEndOffset()), truncation);
        this.cleanerSwap = new CleanerSegmentSwap(state);
        this.lastFlushMs = time.milliseconds();
    }

    /**
     * Opens a partition directory, creating it if needed.
     *
     * @param cleanShutdown       whether the broker shut down cleanly (no recovery scan needed)
     * @param recoveryPoint       offset below which data is known flushed (from the checkpoint)
     * @param logStartCheckpoint  checkpointed log start offset, or -1
     * @param highWatermark       checkpointed high watermark, or -1
     */
    public static Log open(TopicPartition tp, File dir, LogConfig config, Time time, Scheduler scheduler,
                           boolean cleanShutdown, long recoveryPoint, long logStartCheckpoint, long highWatermark) throws IOException {
        Files.createDirectories(dir.toPath());
        Log log = new Log(tp, dir, config, time, scheduler);
        LogState state = log.state;
        LogLoader.Loaded loaded = new LogLoader(tp, dir, time, state::segmentConfig, state.segments(), state.producerState(),
            state.epochs()).load(cleanShutdown, recoveryPoint, logStartCheckpoint, highWatermark);
        state.logEndOffsetMetadata(loaded.logEnd());
        state.logStartOffset(loaded.logStartOffset());
        state.recoveryPoint(loaded.recoveryPoint());
        state.highWatermarkMetadata(LogOffsetMetadata.offsetOnly(loaded.highWatermark()));
        return log;
    }

    /** Which leader epoch wrote which offsets. */
    public LeaderEpochCache leaderEpochs() {
        return state.epochs();
    }

    @Override
    public TopicPartition topicPartition() {
        return state.topicPartition();
    }

    public File dir() {
        return state.dir();
    }

    public LogConfig config() {
        return state.config();
    }

    public void updateConfig(LogConfig newConfig) {
        state.config(newConfig);
    }

    @Override
    public long logStartOffset() {
        return state.logStartOffset();
    }

    @Override
    public long logEndOffset() {
        return state.logEndOffset();
    }

    public LogOffsetMetadata logEndOffsetMetadata() {
        return state.logEndOffsetMetadata();
    }

    @Override
    public long highWatermark() {
        return state.highWatermark();
    }

    public LogOffsetMetadata highWatermarkMetadata() {
        return state.highWatermarkMetadata();
    }

    public long recoveryPoint() {
        return state.recoveryPoint();
    }

    /** Sets the high watermark, clamped to the log's offsets. */
    public void updateHighWatermark(LogOffsetMetadata hw) {
        long clamped = Math.min(Math.max(hw.offset(), state.logStartOffset()), state.logEndOffset());
        state.highWatermarkMetadata(clamped == hw.offset() ? hw : LogOffsetMetadata.offsetOnly(clamped));
    }

    public int numberOfSegments() {
        return state.segments().count();
    }

    public Collection<LogSegment> segments() {
        return state.segments().all();
    }

    public long size() {
        return state.segments().sizeInBytes();
    }

    public LogSegment activeSegment() {
        return state.segments().active();
    }

    // ---- appends ----

    /**
     * Validates and appends records from a producer, assigning offsets and the leader epoch.
     *
     * @throws org.apache.kafka.common.KafkaException subclasses mapping to produce error codes
     *         (see {@link RecordValidator} and {@link ProducerStateManager#check})
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch) {
        return appendAsLeader(records, leaderEpoch, true);
    }

    /**
     * Like {@link #appendAsLeader(MemoryRecords, int)}, but with {@code mayBlock} false an append
     * that would roll a segment (new files, a producer-state snapshot with its fsync) or fsync
     * ({@code flush.messages}) is not made: it returns {@code null}, having changed nothing, not
     * even the records' buffer, so the caller can make it again where blocking is fine.
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch, boolean mayBlock) {
        LogConfig config = state.config();
        RecordValidator.Validated validated = RecordValidator.validateFromClient(records, config, state.time().milliseconds());
        synchronized (state.lock) {
            state.checkOpen();
            ByteBuffer buf = validated.records().buffer();
            int start = buf.position();
            int end = buf.limit();
            LogAppendInfo duplicate = checkProducers(buf, start, end);
            if (duplicate != null) {
                return duplicate;
            }
            if (!mayBlock && appendWouldBlock(end - start, validated.recordCount())) {
                return null;
            }
            long firstOffset = state.logEndOffset();
            long next = firstOffset;
            state.epochs().assign(leaderEpoch, firstOffset);
            long maxTimestamp = RecordBatch.NO_TIMESTAMP;
            for (int at = start; at < end; at += BatchHeader.totalSize(buf, at)) {
                buf.putLong(at + BatchHeader.BASE_OFFSET, next);
                buf.putInt(at + BatchHeader.PARTITION_LEADER_EPOCH, leaderEpoch);
                next += BatchHeader.lastOffsetDelta(buf, at) + 1;
                maxTimestamp = Math.max(maxTimestamp, BatchHeader.maxTimestamp(buf, at));
            }
            long appendTime = -1;
            if (config.timestampType() == TimestampType.LOG_APPEND_TIME) {
                appendTime = state.time().milliseconds();
                for (MutableRecordBatch batch : validated.records().batches()) {
                    batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, appendTime);
                }
                maxTimestamp = appendTime;
            }
            appendToSegment(buf, start, end, next - 1, maxTimestamp, validated.recordCount());
            return new LogAppendInfo(firstOffset, next - 1, appendTime, state.logStartOffset(), validated.recordCount(), false);
        }
    }

    private LogAppendInfo checkProducers(ByteBuffer buf, int start, int end) {
        for (int at = start; at < end; at += BatchHeader.totalSize(buf, at)) {
            long pid = BatchHeader.producerId(buf, at);
            if (pid == RecordBatch.NO_PRODUCER_ID) {
                continue;
            }
            int firstSeq = BatchHeader.baseSequence(buf, at);
            int lastSeq = firstSeq + BatchHeader.lastOffsetDelta(buf, at);
            ProducerStateManager.Check check = state.producerState().check(pid, BatchHeader.producerEpoch(buf, at), firstSeq, lastSeq);
            if (check instanceof ProducerStateManager.Duplicate dup) {
                return new LogAppendInfo(dup.original().firstOffset(), dup.original().lastOffset(), -1, state.logStartOffset(), 0, true);
            }
        }
        return null;
    }

    /**
     * Appends batches fetched from the leader, which carry their offsets and leader epochs. Only
     * whole batches are appended: a last batch that the fetch's byte limit cut short is left out,
     * to be fetched again from the new log end (see {@link FollowerBatches}).
     *
     * @throws org.apache.kafka.common.errors.CorruptRecordException a batch with a bad size or CRC
     * @throws org.apache.kafka.common.InvalidRecordException        a batch that is not v2 or whose
     *         offsets do not continue the log; in either case nothing is appended
     */
    public void appendAsFollower(MemoryRecords records) {
        synchronized (state.lock) {
            state.checkOpen();
            FollowerBatches.Checked checked = FollowerBatches.check(state.topicPartition(), records, state.logEndOffset());
            if (checked.isEmpty()) {
                return;
            }
            ByteBuffer buf = checked.batches();
            int start = buf.position();
            int end = buf.limit();
            for (int at = start; at < end; at += BatchHeader.totalSize(buf, at)) {
                state.epochs().assign(BatchHeader.partitionLeaderEpoch(buf, at), BatchHeader.baseOffset(buf, at));
            }
            appendToSegment(buf, start, end, checked.lastOffset(), checked.maxTimestamp(), checked.offsetCount());
        }
    }

    /**
     * Records the batch at {@code at} in {@code producerState} if a producer wrote it (not a control
     * batch): the same step for an append and for the replay of a log on recovery.
     */
    static void maybeUpdateProducerState(ProducerStateManager producerState, ByteBuffer buf, int at) {
        long pid = BatchHeader.producerId(buf, at);
        if (pid != RecordBatch.NO_PRODUCER_ID && !BatchHeader.isControl(buf, at)) {
            int firstSeq = BatchHeader.baseSequence(buf, at);
            producerState.update(pid, BatchHeader.producerEpoch(buf, at), firstSeq, firstSeq + BatchHeader.lastOffsetDelta(buf, at),
                BatchHeader.baseOffset(buf, at), BatchHeader.lastOffset(buf, at), BatchHeader.maxTimestamp(buf, at));
        }
    }

    /** Writes whole, offset-assigned batches to the (maybe new) active segment. Caller holds the lock. */
    private void appendToSegment(ByteBuffer buf, int start, int end, long lastOffset, long maxTimestamp, int recordCount) {
        try {
            LogSegment segment = maybeRoll(end - start, BatchHeader.baseOffset(buf, start), lastOffset);
            segment.append(buf.duplicate().position(start).limit(end));
            for (int at = start; at < end; at += BatchHeader.totalSize(buf, at)) {
                maybeUpdateProducerState(state.producerState(), buf, at);
            }
            state.logEndOffsetMetadata(new LogOffsetMetadata(lastOffset + 1, segment.baseOffset(), segment.size()));
            unflushedMessages += recordCount;
            if (unflushedMessages >= state.config().flushMessages()) {
                flush(state.logEndOffset());
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Error appending to " + state.topicPartition() + " in " + state.dir(), e);
        }
    }

    private LogSegment maybeRoll(int bytes, long firstOffset, long lastOffset) throws IOException {
        if (needsRoll(bytes, lastOffset)) {
            return roll(Math.max(firstOffset, state.logEndOffset()));
        }
        return activeSegment();
    }

    /** Whether appending {@code bytes} ending at {@code lastOffset} starts a new segment. Caller holds the lock. */
    private boolean needsRoll(int bytes, long lastOffset) throws IOException {
        LogSegment segment = activeSegment();
        if (segment.size() == 0) {
            // An empty segment takes anything it can index (a follower's fetch may jump 2^31 offsets past it).
            return !segment.canHold(lastOffset);
        }
        LogConfig c = state.config();
        boolean full = (long) segment.size() + bytes > c.segmentBytes();
        boolean old = segment.timeWaitedForRoll(state.time().milliseconds()) > c.segmentMs() - segment.rollJitterMs();
        return full || old || segment.indexesFull() || !segment.canHold(lastOffset);
    }

    /**
     * Whether an append of {@code bytes} in {@code records} records would roll or fsync. The
     * offsets the append would take are not known before they are assigned; the log end offset
     * plus the record count bounds them. Caller holds the lock.
     */
    private boolean appendWouldBlock(int bytes, int records) {
        try {
            return unflushedMessages + records >= state.config().flushMessages() || needsRoll(bytes, state.logEndOffset() + records - 1);
        } catch (IOException e) {
            return true;
        }
    }

    /** Starts a new active segment at {@code newBase}. Caller holds the lock. */
    private LogSegment roll(long newBase) throws IOException {
        LogSegment previous = activeSegment();
        if (previous.baseOffset() == newBase && previous.size() == 0) {
            return previous;
        }
        previous.onBecomeInactive();
        LogSegment segment = LogSegment.open(state.dir(), newBase, state.segmentConfig(), state.time(), true);
        state.segments().add(segment);
        state.logEndOffsetMetadata(new LogOffsetMetadata(state.logEndOffset(), newBase, 0));
        state.producerState().takeSnapshot(newBase);
        state.producerState().cleanSnapshots(state.logStartOffset(), 2);
        state.scheduler().scheduleOnce("flush-" + state.topicPartition(), () -> flushQuietly(newBase), 0);
        log.debug("{}: rolled new segment at offset {}", state.topicPartition(), newBase);
        return segment;
    }

    /** Rolls the active segment if it holds data (used by retention and tests). */
    public void roll() {
        synchronized (state.lock) {
            try {
                if (activeSegment().size() > 0) {
                    roll(state.logEndOffset());
                }
            } catch (IOException e) {
                throw new KafkaStorageException("Error rolling " + state.topicPartition(), e);
            }
        }
    }

    // ---- reads (see LogReader) ----

    /**
     * Reads from {@code startOffset}.
     *
     * @throws OffsetOutOfRangeException when {@code startOffset} is below the log start or above the log end
     */
    @Override
    public FetchDataInfo read(long startOffset, int maxBytes, FetchIsolation isolation, boolean minOneMessage) {
        return reader.read(startOffset, maxBytes, isolation, minOneMessage);
    }

    /** Position metadata of an offset (for computing how many bytes lie between two offsets). */
    public LogOffsetMetadata offsetMetadata(long offset) {
        return reader.offsetMetadata(offset);
    }

    /** The first record with a timestamp {@code >= timestamp} (ListOffsets by time), or {@link TimestampOffset#UNKNOWN}. */
    public TimestampOffset offsetForTimestamp(long timestamp) {
        return reader.offsetForTimestamp(timestamp);
    }

    /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP), or {@link TimestampOffset#UNKNOWN}. */
    public TimestampOffset maxTimestampRecord() {
        return reader.maxTimestampRecord();
    }

    // ---- log cleaner support (see CleanerSegmentSwap) ----

    /** The segments other than the active one, in offset order (a snapshot). */
    public List<LogSegment> inactiveSegments() {
        return cleanerSwap.inactiveSegments();
    }

    /** Producer id → offset of its last batch, for the cleaner to keep each producer's last batch. */
    public Map<Long, Long> lastProducerBatchOffsets() {
        return cleanerSwap.lastProducerBatchOffsets();
    }

    /** Opens a new segment file set with the {@code .cleaned} suffix, for the cleaner to fill. */
    public LogSegment newCleanedSegment(long baseOffset) throws IOException {
        return cleanerSwap.newCleanedSegment(baseOffset);
    }

    /**
     * Replaces {@code old} (consecutive segments) with the flushed, cleaned segment, crash-safely
     * (see {@link CleanerSegmentSwap}).
     *
     * @return false (and nothing changed) if the old segments were meanwhile removed or replaced
     */
    public boolean replaceSegments(List<LogSegment> old, LogSegment cleaned) throws IOException {
        return cleanerSwap.replaceSegments(old, cleaned);
    }

    // ---- retention and log start (see LogRetention), truncation (see LogTruncation) ----

    /**
     * Deletes segments that retention (time, size) or the log start offset have made obsolete.
     * Never deletes data at or above the high watermark.
     *
     * @return the number of segments deleted
     */
    public int deleteOldSegments() {
        return retention.deleteOldSegments();
    }

    /**
     * Moves the log start offset forward (DeleteRecords). Segments entirely below it are deleted
     * by the next retention pass.
     *
     * @return the new log start offset
     */
    public long maybeIncrementLogStartOffset(long newStart) {
        return retention.maybeIncrementLogStartOffset(newStart);
    }

    /**
     * A follower follows the leader's log start offset; one beyond its own log end restarts the
     * log there.
     */
    public void maybeIncrementLogStartOffsetAsFollower(long leaderLogStart) {
        retention.maybeIncrementLogStartOffsetAsFollower(leaderLogStart);
    }

    /** Removes all records at or after {@code offset} (follower truncation). */
    public void truncateTo(long offset) {
        truncation.truncateTo(offset);
    }

    /** Deletes all data and restarts the log at {@code newOffset}. */
    public void truncateFullyAndStartAt(long newOffset) {
        truncation.truncateFullyAndStartAt(newOffset);
    }

    // ---- flush, close ----

    private void flushQuietly(long upTo) {
        try {
            flush(upTo);
        } catch (RuntimeException e) {
            log.warn("{}: background flush failed: {}", state.topicPartition(), e.toString());
        }
    }

    /**
     * Fsyncs the segments holding offsets below {@code upTo} and advances the recovery point. The
     * fsyncs run without the log's lock (as in Kafka), so appends go on meanwhile; a segment
     * removed during the flush stays open until its delayed deletion.
     */
    public void flush(long upTo) {
        List<LogSegment> segments;
        synchronized (state.lock) {
            if (state.closed() || upTo <= state.recoveryPoint()) {
                return;
            }
            segments = new ArrayList<>(state.segments().holding(state.recoveryPoint(), upTo));
            // Appends from now on count towards the next flush.messages flush.
            unflushedMessages = 0;
        }
        synchronized (flushing) {
            if (state.closed()) {
                return;
            }
            try {
                for (LogSegment segment : segments) {
                    segment.flush();
                }
                state.epochs().sync();
            } catch (IOException e) {
                throw new KafkaStorageException("Error flushing " + state.topicPartition(), e);
            }
        }
        synchronized (state.lock) {
            if (upTo > state.recoveryPoint()) {
                state.recoveryPoint(Math.min(upTo, state.logEndOffset()));
            }
            lastFlushMs = state.time().milliseconds();
        }
    }

    /** Flushes when {@code flush.ms} has passed since the last flush (called periodically). */
    public void maybeFlushByTime() {
        long flushMs = state.config().flushMs();
        if (flushMs != Long.MAX_VALUE && state.time().milliseconds() - lastFlushMs >= flushMs
            && state.recoveryPoint() < state.logEndOffset()) {
            flush(state.logEndOffset());
        }
    }

    public void removeExpiredProducers(long expirationMs) {
        synchronized (state.lock) {
            state.producerState().removeExpired(state.time().milliseconds(), expirationMs);
        }
    }

    /**
     * Stops appends and flushes, and waits for a flush that is fsyncing without the lock, so
     * that closing may unmap the indexes.
     *
     * @return false when the log was closed already
     */
    private boolean markClosed() {
        synchronized (state.lock) {
            if (state.closed()) {
                return false;
            }
            state.markClosed();
        }
        synchronized (flushing) {
            return true;
        }
    }

    /** Flushes, writes a producer snapshot and closes the segments. */
    @Override
    public void close() throws IOException {
        if (!markClosed()) {
            return;
        }
        synchronized (state.lock) {
            for (LogSegment segment : state.segments().all()) {
                segment.flush();
            }
            state.epochs().sync();
            state.recoveryPoint(state.logEndOffset());
            state.producerState().takeSnapshot(state.logEndOffset());
            state.producerState().cleanSnapshots(state.logStartOffset(), 2);
            for (LogSegment segment : state.segments().all()) {
                segment.close();
            }
        }
    }

    /**
     * First step of deleting the partition (topic deleted, replica moved away): stops appends,
     * flushes and the cleaner's swaps, and renames the partition directory to {@code target}, so
     * that a new log of the same partition starts in a fresh directory at once. Reads that hold a
     * segment (an index lookup, a {@link FileRecordsSlice} being sent) go on: the open channels
     * and index mappings follow the renamed files until {@link #deleteRenamed} releases them.
     *
     * @throws IOException if the directory cannot be renamed; the log is closed to appends anyway
     */
    public void renameForDeletion(File target) throws IOException {
        markClosed();
        synchronized (state.lock) {
            Files.move(state.dir().toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE);
            state.dir(target);
        }
    }

    /**
     * Second step, {@code file.delete.delay.ms} after {@link #renameForDeletion}: closes the
     * channels, unmaps the indexes and deletes the renamed directory. The segments' own file
     * names still point at the old directory, where a new log of the partition may live now, so
     * nothing here goes by them.
     */
    public void deleteRenamed() throws IOException {
        markClosed();
        synchronized (state.lock) {
            for (LogSegment segment : state.segments().all()) {
                segment.release();
            }
            state.segments().clear();
            LogFiles.deleteRecursively(state.dir());
        }
    }

    @Override
    public String toString() {
        return "Log(" + state.topicPartition() + ", start=" + state.logStartOffset() + ", hw=" + highWatermark()
            + ", end=" + logEndOffset() + ")";
    }
}
