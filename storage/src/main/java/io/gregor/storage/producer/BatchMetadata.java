package io.gregor.storage.producer;

/** Sequence and offset range of one idempotent batch, kept to detect retried duplicates. */
public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {
}
