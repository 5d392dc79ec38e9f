package io.gregor.coordinator.group;

/**
 * A committed offset.
 *
 * @param leaderEpoch     the leader epoch of the record before the offset, or -1
 * @param metadata        client-supplied string (never null; empty when none)
 * @param expireTimestamp explicit expiry from old clients' retention time, or -1
 */
public record OffsetAndMetadata(long offset, int leaderEpoch, String metadata, long commitTimestamp, long expireTimestamp) {
}
