package io.gregor.storage.log;

/** An offset and the byte position in its segment's log file where its batch starts. */
public record OffsetPosition(long offset, int position) {
}
