package io.gregor.metadata.store;

/**
 * One broker's candidacy in the controller election ({@code /controller_election}): at most one
 * candidate leads at a time; when the leader's candidacy ends (closed, or its session gone) the
 * next one is elected. A leader may be told late that it lost: that is why the controller's
 * writes are fenced by {@link ControllerEpoch}, not by this.
 */
public interface ControllerElection extends AutoCloseable {

    /** Told about leadership changes of this candidate, on a thread of the election's choosing. */
    interface Listener {
        void elected();

        void deposed();
    }

    /** Enters the election. */
    void start(Listener listener) throws Exception;

    /** Whether this candidate leads, as far as it knows. */
    boolean hasLeadership();

    /** Leaves the election without telling the listener. */
    @Override
    void close();
}
