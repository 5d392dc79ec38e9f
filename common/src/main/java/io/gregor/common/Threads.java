package io.gregor.common;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread creation for the broker's own pools. Every broker thread is a daemon, so that a broker
 * that fails half-way through its start (or a test that forgets to close one) never keeps the
 * JVM alive, and every thread carries a {@code gregor-} name that says which pool it serves.
 */
public final class Threads {
    private Threads() {
    }

    /**
     * A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ...; a pool of one
     * thread may prefer {@link #daemon(String)} for a name without a number.
     */
    public static ThreadFactory daemonFactory(String prefix) {
        AtomicInteger ids = new AtomicInteger();
        return task -> daemon(prefix + "-" + ids.incrementAndGet(), task);
    }

    /** A factory whose every thread is named exactly {@code name} (for single-thread executors). */
    public static ThreadFactory singleDaemonFactory(String name) {
        return task -> daemon(name, task);
    }

    /** A daemon thread, not started. */
    public static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }
}
