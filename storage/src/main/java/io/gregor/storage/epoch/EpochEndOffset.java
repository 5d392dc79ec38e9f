package io.gregor.storage.epoch;

/** The answer to OffsetsForLeaderEpoch: an epoch and the offset where it ended. */
public record EpochEndOffset(int epoch, long endOffset) {
}
