package io.gregor.metadata;

import java.util.List;

/**
 * A live broker as registered in {@code /brokers/ids/<id>} (ephemeral: it disappears with the
 * broker's ZooKeeper session).
 *
 * @param epoch the broker epoch: the ZooKeeper transaction id that created this registration
 *              (its czxid, as Kafka's ZooKeeper-era brokers use it), so every incarnation of a
 *              broker has a larger one than the last; {@link #NO_EPOCH} in a registration not
 *              read back from the store yet
 */
public record BrokerRegistration(int id, List<Endpoint> endpoints, String rack, long timestampMs, long epoch) {

    public static final long NO_EPOCH = -1;

    /** A registration to write: the store gives it its epoch. */
    public BrokerRegistration(int id, List<Endpoint> endpoints, String rack, long timestampMs) {
        this(id, endpoints, rack, timestampMs, NO_EPOCH);
    }

    public BrokerRegistration withEpoch(long newEpoch) {
        return new BrokerRegistration(id, endpoints, rack, timestampMs, newEpoch);
    }

    public Endpoint endpoint(String listenerName) {
        for (Endpoint e : endpoints) {
            if (e.listenerName().equals(listenerName)) {
                return e;
            }
        }
        return null;
    }
}
