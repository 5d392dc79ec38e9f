package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The idempotent Java producer when acknowledgements are lost: the broker appended the batches,
 * the answers never arrived, the connection broke, and the producer sends the same batches
 * again. A proxy between client and broker loses the answers on purpose, so the retries are
 * certain rather than a matter of timing.
 */
class IdempotentProducerIT {
    private static final int PROXY_PORT = FreePorts.pick();

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig(
        "advertised.listeners", "PLAINTEXT://127.0.0.1:" + PROXY_PORT);

    private static LossyProxy proxy;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = LossyProxy.start(PROXY_PORT, broker.listenerAddress());
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void shouldAcknowledgeRetriedBatchesWithoutAppendingThemTwiceWhenAcknowledgementsAreLost() throws Exception {
        // Given
        String topic = "lost-acks";
        broker.createTopic(topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<String, String> producer = broker.producer(Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
            ProducerConfig.LINGER_MS_CONFIG, 0,
            ProducerConfig.BATCH_SIZE_CONFIG, 1024,
            ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50));
        Map<String, RecordMetadata> acked = new ConcurrentHashMap<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        send(producer, topic, 0, 1_000, acked, failures);
        producer.flush();
        assertThat(logEndOffset(tp)).isEqualTo(1_000);

        // When: the broker appends more while its answers are lost, then the connection breaks
        proxy.swallowResponses();
        send(producer, topic, 1_000, 2_000, acked, failures);
        await().atMost(Duration.ofSeconds(15)).until(() -> proxy.swallowedBytes() > 0 && logEndOffset(tp) > 1_000);
        long appendedWithoutAnswer = logEndOffset(tp) - 1_000;
        proxy.disconnectAll();
        producer.flush();

        // Then
        assertThat(appendedWithoutAnswer).as("records appended whose acknowledgement was lost").isPositive();
        assertThat(Clients.producerMetric(producer, "record-retry-total")).as("records the producer sent again").isPositive();
        assertThat(failures).isEmpty();
        assertThat(acked).hasSize(2_000);
        assertThat(logEndOffset(tp)).as("log end offset: each record appended once").isEqualTo(2_000);
        List<ConsumerRecord<String, String>> consumed = Consume.readToEnd(broker.consumer(), topic, 1);
        assertThat(consumed).hasSize(2_000);
        for (int i = 0; i < consumed.size(); i++) {
            ConsumerRecord<String, String> r = consumed.get(i);
            assertThat(r.value()).as("record at offset %d", i).isEqualTo("value-" + i);
            assertThat(acked.get(r.value()).offset()).as("acknowledged offset of %s", r.value()).isEqualTo(r.offset());
        }
    }

    private static void send(KafkaProducer<String, String> producer, String topic, int from, int to,
                             Map<String, RecordMetadata> acked, List<Exception> failures) {
        for (int i = from; i < to; i++) {
            String value = "value-" + i;
            producer.send(new ProducerRecord<>(topic, "key", value), (metadata, error) -> {
                if (error == null) {
                    acked.put(value, metadata);
                } else {
                    failures.add(error);
                }
            });
        }
    }

    private static long logEndOffset(TopicPartition tp) {
        return broker.broker().logManager().log(tp).orElseThrow().logEndOffset();
    }
}
