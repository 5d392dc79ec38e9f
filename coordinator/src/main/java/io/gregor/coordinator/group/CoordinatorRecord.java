package io.gregor.coordinator.group;

/** A key and value to write to {@code __consumer_offsets}; a null value is a tombstone. */
public record CoordinatorRecord(byte[] key, byte[] value) {
}
