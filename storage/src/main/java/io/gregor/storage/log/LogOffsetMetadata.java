package io.gregor.storage.log;

/**
 * An offset plus, when known, where it lies on disk: the base offset of its segment and the
 * byte position of its batch in that segment. Knowing the position of the high watermark lets
 * a read stop at it without a search.
 */
public record LogOffsetMetadata(long offset, long segmentBaseOffset, int relativePosition) {
    public static final long UNKNOWN_SEGMENT = -1L;

    public static LogOffsetMetadata offsetOnly(long offset) {
        return new LogOffsetMetadata(offset, UNKNOWN_SEGMENT, -1);
    }

    public boolean positionKnown() {
        return segmentBaseOffset != UNKNOWN_SEGMENT;
    }
}
