package io.gregor.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The short fixed-seed run of the fault suite in {@code mvn verify}: one round of the schedule, so
 * every fault kind once, with a 6 s ZooKeeper session timeout so that the round takes about three
 * minutes. It needs root and network namespaces, like CI's machine; without them it fails naming
 * what is missing (a {@link HarnessException} from {@link Preconditions}), it does not skip.
 */
class FaultSuiteIT {
    private static final long SEED = 20261203L;

    @Test
    void shouldLoseNothingAndKeepReplicasIdenticalUnderEveryFaultKind() throws Exception {
        // Given
        Path out = Path.of("target", "fault-suite-it").toAbsolutePath();
        Network.removeLeftovers();
        deleteRecursively(out);
        SuiteConfig config = new SuiteConfig(Duration.ZERO, 1, SEED, 3, out,
            Map.of("zookeeper.session.timeout.ms", "6000", "replica.lag.time.max.ms", "6000"), 128, 50, Arrays.asList(FaultKind.values()));

        // When
        SuiteResult result = new FaultSuite(config, FaultSuite.gregorHome()).run();

        // Then
        Set<FaultKind> injected = result.cycles().stream().map(c -> c.plan().kind()).collect(Collectors.toCollection(() -> EnumSet.noneOf(FaultKind.class)));
        assertThat(injected).as("fault kinds injected").containsExactlyInAnyOrder(FaultKind.values());
        assertThat(result.check().count("sends acknowledged")).as("acknowledged sends").isGreaterThan(2_000);
        assertThat(result.check().count("replicas compared")).as("replicas compared after healing").isEqualTo(27);
        assertThat(result.check().count("records read by group members")).as("records the group consumed").isPositive();
        assertThat(result.check().examples()).as("anomalies (report: %s)", result.report()).isEmpty();
        assertThat(result.check().clean()).isTrue();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
