package io.gregor.storage.log;

import io.gregor.storage.config.LogConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one {@link Log} starts: retention by time and size ({@code retention.ms},
 * {@code retention.bytes}), DeleteRecords on a leader, and a follower following its leader's log
 * start offset.
 *
 * <p>Invariants: the log start offset only moves forward and never beyond the high watermark on a
 * leader; retention never deletes a segment holding offsets at or above the high watermark; a
 * segment is deleted whole, so the log start offset can lie inside the first segment; producer
 * state and leader epochs below the log start are dropped when it moves.
 *
 * <p>Thread-safety: every method runs under the log's lock; the new log start is published (a
 * volatile write) after the segments below it have left the segment map.
 */
final class LogRetention {
    private static final Logger log = LoggerFactory.getLogger(LogRetention.class);

    /** Starts a new active segment at the log end, so that the current one can be deleted. */
    @FunctionalInterface
    interface Roller {
        /** Called under the log's lock. */
        void rollAtLogEnd() throws IOException;
    }

    private final LogState state;
    private final Roller roller;
    private final LogTruncation truncation;

    LogRetention(LogState state, Roller roller, LogTruncation truncation) {
        this.state = state;
        this.roller = roller;
        this.truncation = truncation;
    }

    /**
     * Deletes the segments that retention (time, size) or the log start offset have made obsolete,
     * oldest first, stopping at the first one to keep.
     *
     * @return the number of segments deleted
     */
    int deleteOldSegments() {
        LogConfig c = state.config();
        long now = state.time().milliseconds();
        synchronized (state.lock) {
            if (state.closed()) {
                return 0;
            }
            List<LogSegment> deletable = deletableSegments(c, now);
            if (deletable.isEmpty()) {
                return 0;
            }
            LogSegments segments = state.segments();
            try {
                if (deletable.get(deletable.size() - 1) == segments.active()) {
                    roller.rollAtLogEnd();
                }
                segments.removeAndDeleteLater(deletable, c.fileDeleteDelayMs());
                moveLogStart(Math.max(state.logStartOffset(), segments.firstBaseOffset()));
                log.info("{}: deleted {} segment(s) by retention; log start offset is now {}", state.topicPartition(),
                    deletable.size(), state.logStartOffset());
            } catch (IOException e) {
                throw new KafkaStorageException("Error deleting segments of " + state.topicPartition(), e);
            }
            return deletable.size();
        }
    }

    /** The leading segments that are entirely below the log start, expired, or over the size limit. */
    private List<LogSegment> deletableSegments(LogConfig c, long now) {
        LogSegments segments = state.segments();
        List<LogSegment> deletable = new ArrayList<>();
        long sizeToFree = c.delete() && c.retentionBytes() >= 0 ? segments.sizeInBytes() - c.retentionBytes() : 0;
        long hw = state.highWatermark();
        for (LogSegment segment : segments.all()) {
            LogSegment next = segments.next(segment);
            long upperBound = next == null ? state.logEndOffset() : next.baseOffset();
            if (upperBound > hw) {
                break;
            }
            boolean belowStart = next != null && next.baseOffset() <= state.logStartOffset();
            boolean expired = c.delete() && c.retentionMs() >= 0 && now - segment.largestTimestamp() > c.retentionMs();
            boolean overSize = sizeToFree > 0 && sizeToFree - segment.size() >= 0;
            if (!(belowStart || expired || overSize)) {
                break;
            }
            // The active segment (rolled before it goes) is kept when empty or when over the size limit.
            if (next == null && (overSize || segment.size() == 0)) {
                break;
            }
            sizeToFree -= segment.size();
            deletable.add(segment);
        }
        return deletable;
    }

    /**
     * Moves the log start offset forward (DeleteRecords). Segments entirely below it are deleted
     * by the next retention pass.
     *
     * @return the new log start offset
     * @throws OffsetOutOfRangeException when {@code newStart} is beyond the high watermark
     */
    long maybeIncrementLogStartOffset(long newStart) {
        synchronized (state.lock) {
            if (newStart > state.highWatermark()) {
                throw new OffsetOutOfRangeException("Cannot move the log start offset of " + state.topicPartition() + " to "
                    + newStart + ", beyond the high watermark " + state.highWatermark());
            }
            moveLogStart(newStart);
            return state.logStartOffset();
        }
    }

    /**
     * A follower follows the leader's log start offset (retention or DeleteRecords on the leader).
     * Offsets beyond its own log end mean it lags behind data that no longer exists: it restarts
     * its log there.
     */
    void maybeIncrementLogStartOffsetAsFollower(long leaderLogStart) {
        synchronized (state.lock) {
            if (leaderLogStart <= state.logStartOffset()) {
                return;
            }
            if (leaderLogStart > state.logEndOffset()) {
                truncation.truncateFullyAndStartAt(leaderLogStart);
                return;
            }
            moveLogStart(leaderLogStart);
        }
    }

    /** Moves the log start forward to {@code newStart} (no-op if it is not ahead). Caller holds the lock. */
    private void moveLogStart(long newStart) {
        if (newStart > state.logStartOffset()) {
            state.logStartOffset(newStart);
            state.producerState().removeBefore(newStart);
            state.epochs().truncateFromStart(newStart);
        }
    }
}
