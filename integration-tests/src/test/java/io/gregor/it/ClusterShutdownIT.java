package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stopping a whole cluster at once, as a user does with Ctrl-C in every terminal: each broker's
 * controlled shutdown waits for leadership to move to another broker, and must stop waiting
 * when no other broker is left to take it.
 */
class ClusterShutdownIT {
    @RegisterExtension
    final ProcessCluster cluster = ProcessCluster.withBrokers(3);

    @Test
    void shouldStopEveryBrokerPromptlyWhenAllAreStoppedAtOnce() throws Exception {
        // Given: every broker leads a partition
        cluster.createTopic("everywhere", 3, 3, Map.of("min.insync.replicas", "2"));

        // When
        long t0 = System.nanoTime();
        for (ClusterBroker b : cluster.brokers()) {
            b.terminate();
        }

        // Then: well before the 30 s that a controlled shutdown waits at most for a new leader
        for (ClusterBroker b : cluster.brokers()) {
            assertThat(b.awaitExit(Duration.ofSeconds(15))).as("exit code of broker %d", b.id()).isIn(0, 143);
            assertThat(b.output()).contains("shut down in").doesNotContain("still leads partitions");
        }
        System.out.printf("%nClusterShutdownIT: three brokers stopped together in %d ms%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
}
