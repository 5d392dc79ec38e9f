package io.gregor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * What the extension leaves behind: test classes run through JUnit's engine test kit, then the
 * cluster they were given is checked to be closed, its threads gone.
 */
class ExtensionLifecycleIT {
    static GregorTestCluster seen;

    @Test
    void shouldCloseTheClusterAndEndItsThreadsAfterTheClass() throws Exception {
        Set<Thread> before = LeftoverThreads.live();

        runAndExpectSuccess(AnnotatedFixture.class, 2);

        assertThat(seen).isNotNull();
        assertThatThrownBy(seen::admin).hasMessageContaining("closed");
        assertThat(LeftoverThreads.leftSince(before)).isEmpty();
    }

    @Test
    void shouldStartADefaultClusterForAPerClassInstanceWithoutAnnotation() throws Exception {
        runAndExpectSuccess(PerClassFixture.class, 1);

        assertThatThrownBy(seen::admin).hasMessageContaining("closed");
    }

    @Test
    void shouldCloseTheClusterWhenTheTestInstanceCannotBeCreated() {
        run(FailingConstructorFixture.class).containerEvents().assertStatistics(stats -> stats.failed(1));

        assertThat(seen).isNotNull();
        assertThatThrownBy(seen::admin).hasMessageContaining("closed");
    }

    private static void runAndExpectSuccess(Class<?> fixture, int tests) {
        run(fixture).testEvents().assertStatistics(stats -> stats.started(tests).succeeded(tests));
    }

    private static EngineExecutionResults run(Class<?> fixture) {
        seen = null;
        System.setProperty(FIXTURES, "true");
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
        } finally {
            System.clearProperty(FIXTURES);
        }
    }

    /** Set while this class runs a fixture: fixtures run only through it, whatever test filter selects them. */
    private static final String FIXTURES = "gregor.testkit.fixtures";

    @GregorCluster(topics = "events")
    @EnabledIfSystemProperty(named = FIXTURES, matches = "true")
    static class AnnotatedFixture {
        GregorTestCluster cluster;

        @Test
        void produces() throws Exception {
            seen = cluster;
            try (KafkaProducer<String, String> producer = Clients.strictProducer(cluster.bootstrapServers())) {
                producer.send(new ProducerRecord<>("events", "k", "v")).get();
            }
        }

        @Test
        void consumesInAGroup() {
            try (KafkaConsumer<String, String> consumer = Clients.groupConsumer(cluster.bootstrapServers(), "fixture")) {
                consumer.subscribe(List.of("events"));
                consumer.poll(java.time.Duration.ofMillis(500));
                consumer.commitSync();
            }
        }
    }

    @ExtendWith(GregorClusterExtension.class)
    @EnabledIfSystemProperty(named = FIXTURES, matches = "true")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassFixture {
        final GregorTestCluster cluster;

        PerClassFixture(GregorTestCluster cluster) {
            this.cluster = cluster;
        }

        @Test
        void hasOneBroker() {
            seen = cluster;
            assertThat(cluster.brokerIds()).containsExactly(0);
        }
    }

    @ExtendWith(GregorClusterExtension.class)
    @EnabledIfSystemProperty(named = FIXTURES, matches = "true")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class FailingConstructorFixture {
        FailingConstructorFixture(GregorTestCluster cluster) {
            seen = cluster;
            throw new IllegalStateException("the test instance cannot be created");
        }

        @Test
        void neverRuns() {
        }
    }
}
