package io.gregor.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs an in-process Gregor cluster for a test class: started on free ports before the first
 * test (and before {@code @BeforeAll} methods), ready when they run, closed after the last one
 * with no threads or files left behind.
 *
 * <pre>{@code
 * @GregorCluster(partitions = 3, topics = {"orders", "payments"})
 * class OrderServiceTest {
 *     GregorTestCluster cluster; // injected; so are parameters of this type
 *
 *     @Test
 *     void shouldPublishOrder() {
 *         var producer = new KafkaProducer<>(Map.of("bootstrap.servers", cluster.bootstrapServers()), ...);
 *     }
 * }
 * }</pre>
 *
 * <p>Fields of type {@link GregorTestCluster} (static or not, but not final) are injected, and so
 * are constructor, lifecycle and test method parameters of that type. {@code @Nested} classes
 * share the cluster of their enclosing class unless they carry their own annotation.
 *
 * <p>In a Spring test ({@code @SpringBootTest}, {@code @SpringJUnitConfig}, ...) the cluster
 * belongs to the Spring application context instead: it is started when the context is built,
 * {@code spring.kafka.bootstrap-servers} (and {@code spring.embedded.kafka.brokers}, for tests
 * written for {@code @EmbeddedKafka}) point at it, it is a bean ({@code @Autowired
 * GregorTestCluster cluster}), and it stops when the context is closed. Test classes with the
 * same annotation values share a cached context and so one cluster.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(GregorClusterExtension.class)
public @interface GregorCluster {

    /**
     * Number of brokers. The {@link #topics()}, topics created on first use and the internal
     * topics get one replica per broker, at most 3, so a test can stop a broker
     * ({@link GregorTestCluster#stopBroker}) and watch its clients fail over.
     */
    int brokers() default 1;

    /**
     * Partitions of the {@link #topics()} and of topics created on first use
     * ({@code num.partitions}). Kafka's default is 1; note that {@code @EmbeddedKafka}'s is 2.
     */
    int partitions() default 1;

    /** Topics created before the first test runs. */
    String[] topics() default {};

    /**
     * Broker configs as {@code key=value}, applied over the testkit's defaults, e.g.
     * {@code "auto.create.topics.enable=false"}.
     */
    String[] brokerProperties() default {};
}
