package io.gregor.metadata;

import java.util.concurrent.CompletableFuture;

/**
 * Tries to open a connection to a broker's inter-broker endpoint, to tell a dead process from a
 * slow one: the kernel of a host whose broker process died (SIGKILL, crash, OOM kill) refuses
 * connections to its port at once, while a paused or overloaded process still accepts them.
 */
public interface BrokerProbe {

    enum Result {
        /** Something accepted the connection. */
        LISTENING,
        /** Connection refused: no process listens on the broker's endpoint. */
        REFUSED,
        /** No answer in time, or another failure: says nothing either way. */
        UNKNOWN
    }

    /** Completes, on any thread, when the attempt is over; never completes exceptionally. */
    CompletableFuture<Result> probe(BrokerRegistration broker);
}
