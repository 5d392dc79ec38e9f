package io.gregor.storage.log;

/** A timestamp and an offset, as stored in the time index and answered by ListOffsets. */
public record TimestampOffset(long timestamp, long offset) {
    public static final TimestampOffset UNKNOWN = new TimestampOffset(-1L, -1L);
}
