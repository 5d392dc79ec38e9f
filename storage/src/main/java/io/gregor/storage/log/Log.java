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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
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
 * appends.
 *
 * <p>Offsets: {@code logStartOffset <= highWatermark <= logEndOffset}. The log start moves with
 * retention and DeleteRecords; the log end after each append; the high watermark is set by the
 * replication layer (on a single replica it follows the log end).
 *
 * <p>Thread-safety: appends, rolls, truncation, retention and flush run under {@code lock};
 * reads are lock-free against the segment map and volatile offsets. Removed segments are renamed
 * to {@code .deleted} and closed after {@code file.delete.delay.ms}, so a read that picked a
 * segment just before it was removed still completes.
 */
public final class Log implements ReadableLog, Closeable {
    private static final Logger log = LoggerFactory.getLogger(Log.class);

    private final TopicPartition topicPartition;
    private final File dir;
    private final Time time;
    private final Scheduler scheduler;
    private final Object lock = new Object();
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final ProducerStateManager producerState;
    private final LeaderEpochCache epochs;
    private volatile LogConfig config;
    private volatile LogOffsetMetadata logEndOffsetMetadata;
    private volatile LogOffsetMetadata highWatermarkMetadata;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    private long unflushedMessages;
    private volatile boolean closed;

    private Log(TopicPartition topicPartition, File dir, LogConfig config, Time time, Scheduler scheduler) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.producerState = new ProducerStateManager(dir);
        this.epochs = new LeaderEpochCache(dir);
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
        LogLoader.Loaded loaded = new LogLoader(tp, dir, time, log::segmentConfig, log.segments, log.producerState, log.epochs)
            .load(cleanShutdown, recoveryPoint, logStartCheckpoint, highWatermark);
        log.logEndOffsetMetadata = loaded.logEnd();
        log.logStartOffset = loaded.logStartOffset();
        log.recoveryPoint = loaded.recoveryPoint();
        log.highWatermarkMetadata = LogOffsetMetadata.offsetOnly(loaded.highWatermark());
        return log;
    }

    private SegmentConfig segmentConfig() {
        LogConfig c = config;
        long jitter = c.segmentJitterMs() > 0 ? ThreadLocalRandom.current().nextLong(Math.min(c.segmentJitterMs(), c.segmentMs())) : 0;
        return new SegmentConfig(c.indexIntervalBytes(), c.maxIndexSize(), jitter);
    }

    /** Which leader epoch wrote which offsets. */
    public LeaderEpochCache leaderEpochs() {
        return epochs;
    }

    @Override
    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public File dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return logEndOffsetMetadata.offset();
    }

    public LogOffsetMetadata logEndOffsetMetadata() {
        return logEndOffsetMetadata;
    }

    @Override
    public long highWatermark() {
        return highWatermarkMetadata.offset();
    }

    public LogOffsetMetadata highWatermarkMetadata() {
        return highWatermarkMetadata;
    }

    public long recoveryPoint() {
        return recoveryPoint;
    }

    /** Sets the high watermark, clamped to the log's offsets. */
    public void updateHighWatermark(LogOffsetMetadata hw) {
        long clamped = Math.min(Math.max(hw.offset(), logStartOffset), logEndOffset());
        this.highWatermarkMetadata = clamped == hw.offset() ? hw : LogOffsetMetadata.offsetOnly(clamped);
    }

    public int numberOfSegments() {
        return segments.size();
    }

    public Collection<LogSegment> segments() {
        return segments.values();
    }

    public long size() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    public LogSegment activeSegment() {
        return segments.lastEntry().getValue();
    }

    // ---- appends ----

    /**
     * Validates and appends records from a producer, assigning offsets and the leader epoch.
     *
     * @throws org.apache.kafka.common.KafkaException subclasses mapping to produce error codes
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
        RecordValidator.Validated validated = RecordValidator.validateFromClient(records, config, time.milliseconds());
        synchronized (lock) {
            checkOpen();
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
            long firstOffset = logEndOffset();
            long next = firstOffset;
            epochs.assign(leaderEpoch, firstOffset);
            long maxTimestamp = RecordBatch.NO_TIMESTAMP;
            for (int at = start; at < end; at += BatchHeader.totalSize(buf, at)) {
                buf.putLong(at + BatchHeader.BASE_OFFSET, next);
                buf.putInt(at + BatchHeader.PARTITION_LEADER_EPOCH, leaderEpoch);
                next += BatchHeader.lastOffsetDelta(buf, at) + 1;
                maxTimestamp = Math.max(maxTimestamp, BatchHeader.maxTimestamp(buf, at));
            }
            long appendTime = -1;
            if (config.timestampType() == TimestampType.LOG_APPEND_TIME) {
                appendTime = time.milliseconds();
                for (MutableRecordBatch batch : validated.records().batches()) {
                    batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, appendTime);
                }
                maxTimestamp = appendTime;
            }
            appendToSegment(buf, start, end, next - 1, maxTimestamp, validated.recordCount());
            return new LogAppendInfo(firstOffset, next - 1, appendTime, logStartOffset, validated.recordCount(), false);
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
            ProducerStateManager.Check check = producerState.check(pid, BatchHeader.producerEpoch(buf, at), firstSeq, lastSeq);
            if (check instanceof ProducerStateManager.Duplicate dup) {
                return new LogAppendInfo(dup.original().firstOffset(), dup.original().lastOffset(), -1, logStartOffset, 0, true);
            }
        }
        return null;
    }

    /** Appends already-offset-assigned batches (replication). Offsets must continue the log. */
    public void appendAsFollower(MemoryRecords records) {
        synchronized (lock) {
            checkOpen();
            ByteBuffer buf = records.buffer();
            int start = buf.position();
            int end = buf.limit();
            if (start == end) {
                return;
            }
            long expected = logEndOffset();
            long last = -1;
            long maxTimestamp = RecordBatch.NO_TIMESTAMP;
            int count = 0;
            for (int at = start; at < end; at += BatchHeader.totalSize(buf, at)) {
                if (BatchHeader.baseOffset(buf, at) < expected) {
                    throw new IllegalStateException(topicPartition + ": follower append at " + BatchHeader.baseOffset(buf, at)
                        + " below the log end " + expected);
                }
                epochs.assign(BatchHeader.partitionLeaderEpoch(buf, at), BatchHeader.baseOffset(buf, at));
                last = BatchHeader.lastOffset(buf, at);
                expected = last + 1;
                maxTimestamp = Math.max(maxTimestamp, BatchHeader.maxTimestamp(buf, at));
                count += BatchHeader.lastOffsetDelta(buf, at) + 1;
            }
            appendToSegment(buf, start, end, last, maxTimestamp, count);
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

    private void appendToSegment(ByteBuffer buf, int start, int end, long lastOffset, long maxTimestamp, int recordCount) {
        try {
            LogSegment segment = maybeRoll(end - start, BatchHeader.baseOffset(buf, start), lastOffset);
            segment.append(buf.duplicate().position(start).limit(end));
            for (int at = start; at < end; at += BatchHeader.totalSize(buf, at)) {
                maybeUpdateProducerState(producerState, buf, at);
            }
            logEndOffsetMetadata = new LogOffsetMetadata(lastOffset + 1, segment.baseOffset(), segment.size());
            unflushedMessages += recordCount;
            if (unflushedMessages >= config.flushMessages()) {
                flush(logEndOffset());
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Error appending to " + topicPartition + " in " + dir, e);
        }
    }

    private LogSegment maybeRoll(int bytes, long firstOffset, long lastOffset) throws IOException {
        if (needsRoll(bytes, lastOffset)) {
            return roll(Math.max(firstOffset, logEndOffset()));
        }
        return activeSegment();
    }

    /** Whether appending {@code bytes} ending at {@code lastOffset} starts a new segment. Caller holds the lock. */
    private boolean needsRoll(int bytes, long lastOffset) throws IOException {
        LogSegment segment = activeSegment();
        if (segment.size() == 0) {
            return false;
        }
        LogConfig c = config;
        boolean full = (long) segment.size() + bytes > c.segmentBytes();
        boolean old = segment.timeWaitedForRoll(time.milliseconds()) > c.segmentMs() - segment.rollJitterMs();
        return full || old || segment.indexesFull() || !segment.canHold(lastOffset);
    }

    /**
     * Whether an append of {@code bytes} in {@code records} records would roll or fsync. The
     * offsets the append would take are not known before they are assigned; the log end offset
     * plus the record count bounds them. Caller holds the lock.
     */
    private boolean appendWouldBlock(int bytes, int records) {
        try {
            return unflushedMessages + records >= config.flushMessages() || needsRoll(bytes, logEndOffset() + records - 1);
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
        LogSegment segment = LogSegment.open(dir, newBase, segmentConfig(), time, true);
        segments.put(newBase, segment);
        logEndOffsetMetadata = new LogOffsetMetadata(logEndOffset(), newBase, 0);
        producerState.takeSnapshot(newBase);
        producerState.cleanSnapshots(logStartOffset, 2);
        scheduler.scheduleOnce("flush-" + topicPartition, () -> flushQuietly(newBase), 0);
        log.debug("{}: rolled new segment at offset {}", topicPartition, newBase);
        return segment;
    }

    /** Rolls the active segment if it holds data (used by retention and tests). */
    public void roll() {
        synchronized (lock) {
            try {
                if (activeSegment().size() > 0) {
                    roll(logEndOffset());
                }
            } catch (IOException e) {
                throw new KafkaStorageException("Error rolling " + topicPartition, e);
            }
        }
    }

    // ---- reads ----

    /**
     * Reads from {@code startOffset}.
     *
     * @throws OffsetOutOfRangeException when {@code startOffset} is below the log start or above the log end
     */
    @Override
    public FetchDataInfo read(long startOffset, int maxBytes, FetchIsolation isolation, boolean minOneMessage) {
        LogOffsetMetadata end = isolation == FetchIsolation.LOG_END ? logEndOffsetMetadata : highWatermarkMetadata;
        long logEnd = logEndOffset();
        if (startOffset < logStartOffset || startOffset > logEnd) {
            throw new OffsetOutOfRangeException("Offset " + startOffset + " is out of range for " + topicPartition
                + ": log start " + logStartOffset + ", log end " + logEnd);
        }
        if (startOffset >= end.offset()) {
            return FetchDataInfo.empty(LogOffsetMetadata.offsetOnly(startOffset));
        }
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
            while (entry != null) {
                LogSegment segment = entry.getValue();
                long maxPosition = maxPositionFor(segment, end);
                FetchDataInfo info = segment.read(startOffset, maxBytes, maxPosition, minOneMessage);
                if (info != null) {
                    return info;
                }
                entry = segments.higherEntry(entry.getKey());
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Error reading " + topicPartition, e);
        }
        return FetchDataInfo.empty(LogOffsetMetadata.offsetOnly(startOffset));
    }

    /** File position in {@code segment} where reading must stop to stay below {@code bound}. */
    private long maxPositionFor(LogSegment segment, LogOffsetMetadata bound) throws IOException {
        if (bound.offset() <= segment.baseOffset()) {
            return 0;
        }
        Map.Entry<Long, LogSegment> next = segments.higherEntry(segment.baseOffset());
        if (next != null && next.getKey() <= bound.offset()) {
            return segment.size();
        }
        if (bound.positionKnown() && bound.segmentBaseOffset() == segment.baseOffset()) {
            return bound.relativePosition();
        }
        LogSegment.BatchPosition batch = segment.translateOffset(bound.offset());
        return batch == null ? segment.size() : batch.position();
    }

    /** Position metadata of an offset (for computing how many bytes lie between two offsets). */
    public LogOffsetMetadata offsetMetadata(long offset) {
        LogOffsetMetadata end = logEndOffsetMetadata;
        if (offset == end.offset()) {
            return end;
        }
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        if (entry == null) {
            return LogOffsetMetadata.offsetOnly(offset);
        }
        try {
            LogSegment.BatchPosition batch = entry.getValue().translateOffset(offset);
            return batch == null ? LogOffsetMetadata.offsetOnly(offset)
                : new LogOffsetMetadata(offset, entry.getKey(), batch.position());
        } catch (IOException e) {
            return LogOffsetMetadata.offsetOnly(offset);
        }
    }

    /** The first record with a timestamp {@code >= timestamp} (ListOffsets by time), or {@link TimestampOffset#UNKNOWN}. */
    public TimestampOffset offsetForTimestamp(long timestamp) {
        long start = logStartOffset;
        try {
            for (LogSegment segment : segments.values()) {
                if (segment.largestTimestamp() < timestamp || segment.maxTimestampSoFar() < 0) {
                    continue;
                }
                TimestampOffset found = segment.findOffsetByTimestamp(timestamp, start);
                if (found != null) {
                    return found;
                }
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Error searching " + topicPartition + " by timestamp", e);
        }
        return TimestampOffset.UNKNOWN;
    }

    /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP), or {@link TimestampOffset#UNKNOWN}. */
    public TimestampOffset maxTimestampRecord() {
        LogSegment best = null;
        for (LogSegment segment : segments.values()) {
            if (segment.maxTimestampSoFar() >= 0 && (best == null || segment.maxTimestampSoFar() > best.maxTimestampSoFar())) {
                best = segment;
            }
        }
        if (best == null) {
            return TimestampOffset.UNKNOWN;
        }
        try {
            TimestampOffset found = best.maxTimestampRecord();
            return found == null || found.offset() < logStartOffset ? TimestampOffset.UNKNOWN : found;
        } catch (IOException e) {
            throw new KafkaStorageException("Error reading " + topicPartition, e);
        }
    }

    public ProducerStateManager producerStateForReadOnlyUse() {
        return producerState;
    }

    // ---- log cleaner support ----

    /** The segments other than the active one, in offset order (a snapshot). */
    public List<LogSegment> inactiveSegments() {
        List<LogSegment> out = new ArrayList<>(segments.values());
        if (!out.isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** Producer id → offset of its last batch, for the cleaner to keep each producer's last batch. */
    public Map<Long, Long> lastProducerBatchOffsets() {
        synchronized (lock) {
            Map<Long, Long> out = new java.util.HashMap<>();
            producerState.producers().forEach((pid, entry) -> out.put(pid, entry.lastOffset()));
            return out;
        }
    }

    /** Opens a new segment file set with the {@code .cleaned} suffix, for the cleaner to fill. */
    public LogSegment newCleanedSegment(long baseOffset) throws IOException {
        File stale = new File(LogFiles.logFile(dir, baseOffset).getPath() + LogFiles.CLEANED_SUFFIX);
        Files.deleteIfExists(stale.toPath());
        Files.deleteIfExists(new File(LogFiles.indexFile(dir, baseOffset).getPath() + LogFiles.CLEANED_SUFFIX).toPath());
        Files.deleteIfExists(new File(LogFiles.timeIndexFile(dir, baseOffset).getPath() + LogFiles.CLEANED_SUFFIX).toPath());
        return LogSegment.open(dir, baseOffset, segmentConfig(), time, true, LogFiles.CLEANED_SUFFIX);
    }

    /**
     * Replaces {@code old} (consecutive segments) with the flushed, cleaned segment. Crash-safe:
     * the cleaned files are first renamed to {@code .swap} (a swap file found at startup is
     * completed), then the old segments are renamed to {@code .deleted}, then the swap files take
     * their final names.
     *
     * @return false (and nothing changed) if the old segments were meanwhile removed or replaced
     */
    public boolean replaceSegments(List<LogSegment> old, LogSegment cleaned) throws IOException {
        synchronized (lock) {
            for (LogSegment s : old) {
                if (segments.get(s.baseOffset()) != s || closed) {
                    return false;
                }
            }
            cleaned.changeSuffix(LogFiles.CLEANED_SUFFIX, LogFiles.SWAP_SUFFIX);
            for (LogSegment s : old) {
                segments.remove(s.baseOffset());
                s.addSuffix(LogFiles.DELETED_SUFFIX);
                LogSegment doomed = s;
                scheduler.scheduleOnce("delete-segment", () -> {
                    try {
                        doomed.delete();
                    } catch (IOException e) {
                        log.warn("{}: could not delete {}: {}", topicPartition, doomed.logFile(), e.toString());
                    }
                }, config.fileDeleteDelayMs());
            }
            cleaned.changeSuffix(LogFiles.SWAP_SUFFIX, "");
            segments.put(cleaned.baseOffset(), cleaned);
            return true;
        }
    }

    // ---- retention, truncation, flush ----

    /**
     * Deletes segments that retention (time, size) or the log start offset have made obsolete.
     * Never deletes data at or above the high watermark.
     *
     * @return the number of segments deleted
     */
    public int deleteOldSegments() {
        LogConfig c = config;
        long now = time.milliseconds();
        synchronized (lock) {
            if (closed) {
                return 0;
            }
            List<LogSegment> deletable = new ArrayList<>();
            long sizeToFree = c.delete() && c.retentionBytes() >= 0 ? size() - c.retentionBytes() : 0;
            long hw = highWatermark();
            for (Map.Entry<Long, LogSegment> entry : segments.entrySet()) {
                LogSegment segment = entry.getValue();
                Map.Entry<Long, LogSegment> next = segments.higherEntry(entry.getKey());
                long upperBound = next == null ? logEndOffset() : next.getKey();
                if (upperBound > hw) {
                    break;
                }
                boolean belowStart = next != null && next.getKey() <= logStartOffset;
                boolean expired = c.delete() && c.retentionMs() >= 0 && now - segment.largestTimestamp() > c.retentionMs();
                boolean overSize = sizeToFree > 0 && sizeToFree - segment.size() >= 0;
                if (!(belowStart || expired || overSize)) {
                    break;
                }
                if (next == null && (overSize || segment.size() == 0)) {
                    break;
                }
                sizeToFree -= segment.size();
                deletable.add(segment);
            }
            if (deletable.isEmpty()) {
                return 0;
            }
            try {
                if (deletable.get(deletable.size() - 1) == activeSegment()) {
                    roll(logEndOffset());
                }
                for (LogSegment segment : deletable) {
                    removeSegment(segment, c.fileDeleteDelayMs());
                }
                long newStart = Math.max(logStartOffset, segments.firstKey());
                if (newStart != logStartOffset) {
                    logStartOffset = newStart;
                    producerState.removeBefore(newStart);
                    epochs.truncateFromStart(newStart);
                }
                log.info("{}: deleted {} segment(s) by retention; log start offset is now {}", topicPartition, deletable.size(), logStartOffset);
            } catch (IOException e) {
                throw new KafkaStorageException("Error deleting segments of " + topicPartition, e);
            }
            return deletable.size();
        }
    }

    private void removeSegment(LogSegment segment, long delayMs) throws IOException {
        segments.remove(segment.baseOffset());
        segment.addSuffix(LogFiles.DELETED_SUFFIX);
        scheduler.scheduleOnce("delete-segment", () -> {
            try {
                segment.delete();
            } catch (IOException e) {
                log.warn("{}: could not delete {}: {}", topicPartition, segment.logFile(), e.toString());
            }
        }, delayMs);
    }

    /**
     * Moves the log start offset forward (DeleteRecords). Segments entirely below it are deleted
     * by the next retention pass.
     *
     * @return the new log start offset
     */
    public long maybeIncrementLogStartOffset(long newStart) {
        synchronized (lock) {
            if (newStart > highWatermark()) {
                throw new OffsetOutOfRangeException("Cannot move the log start offset of " + topicPartition + " to " + newStart
                    + ", beyond the high watermark " + highWatermark());
            }
            if (newStart > logStartOffset) {
                logStartOffset = newStart;
                producerState.removeBefore(newStart);
                epochs.truncateFromStart(newStart);
            }
            return logStartOffset;
        }
    }

    /**
     * A follower follows the leader's log start offset (retention or DeleteRecords on the
     * leader). Offsets beyond its own log end mean it lags behind data that no longer exists:
     * it restarts its log there.
     */
    public void maybeIncrementLogStartOffsetAsFollower(long leaderLogStart) {
        synchronized (lock) {
            if (leaderLogStart <= logStartOffset) {
                return;
            }
            if (leaderLogStart > logEndOffset()) {
                truncateFullyAndStartAt(leaderLogStart);
                return;
            }
            logStartOffset = leaderLogStart;
            producerState.removeBefore(leaderLogStart);
            epochs.truncateFromStart(leaderLogStart);
        }
    }

    /** Removes all records at or after {@code offset} (follower truncation). */
    public void truncateTo(long offset) {
        synchronized (lock) {
            if (offset >= logEndOffset()) {
                return;
            }
            try {
                if (offset < segments.firstKey()) {
                    truncateFullyAndStartAt(offset);
                    return;
                }
                for (LogSegment segment : new ArrayList<>(segments.tailMap(offset, false).values())) {
                    removeSegment(segment, config.fileDeleteDelayMs());
                }
                LogSegment active = activeSegment();
                active.truncateTo(offset);
                logEndOffsetMetadata = new LogOffsetMetadata(offset, active.baseOffset(), active.size());
                if (highWatermark() > offset) {
                    highWatermarkMetadata = LogOffsetMetadata.offsetOnly(offset);
                }
                recoveryPoint = Math.min(recoveryPoint, offset);
                epochs.truncateFromEnd(offset);
                producerState.deleteSnapshotsAbove(offset);
                LogLoader.rebuildProducerState(segments, producerState, logStartOffset, offset);
            } catch (IOException e) {
                throw new KafkaStorageException("Error truncating " + topicPartition, e);
            }
        }
    }

    /** Deletes all data and restarts the log at {@code newOffset}. */
    public void truncateFullyAndStartAt(long newOffset) {
        synchronized (lock) {
            try {
                for (LogSegment segment : new ArrayList<>(segments.values())) {
                    removeSegment(segment, config.fileDeleteDelayMs());
                }
                LogSegment segment = LogSegment.open(dir, newOffset, segmentConfig(), time, true);
                segments.put(newOffset, segment);
                logEndOffsetMetadata = new LogOffsetMetadata(newOffset, newOffset, 0);
                highWatermarkMetadata = LogOffsetMetadata.offsetOnly(newOffset);
                logStartOffset = newOffset;
                recoveryPoint = newOffset;
                producerState.clear();
                producerState.deleteSnapshotsAbove(-1);
                epochs.clear();
            } catch (IOException e) {
                throw new KafkaStorageException("Error truncating " + topicPartition, e);
            }
        }
    }

    private void flushQuietly(long upTo) {
        try {
            flush(upTo);
        } catch (RuntimeException e) {
            log.warn("{}: background flush failed: {}", topicPartition, e.toString());
        }
    }

    /** Fsyncs the segments holding offsets below {@code upTo} and advances the recovery point. */
    public void flush(long upTo) {
        synchronized (lock) {
            if (closed || upTo <= recoveryPoint) {
                return;
            }
            try {
                Long from = segments.floorKey(recoveryPoint);
                for (LogSegment segment : segments.subMap(from == null ? segments.firstKey() : from, true, upTo, false).values()) {
                    segment.flush();
                }
                epochs.sync();
            } catch (IOException e) {
                throw new KafkaStorageException("Error flushing " + topicPartition, e);
            }
            recoveryPoint = Math.min(upTo, logEndOffset());
            unflushedMessages = 0;
            lastFlushMs = time.milliseconds();
        }
    }

    /** Flushes when {@code flush.ms} has passed since the last flush (called periodically). */
    public void maybeFlushByTime() {
        long flushMs = config.flushMs();
        if (flushMs != Long.MAX_VALUE && time.milliseconds() - lastFlushMs >= flushMs && recoveryPoint < logEndOffset()) {
            flush(logEndOffset());
        }
    }

    public void removeExpiredProducers(long expirationMs) {
        synchronized (lock) {
            producerState.removeExpired(time.milliseconds(), expirationMs);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new KafkaStorageException("Log " + topicPartition + " is closed");
        }
    }

    /** Flushes, writes a producer snapshot and closes the segments. */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (LogSegment segment : segments.values()) {
                segment.flush();
            }
            epochs.sync();
            recoveryPoint = logEndOffset();
            producerState.takeSnapshot(logEndOffset());
            producerState.cleanSnapshots(logStartOffset, 2);
            for (LogSegment segment : segments.values()) {
                segment.close();
            }
        }
    }

    /** Closes without flushing and deletes the whole partition directory (topic deletion). */
    public void closeAndDelete() throws IOException {
        synchronized (lock) {
            closed = true;
            for (LogSegment segment : segments.values()) {
                segment.delete();
            }
            segments.clear();
            File[] rest = dir.listFiles();
            if (rest != null) {
                for (File f : rest) {
                    Files.deleteIfExists(f.toPath());
                }
            }
            Files.deleteIfExists(dir.toPath());
        }
    }

    @Override
    public String toString() {
        return "Log(" + topicPartition + ", start=" + logStartOffset + ", hw=" + highWatermark() + ", end=" + logEndOffset() + ")";
    }
}
