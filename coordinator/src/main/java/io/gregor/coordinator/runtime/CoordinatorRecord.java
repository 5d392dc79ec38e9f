package io.gregor.coordinator.runtime;

/**
 * One record of a coordinator's internal topic ({@code __consumer_offsets} for groups): a key and
 * a value in the topic's own binary format; a {@code null} value is a tombstone, which the log
 * cleaner eventually removes together with every older record of the key.
 *
 * <p>The arrays are owned by the record once it is built and never changed.
 */
public record CoordinatorRecord(byte[] key, byte[] value) {
    public static CoordinatorRecord tombstone(byte[] key) {
        return new CoordinatorRecord(key, null);
    }
}
