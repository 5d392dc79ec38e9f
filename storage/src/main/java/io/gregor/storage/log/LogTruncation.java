package io.gregor.storage.log;

import io.gregor.storage.producer.ProducerStateManager;
import java.io.IOException;
import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * Cutting the end of one {@link Log} back: a follower removing what it has beyond the point where
 * it agrees with its leader, or starting over at the leader's log start.
 *
 * <p>After a truncation to {@code offset}: the log end is {@code offset}, the high watermark and
 * recovery point are at most {@code offset}, leader epochs starting at or after it are gone, and
 * producer state is rebuilt from the latest snapshot at or below it plus the batch headers after
 * that snapshot.
 *
 * <p>Thread-safety: runs under the log's lock. Segments wholly above {@code offset} take the
 * common removal path ({@link LogSegments#removeAndDeleteLater}); the segment holding
 * {@code offset} is cut in place, so a lock-free read racing a truncation may return bytes of
 * that segment that are about to go, as with Kafka.
 */
final class LogTruncation {
    private final LogState state;

    LogTruncation(LogState state) {
        this.state = state;
    }

    /** Removes all records at or after {@code offset}. */
    void truncateTo(long offset) {
        synchronized (state.lock) {
            // A closed log may be renamed for deletion: its epoch and producer files name the old directory.
            if (offset >= state.logEndOffset() || state.closed()) {
                return;
            }
            LogSegments segments = state.segments();
            try {
                if (offset < segments.firstBaseOffset()) {
                    truncateFullyAndStartAt(offset);
                    return;
                }
                segments.removeAndDeleteLater(segments.after(offset), state.config().fileDeleteDelayMs());
                LogSegment active = segments.active();
                active.truncateTo(offset);
                state.logEndOffsetMetadata(new LogOffsetMetadata(offset, active.baseOffset(), active.size()));
                if (state.highWatermark() > offset) {
                    state.highWatermarkMetadata(LogOffsetMetadata.offsetOnly(offset));
                }
                state.recoveryPoint(Math.min(state.recoveryPoint(), offset));
                state.epochs().truncateFromEnd(offset);
                ProducerStateManager producerState = state.producerState();
                producerState.deleteSnapshotsAbove(offset);
                LogLoader.rebuildProducerState(segments, producerState, state.logStartOffset(), offset);
            } catch (IOException e) {
                throw new KafkaStorageException("Error truncating " + state.topicPartition(), e);
            }
        }
    }

    /** Deletes all data and restarts the log, empty, at {@code newOffset}. */
    void truncateFullyAndStartAt(long newOffset) {
        synchronized (state.lock) {
            if (state.closed()) {
                return;
            }
            LogSegments segments = state.segments();
            try {
                // The old segments must be renamed away before a new one may take the name of a base offset they share.
                segments.removeAndDeleteLater(segments.all(), state.config().fileDeleteDelayMs());
                segments.add(LogSegment.open(state.dir(), newOffset, state.segmentConfig(), state.time(), true));
                state.logEndOffsetMetadata(new LogOffsetMetadata(newOffset, newOffset, 0));
                state.highWatermarkMetadata(LogOffsetMetadata.offsetOnly(newOffset));
                state.logStartOffset(newOffset);
                state.recoveryPoint(newOffset);
                ProducerStateManager producerState = state.producerState();
                producerState.clear();
                producerState.deleteSnapshotsAbove(-1);
                state.epochs().clear();
            } catch (IOException e) {
                throw new KafkaStorageException("Error truncating " + state.topicPartition(), e);
            }
        }
    }
}
