package io.gregor.benchmarks.startup;

import io.gregor.testkit.GregorTestCluster;

/** The Gregor side: the testkit's one-broker cluster with one topic, as {@code @GregorCluster(topics = "bench")} starts it. */
public final class GregorStartup {
    private GregorStartup() {
    }

    public static void main(String[] args) throws Exception {
        StartupTimer.run(() -> GregorTestCluster.builder().topics("bench").start(), args);
    }
}
