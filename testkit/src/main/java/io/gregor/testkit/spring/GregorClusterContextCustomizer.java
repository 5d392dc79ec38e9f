package io.gregor.testkit.spring;

import io.gregor.testkit.ClusterSpec;
import io.gregor.testkit.GregorTestCluster;
import java.util.Map;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts a {@link GregorTestCluster} while the test's application context is prepared, before
 * any bean is created; registers it as the bean {@value #BEAN_NAME}, which the context stops
 * when it closes; and points the Kafka properties at it with the highest precedence:
 * <ul>
 * <li>{@value #BOOTSTRAP_SERVERS}, which Spring Boot's Kafka auto-configuration reads, and</li>
 * <li>{@value #EMBEDDED_KAFKA_BROKERS}, the property that {@code @EmbeddedKafka} sets, so that
 *     tests and {@code application.properties} written for it keep working unchanged.</li>
 * </ul>
 *
 * <p>Equal when the specs are equal, so Spring's context cache shares one context, and so one
 * cluster, between test classes with the same {@code @GregorCluster} values.
 */
final class GregorClusterContextCustomizer implements ContextCustomizer {
    static final String BEAN_NAME = "gregorTestCluster";
    static final String BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers";
    static final String EMBEDDED_KAFKA_BROKERS = "spring.embedded.kafka.brokers";

    private final ClusterSpec spec;

    GregorClusterContextCustomizer(ClusterSpec spec) {
        this.spec = spec;
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        GregorTestCluster cluster = GregorTestCluster.start(spec);
        try {
            ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
            beanFactory.registerSingleton(BEAN_NAME, cluster);
            ((DefaultSingletonBeanRegistry) beanFactory).registerDisposableBean(BEAN_NAME, cluster::close);
            String servers = cluster.bootstrapServers();
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("gregorTestCluster",
                Map.of(BOOTSTRAP_SERVERS, servers, EMBEDDED_KAFKA_BROKERS, servers)));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GregorClusterContextCustomizer other && other.spec.equals(spec);
    }

    @Override
    public int hashCode() {
        return spec.hashCode();
    }
}
