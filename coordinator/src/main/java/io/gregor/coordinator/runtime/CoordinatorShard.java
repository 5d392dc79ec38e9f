package io.gregor.coordinator.runtime;

import java.nio.ByteBuffer;

/**
 * The state a coordinator keeps for one partition of its internal topic, rebuilt from that
 * partition alone. The only way the durable part of the state changes is {@link #replay}: of the
 * partition's records when the shard is loaded, and of each write's records once the write is
 * committed. Ephemeral state (members waiting in a rebalance, timers) lives beside it and is lost
 * when the partition moves to another broker, exactly as with Kafka.
 *
 * <p>Every method runs on the shard's thread, one at a time: implementations need no locks.
 */
public interface CoordinatorShard {
    /**
     * Applies one record of the partition.
     *
     * @param offset        the record's offset in the partition
     * @param producerId    the producer id of the record's batch ({@code -1} for the coordinator's own writes)
     * @param producerEpoch the producer epoch of the batch
     * @param key           the record key (never null); valid only during the call
     * @param value         the record value, or {@code null} for a tombstone; valid only during the call
     */
    void replay(long offset, long producerId, short producerEpoch, ByteBuffer key, ByteBuffer value);

    /**
     * Applies a transaction marker of the partition: the records written earlier by
     * {@code producerId} in its open transaction are committed or aborted. Coordinators without
     * transactional writes ignore markers.
     */
    default void replayEndTransaction(long producerId, short producerEpoch, boolean committed) {
    }

    /** The partition has been replayed up to its end; requests are served from now on. */
    void onLoaded();

    /** The partition moved to another broker (or the broker stops): answer whatever waits, drop the state. */
    void onUnloaded();
}
