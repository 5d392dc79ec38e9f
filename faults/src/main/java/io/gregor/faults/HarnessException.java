package io.gregor.faults;

/**
 * The harness cannot do its job: a missing precondition (root, network namespaces, iptables), a
 * command that failed, a cluster that did not start. Its message is one line saying what is wrong.
 * Anomalies in Gregor's behaviour are never reported this way: they go to the checker's result.
 */
public final class HarnessException extends RuntimeException {
    public HarnessException(String message) {
        super(message);
    }

    public HarnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
