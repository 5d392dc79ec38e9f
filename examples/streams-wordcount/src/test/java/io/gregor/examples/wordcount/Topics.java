package io.gregor.examples.wordcount;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reading and writing the example's topics from a test, with plain Kafka clients. */
final class Topics {
    private Topics() {
    }

    static KafkaProducer<String, String> producer(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Sends each line with the key {@code line-<index>} (so they spread over the partitions) and waits for the acks. */
    static void sendLines(KafkaProducer<String, String> producer, List<String> lines, int firstIndex, Long timestamp) throws Exception {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            acks.add(producer.send(new ProducerRecord<>(WordCountTopology.TEXT_LINES, null, timestamp, "line-" + (firstIndex + i), lines.get(i))));
        }
        for (var ack : acks) {
            ack.get();
        }
    }

    /** Every record of {@code topic}, partition by partition, up to the end offsets at the time of the call. */
    static List<ConsumerRecord<String, String>> readAll(String bootstrapServers, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** The latest value of each key in {@code topic} (the table a changelog-style topic stands for). */
    static Map<String, String> latestValues(String bootstrapServers, String topic) {
        Map<String, String> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : readAll(bootstrapServers, topic)) {
            latest.put(record.key(), record.value());
        }
        return latest;
    }

    /** The latest counts in {@code topic} as numbers. */
    static Map<String, Long> latestCounts(String bootstrapServers, String topic) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        latestValues(bootstrapServers, topic).forEach((k, v) -> counts.put(k, Long.parseLong(v)));
        return counts;
    }
}
