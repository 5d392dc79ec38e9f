package io.gregor.examples.springdemo;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.testkit.GregorCluster;
import io.gregor.testkit.GregorTestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

/**
 * The JSON wire format of {@link Post} on its own, without a Spring context: Spring's JSON
 * serializer and deserializer, configured as in {@link KafkaConfig}, through a Gregor cluster
 * that the test kit injects into a plain JUnit test (on JUnit 6, as everything in this module).
 */
@GregorCluster(topics = Topics.POSTS)
class PostJsonRoundTripTest {
    GregorTestCluster cluster;

    @Test
    void shouldReadBackThePostThatWasWrittenAsPlainJson() throws Exception {
        Post post = new Post("carol", "Round trip", "JSON without type headers");
        JacksonJsonSerializer<Post> serializer = new JacksonJsonSerializer<>();
        serializer.setAddTypeInfo(false);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
            new StringSerializer(), serializer)) {
            producer.send(new ProducerRecord<>(Topics.POSTS, "carol", post)).get();
        }

        List<ConsumerRecord<String, Post>> received = new ArrayList<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "round-trip", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new JacksonJsonDeserializer<>(Post.class, false))) {
            consumer.subscribe(List.of(Topics.POSTS));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(received::add);
            }
        }

        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.value()).isEqualTo(post);
            assertThat(r.headers().toArray()).isEmpty();
        });
    }
}
