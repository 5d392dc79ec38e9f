package io.gregor.storage.log;

import io.gregor.storage.epoch.LeaderEpochCache;
import io.gregor.storage.producer.ProducerStateManager;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a partition directory for a {@link Log}: finishes interrupted cleaner
 * swaps, recovers (re-validates and re-indexes) the segments that may hold unflushed data after
 * an unclean shutdown, truncating at the first torn or corrupt batch and dropping the segments
 * after it, and rebuilds producer state and leader epochs from the batches where their
 * checkpoints do not cover them.
 *
 * <p>Used once per log, before the log is shared; not thread-safe.
 */
final class LogLoader {
    private static final Logger log = LoggerFactory.getLogger(LogLoader.class);
    /** Upper bound on a batch size believed while recovering, so a torn length cannot exhaust the heap. */
    static final int MAX_RECOVERY_BATCH_BYTES = 128 * 1024 * 1024;

    /** Where the loaded log stands. */
    record Loaded(long logStartOffset, LogOffsetMetadata logEnd, long recoveryPoint, long highWatermark) {
    }

    private final TopicPartition topicPartition;
    private final File dir;
    private final Time time;
    private final Supplier<SegmentConfig> segmentConfig;
    private final LogSegments segments;
    private final ProducerStateManager producerState;
    private final LeaderEpochCache epochs;

    /** Fills {@code segments}, {@code producerState} and {@code epochs}, which belong to the log being opened. */
    LogLoader(TopicPartition topicPartition, File dir, Time time, Supplier<SegmentConfig> segmentConfig,
              LogSegments segments, ProducerStateManager producerState, LeaderEpochCache epochs) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.time = time;
        this.segmentConfig = segmentConfig;
        this.segments = segments;
        this.producerState = producerState;
        this.epochs = epochs;
    }

    Loaded load(boolean cleanShutdown, long checkpointRecoveryPoint, long logStartCheckpoint, long highWatermark) throws IOException {
        LogDirectoryRepair.removeTemporaryFiles(dir);
        Set<Long> swapped = LogDirectoryRepair.completeInterruptedSwaps(dir, topicPartition);
        File[] logFiles = dir.listFiles((d, name) -> name.endsWith(LogFiles.LOG_SUFFIX));
        long[] bases = logFiles == null ? new long[0]
            : Arrays.stream(logFiles).mapToLong(f -> LogFiles.offsetFromFileName(f.getName())).sorted().toArray();
        for (int i = 0; i < bases.length; i++) {
            boolean active = i == bases.length - 1;
            segments.add(LogSegment.open(dir, bases[i], segmentConfig.get(), time, active));
        }
        boolean truncatedTail = false;
        for (LogSegment segment : new ArrayList<>(segments.all())) {
            if (truncatedTail) {
                log.warn("{}: deleting segment {} that follows a corrupted one", topicPartition, segment.baseOffset());
                segments.removeAndDeleteNow(segment);
                continue;
            }
            LogSegment next = segments.next(segment);
            boolean holdsUnflushedData = next == null || next.baseOffset() > checkpointRecoveryPoint;
            boolean needsRecovery = swapped.contains(segment.baseOffset()) || !segment.indexesSane()
                || (!cleanShutdown && holdsUnflushedData);
            if (!needsRecovery) {
                continue;
            }
            // The checkpoint may lack epochs written after the last flush (they are not fsynced).
            int truncated = segment.recover(MAX_RECOVERY_BATCH_BYTES,
                batch -> epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset()));
            if (truncated > 0) {
                log.warn("{}: recovery truncated {} invalid or torn bytes from segment {}", topicPartition, truncated, segment.baseOffset());
                truncatedTail = true;
            }
        }
        if (segments.isEmpty()) {
            long start = Math.max(0, logStartCheckpoint);
            segments.add(LogSegment.open(dir, start, segmentConfig.get(), time, true));
        }
        LogSegment active = segments.active();
        long next = active.readNextOffset();
        long logStartOffset = Math.max(segments.firstBaseOffset(), Math.min(Math.max(logStartCheckpoint, 0), next));
        long recoveryPoint = cleanShutdown ? next : Math.min(Math.max(checkpointRecoveryPoint, 0), next);
        long hw = Math.min(Math.max(highWatermark, logStartOffset), next);
        rebuildProducerState(segments, producerState, logStartOffset, next);
        if (epochs.isEmpty() && next > logStartOffset) {
            rebuildLeaderEpochs(logStartOffset);
        }
        epochs.truncateFromEnd(next);
        epochs.truncateFromStart(logStartOffset);
        return new Loaded(logStartOffset, new LogOffsetMetadata(next, active.baseOffset(), active.size()), recoveryPoint, hw);
    }

    /** Recreates the leader epoch checkpoint from the batches' partition leader epochs. */
    private void rebuildLeaderEpochs(long logStartOffset) throws IOException {
        for (LogSegment segment : segments.all()) {
            segment.forEachBatchHeader(logStartOffset, (buf, at) -> epochs.assign(BatchHeader.partitionLeaderEpoch(buf, at),
                BatchHeader.baseOffset(buf, at)));
        }
    }

    /** Latest snapshot at or below the log end, then the batch headers after it (also after a truncation). */
    static void rebuildProducerState(LogSegments segments, ProducerStateManager producerState,
                                     long logStartOffset, long end) throws IOException {
        long from = producerState.loadLatestSnapshot(end);
        long replayFrom = from < 0 ? logStartOffset : from;
        for (LogSegment segment : segments.from(segments.floor(Math.max(replayFrom, segments.firstBaseOffset())).baseOffset())) {
            segment.forEachBatchHeader(replayFrom, (buf, at) -> Log.maybeUpdateProducerState(producerState, buf, at));
        }
        producerState.removeBefore(logStartOffset);
    }
}
