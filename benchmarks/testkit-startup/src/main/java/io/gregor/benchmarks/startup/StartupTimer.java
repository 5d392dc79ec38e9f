package io.gregor.benchmarks.startup;

import java.time.Duration;
import java.time.Instant;

/**
 * The measuring loop shared by both sides, run in a fresh JVM: starts and stops a cluster
 * {@code iterations} times and prints one line per measurement on stdout, prefixed with
 * {@value #PREFIX} so that the parent can find them among whatever the brokers log.
 *
 * <ul>
 * <li>{@code launch}: from the JVM's process start to the first cluster being ready;</li>
 * <li>{@code start}: one start-to-ready, measured around the call that returns the ready
 *     cluster (the first one of a JVM includes loading and initialising the classes);</li>
 * <li>{@code stop}: closing it.</li>
 * </ul>
 */
final class StartupTimer {
    static final String PREFIX = "STARTUP-BENCH ";

    /** What one side starts and stops. */
    interface Subject {
        AutoCloseable start() throws Exception;
    }

    private StartupTimer() {
    }

    static void run(Subject subject, String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        Instant launched = ProcessHandle.current().info().startInstant().orElse(null);
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            AutoCloseable cluster = subject.start();
            long started = System.nanoTime();
            if (i == 0 && launched != null) {
                System.out.println(PREFIX + "launch " + Duration.between(launched, Instant.now()).toMillis());
            }
            cluster.close();
            long stopped = System.nanoTime();
            System.out.println(PREFIX + "start " + (started - t0) / 1_000_000);
            System.out.println(PREFIX + "stop " + (stopped - started) / 1_000_000);
            System.out.flush();
        }
        // Lingering non-daemon threads must not hold the measurement up.
        System.exit(0);
    }
}
