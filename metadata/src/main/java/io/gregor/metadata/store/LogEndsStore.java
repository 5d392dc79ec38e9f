package io.gregor.metadata.store;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * Per broker ({@code /gregor/log_ends/<id>}), the partitions whose records, when the broker last
 * looked, were on that broker alone: it was their only in-sync replica and their log end was
 * above 0. A broker reads its own entry at start, before it opens its logs for the replica
 * manager, so that it can tell a log dir that lost records nobody else holds (wiped, replaced,
 * or another dir named by mistake) from one that simply has nothing yet.
 *
 * <p>Partitions are keyed by topic id, not name: a topic deleted and created again under the
 * same name is another topic, and its predecessor's entry means nothing for it.
 */
public interface LogEndsStore {

    /**
     * What {@code brokerId} recorded last: partition numbers by topic id. Empty (no map at all)
     * when it never recorded anything, as for a broker that last ran a Gregor version without this
     * record; an empty map when it recorded that no partition had records on it alone.
     */
    Optional<Map<Uuid, Set<Integer>>> recorded(int brokerId) throws Exception;

    /** Replaces what {@code brokerId} recorded; an empty map records that there is nothing. */
    void record(int brokerId, Map<Uuid, Set<Integer>> partitions) throws Exception;
}
