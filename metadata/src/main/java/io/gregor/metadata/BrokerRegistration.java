package io.gregor.metadata;

import java.util.List;

/**
 * A live broker as registered in {@code /brokers/ids/<id>} (ephemeral: it disappears with the
 * broker's ZooKeeper session).
 */
public record BrokerRegistration(int id, List<Endpoint> endpoints, String rack, long timestampMs) {

    public Endpoint endpoint(String listenerName) {
        for (Endpoint e : endpoints) {
            if (e.listenerName().equals(listenerName)) {
                return e;
            }
        }
        return null;
    }
}
