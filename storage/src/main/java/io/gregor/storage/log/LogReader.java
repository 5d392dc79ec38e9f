package io.gregor.storage.log;

import java.io.IOException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;

/**
 * Reads of one {@link Log} and its lookups by offset and by time: Fetch, ListOffsets, and the
 * byte positions the replication layer keeps for its offsets.
 *
 * <p>Thread-safety: lock-free. Each call takes the volatile offsets of {@link LogState} once and
 * then walks the segment map, so it works against a consistent bound even while appends go on: a
 * segment's size and index entries are published only after its bytes are written (see
 * {@link LogSegment}). A segment removed meanwhile (retention, truncation, a cleaner swap) stays
 * open for {@code file.delete.delay.ms}, so a read that picked it still completes.
 *
 * <p>Buffer ownership: a read returns a {@link FileRecordsSlice} of a segment file, which borrows
 * the segment's channel and must not close it; copying it into the heap
 * ({@link FetchDataInfo#toMemoryRecords()}) gives the caller a buffer of its own.
 */
final class LogReader {
    private final LogState state;

    LogReader(LogState state) {
        this.state = state;
    }

    /** See {@link ReadableLog#read}. */
    FetchDataInfo read(long startOffset, int maxBytes, FetchIsolation isolation, boolean minOneMessage) {
        LogOffsetMetadata end = isolation == FetchIsolation.LOG_END ? state.logEndOffsetMetadata() : state.highWatermarkMetadata();
        long logStart = state.logStartOffset();
        long logEnd = state.logEndOffset();
        if (startOffset < logStart || startOffset > logEnd) {
            throw new OffsetOutOfRangeException("Offset " + startOffset + " is out of range for " + state.topicPartition()
                + ": log start " + logStart + ", log end " + logEnd);
        }
        if (startOffset >= end.offset()) {
            return FetchDataInfo.empty(LogOffsetMetadata.offsetOnly(startOffset));
        }
        LogSegments segments = state.segments();
        try {
            for (LogSegment segment = segments.floor(startOffset); segment != null; segment = segments.next(segment)) {
                FetchDataInfo info = segment.read(startOffset, maxBytes, maxPositionFor(segment, end), minOneMessage);
                if (info != null) {
                    return info;
                }
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Error reading " + state.topicPartition(), e);
        }
        return FetchDataInfo.empty(LogOffsetMetadata.offsetOnly(startOffset));
    }

    /** File position in {@code segment} where reading must stop to stay below {@code bound}. */
    private long maxPositionFor(LogSegment segment, LogOffsetMetadata bound) throws IOException {
        if (bound.offset() <= segment.baseOffset()) {
            return 0;
        }
        LogSegment next = state.segments().next(segment);
        if (next != null && next.baseOffset() <= bound.offset()) {
            return segment.size();
        }
        if (bound.positionKnown() && bound.segmentBaseOffset() == segment.baseOffset()) {
            return bound.relativePosition();
        }
        LogSegment.BatchPosition batch = segment.translateOffset(bound.offset());
        return batch == null ? segment.size() : batch.position();
    }

    /** Position metadata of an offset (for computing how many bytes lie between two offsets). */
    LogOffsetMetadata offsetMetadata(long offset) {
        LogOffsetMetadata end = state.logEndOffsetMetadata();
        if (offset == end.offset()) {
            return end;
        }
        LogSegment segment = state.segments().floor(offset);
        if (segment == null) {
            return LogOffsetMetadata.offsetOnly(offset);
        }
        try {
            LogSegment.BatchPosition batch = segment.translateOffset(offset);
            return batch == null ? LogOffsetMetadata.offsetOnly(offset)
                : new LogOffsetMetadata(offset, segment.baseOffset(), batch.position());
        } catch (IOException e) {
            return LogOffsetMetadata.offsetOnly(offset);
        }
    }

    /** The first record with a timestamp {@code >= timestamp}, or {@link TimestampOffset#UNKNOWN}. */
    TimestampOffset offsetForTimestamp(long timestamp) {
        long start = state.logStartOffset();
        try {
            for (LogSegment segment : state.segments().all()) {
                if (segment.largestTimestamp() < timestamp || segment.maxTimestampSoFar() < 0) {
                    continue;
                }
                TimestampOffset found = segment.findOffsetByTimestamp(timestamp, start);
                if (found != null) {
                    return found;
                }
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Error searching " + state.topicPartition() + " by timestamp", e);
        }
        return TimestampOffset.UNKNOWN;
    }

    /** The record with the largest timestamp, or {@link TimestampOffset#UNKNOWN}. */
    TimestampOffset maxTimestampRecord() {
        LogSegment best = null;
        for (LogSegment segment : state.segments().all()) {
            if (segment.maxTimestampSoFar() >= 0 && (best == null || segment.maxTimestampSoFar() > best.maxTimestampSoFar())) {
                best = segment;
            }
        }
        if (best == null) {
            return TimestampOffset.UNKNOWN;
        }
        try {
            TimestampOffset found = best.maxTimestampRecord();
            return found == null || found.offset() < state.logStartOffset() ? TimestampOffset.UNKNOWN : found;
        } catch (IOException e) {
            throw new KafkaStorageException("Error reading " + state.topicPartition(), e);
        }
    }
}
