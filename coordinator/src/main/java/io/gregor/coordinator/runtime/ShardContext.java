package io.gregor.coordinator.runtime;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

/**
 * What the runtime gives a shard it creates: its partition, the clock, its timer, and a view of
 * its writes still waiting to be committed. Used from the shard's thread only.
 */
public interface ShardContext {
    TopicPartition partition();

    Time time();

    CoordinatorTimer timer();

    /**
     * Writes scheduled under {@code key} whose records are not committed (and replayed) yet.
     * A shard uses it to hold back a decision that a write in flight could invalidate, for
     * example expiring a group's offsets while one of its commits is being replicated.
     */
    int writesInFlight(String key);

    /** Creates a shard for a partition. */
    @FunctionalInterface
    interface Factory<S extends CoordinatorShard> {
        S create(ShardContext context);
    }
}
