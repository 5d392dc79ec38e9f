package io.gregor.metadata.store.memory;

import io.gregor.metadata.store.ControllerElection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The controller election of an {@link InMemoryMetadata}: candidates queue in the order they
 * started, the first leads, and when the leader leaves (closed, or its session expired) the next
 * is elected, as with Curator's leader latch. Each candidate hears about its leadership through
 * its own executor, and {@link ControllerElection#hasLeadership()} says what it has been told so
 * far: a test that holds a candidate's executor back models a controller that has not yet
 * noticed that it was deposed.
 *
 * <p>Thread-safe: the queue is guarded by this object's monitor; notifications run outside it.
 */
final class InMemoryElection {
    private final List<Candidate> candidates = new ArrayList<>();

    ControllerElection candidate(int brokerId, Executor notifications) {
        return new Candidate(brokerId, notifications);
    }

    /** Removes the candidacies of {@code brokerId}, as ZooKeeper does when its session ends. */
    void expire(int brokerId) {
        List<Runnable> notices = new ArrayList<>();
        synchronized (this) {
            Candidate leader = leader();
            if (candidates.removeIf(c -> c.brokerId == brokerId) && leader != null && leader.brokerId == brokerId) {
                notices.add(leader::tellDeposed);
                Candidate next = leader();
                if (next != null) {
                    notices.add(next::tellElected);
                }
            }
        }
        notices.forEach(Runnable::run);
    }

    private Candidate leader() {
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    private final class Candidate implements ControllerElection {
        private final int brokerId;
        private final Executor notifications;
        private volatile Listener listener;
        private volatile boolean leading;
        private volatile boolean closed;

        Candidate(int brokerId, Executor notifications) {
            this.brokerId = brokerId;
            this.notifications = notifications;
        }

        @Override
        public void start(Listener listener) {
            this.listener = listener;
            boolean first;
            synchronized (InMemoryElection.this) {
                candidates.add(this);
                first = leader() == this;
            }
            if (first) {
                tellElected();
            }
        }

        void tellElected() {
            notifications.execute(() -> {
                if (!closed) {
                    leading = true;
                    listener.elected();
                }
            });
        }

        void tellDeposed() {
            notifications.execute(() -> {
                if (!closed) {
                    leading = false;
                    listener.deposed();
                }
            });
        }

        @Override
        public boolean hasLeadership() {
            return leading;
        }

        /** Silent, as the latch's close: the next candidate is elected, this one is not told. */
        @Override
        public void close() {
            closed = true;
            Candidate next = null;
            synchronized (InMemoryElection.this) {
                boolean wasLeader = leader() == this;
                candidates.remove(this);
                if (wasLeader) {
                    next = leader();
                }
            }
            leading = false;
            if (next != null) {
                next.tellElected();
            }
        }
    }
}
