package io.gregor.examples.springdemo;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

/**
 * Producers and listener containers, spelled out so that the commit settings of the seed's
 * notes are visible in one place:
 * <ul>
 * <li>{@code manualAckBatchFactory}: {@code enable.auto.commit=false}, batch listener, offsets
 *     committed when the listener acknowledges a batch ({@link AckMode#MANUAL}), and a
 *     rebalance hook that commits what was processed before partitions are taken away;</li>
 * <li>{@code autoCommitFactory}: {@code enable.auto.commit=true}, the consumer commits what
 *     poll returned every {@code auto.commit.interval.ms}.</li>
 * </ul>
 * Everything else comes from {@code spring.kafka.bootstrap-servers} (application.properties,
 * or the test cluster in the tests).
 */
@Configuration
public class KafkaConfig {
    private final String bootstrapServers;

    public KafkaConfig(@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Bean
    public ProducerFactory<String, String> profileProducerFactory() {
        return new DefaultKafkaProducerFactory<>(producerConfig(), new StringSerializer(), new StringSerializer());
    }

    @Bean
    public ProducerFactory<String, Post> postProducerFactory() {
        JacksonJsonSerializer<Post> json = new JacksonJsonSerializer<>();
        json.setAddTypeInfo(false); // plain JSON, readable by any consumer; the listener knows the type
        return new DefaultKafkaProducerFactory<>(producerConfig(), new StringSerializer(), json);
    }

    @Bean
    public KafkaTemplate<String, String> profileTemplate(ProducerFactory<String, String> profileProducerFactory) {
        return new KafkaTemplate<>(profileProducerFactory);
    }

    @Bean
    public KafkaTemplate<String, Post> postTemplate(ProducerFactory<String, Post> postProducerFactory) {
        return new KafkaTemplate<>(postProducerFactory);
    }

    @Bean
    public ConcurrentKafkaListenerContainerFactory<String, String> manualAckBatchFactory(CommitBeforeRevoke commitBeforeRevoke) {
        Map<String, Object> config = consumerConfig();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        ConcurrentKafkaListenerContainerFactory<String, String> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new StringDeserializer()));
        factory.setBatchListener(true);
        factory.getContainerProperties().setAckMode(AckMode.MANUAL);
        factory.getContainerProperties().setConsumerRebalanceListener(commitBeforeRevoke);
        return factory;
    }

    @Bean
    public ConcurrentKafkaListenerContainerFactory<String, Post> autoCommitFactory() {
        Map<String, Object> config = consumerConfig();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
        config.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, 1000);
        ConcurrentKafkaListenerContainerFactory<String, Post> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(),
            new JacksonJsonDeserializer<>(Post.class, false)));
        return factory;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return config;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // A group without committed offsets starts at the beginning, so that nothing published
        // before the listener joined is missed.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }
}
