package io.gregor.metadata.store;

import io.gregor.metadata.BrokerRegistration;

/**
 * Live brokers ({@code /brokers/ids/<id>}): a registration lasts as long as the broker's
 * session, so a broker that dies leaves the registry without saying so.
 */
public interface BrokerRegistry {

    /**
     * Registers a broker. A registration of the same id with the same endpoints is this broker's
     * own earlier incarnation (a crashed process whose session has not expired yet) and is
     * replaced.
     *
     * @throws IllegalStateException when another live broker with other endpoints holds the id
     */
    void register(BrokerRegistration registration) throws Exception;

    /** Removes the registration (controlled shutdown); a missing one is not an error. */
    void deregister(int brokerId);
}
