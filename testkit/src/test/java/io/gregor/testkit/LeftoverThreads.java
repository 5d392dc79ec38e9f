package io.gregor.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Finds threads that a piece of code started and left running. */
final class LeftoverThreads {
    /** JVM-wide threads that anything may start and that idle on their own, not leaks. */
    private static final List<String> JVM_SHARED = List.of("ForkJoinPool.commonPool-worker-", "Attach Listener", "process reaper",
        "Common-Cleaner", "surefire-forkedjvm-", "CompletableFutureDelayScheduler");

    private LeftoverThreads() {
    }

    static Set<Thread> live() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /**
     * Waits up to 10 s for every thread started since {@code before} to end (threads take a
     * moment to leave their run loops after a shutdown returned), then returns those still
     * alive as {@code name (daemon|non-daemon)}.
     */
    static List<String> leftSince(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> left;
        do {
            left = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.isAlive() && !before.contains(t) && JVM_SHARED.stream().noneMatch(t.getName()::startsWith)) {
                    left.add(t.getName() + (t.isDaemon() ? " (daemon)" : " (non-daemon)"));
                }
            }
            if (left.isEmpty()) {
                return left;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return left;
    }
}
