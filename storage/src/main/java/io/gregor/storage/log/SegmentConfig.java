package io.gregor.storage.log;

/**
 * Settings a segment needs at creation: {@code index.interval.bytes},
 * {@code segment.index.bytes} and the roll jitter drawn from {@code segment.jitter.ms}.
 */
public record SegmentConfig(int indexIntervalBytes, int maxIndexSize, long rollJitterMs) {
}
