package io.gregor.testkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.testkit.GregorCluster;
import io.gregor.testkit.GregorTestCluster;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.test.context.ContextCustomizer;

/** The cluster lives exactly as long as the application context it was made for. */
class ContextLifecycleIT {
    private final GregorClusterContextCustomizerFactory factory = new GregorClusterContextCustomizerFactory();

    @Test
    void shouldStopTheClusterWhenTheContextCloses() {
        ContextCustomizer customizer = factory.createContextCustomizer(Annotated.class, List.of());
        GregorTestCluster cluster;
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            customizer.customizeContext(context, null);
            context.refresh();
            cluster = context.getBean(GregorTestCluster.class);
            assertThat(context.getEnvironment().getProperty("spring.kafka.bootstrap-servers")).isEqualTo(cluster.bootstrapServers());
        }

        assertThatThrownBy(cluster::admin).hasMessageContaining("closed");
    }

    @Test
    void shouldShareContextsBetweenTestClassesWithTheSameAnnotationValues() {
        assertThat(factory.createContextCustomizer(Annotated.class, List.of()))
            .isEqualTo(factory.createContextCustomizer(SameValues.class, List.of()))
            .isNotEqualTo(factory.createContextCustomizer(OtherValues.class, List.of()));
    }

    @Test
    void shouldIgnoreTestClassesWithoutTheAnnotation() {
        assertThat(factory.createContextCustomizer(ContextLifecycleIT.class, List.of())).isNull();
    }

    @GregorCluster(topics = "t")
    static class Annotated {
    }

    @GregorCluster(topics = "t")
    static class SameValues {
    }

    @GregorCluster(topics = "t", partitions = 2)
    static class OtherValues {
    }
}
