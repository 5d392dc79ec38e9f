package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A non-Java client: kcat, built on librdkafka, producing and consuming, alone and with the Java client. */
class KcatIT {

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig();

    @TempDir
    static Path scratch;

    private static Kcat kcat;

    @BeforeAll
    static void locateKcat() {
        kcat = Kcat.locate(scratch);
    }

    /** A parsed line of {@code -f '%p|%o|%k|%s\n'}. */
    private record Line(int partition, long offset, String key, String value) {
        static Line parse(String line) {
            String[] parts = line.split("\\|", 4);
            return new Line(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), parts[2], parts[3]);
        }
    }

    @Test
    void shouldProduceAndConsumeKeyedMessagesWithKcat() throws Exception {
        // Given
        String topic = "kcat-keyed";
        broker.createTopic(topic, 3);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sent.add("user-" + (i % 7) + ":event-" + i);
        }

        // When
        kcat.runOk(String.join("\n", sent) + "\n", "-P", "-b", broker.bootstrapServers(), "-t", topic, "-K:");
        Kcat.Result plain = kcat.runOk("", "-C", "-b", broker.bootstrapServers(), "-t", topic, "-o", "beginning", "-e",
            "-f", "%k:%s\\n");
        Kcat.Result detailed = kcat.runOk("", "-C", "-b", broker.bootstrapServers(), "-t", topic, "-o", "beginning", "-e",
            "-f", "%p|%o|%k|%s\\n");

        // Then
        assertThat(plain.lines()).containsExactlyInAnyOrderElementsOf(sent);
        List<Line> lines = detailed.lines().stream().map(Line::parse).toList();
        Map<String, List<Line>> byKey = new LinkedHashMap<>();
        Map<Integer, List<Long>> offsetsByPartition = new HashMap<>();
        for (Line line : lines) {
            byKey.computeIfAbsent(line.key(), k -> new ArrayList<>()).add(line);
            offsetsByPartition.computeIfAbsent(line.partition(), p -> new ArrayList<>()).add(line.offset());
        }
        for (String key : byKey.keySet()) {
            List<String> expected = sent.stream().filter(s -> s.startsWith(key + ":")).map(s -> s.substring(key.length() + 1)).toList();
            assertThat(byKey.get(key)).extracting(Line::value).as("values of %s in order", key).containsExactlyElementsOf(expected);
            assertThat(byKey.get(key)).extracting(Line::partition).as("partitions of %s", key).containsOnly(byKey.get(key).get(0).partition());
        }
        offsetsByPartition.forEach((partition, offsets) ->
            assertThat(offsets).as("offsets of partition %d", partition).isEqualTo(range(offsets.size())));
    }

    @ParameterizedTest(name = "compression {0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void shouldReadWithJavaConsumerWhatKcatProduced(String codec) throws Exception {
        // Given
        String topic = "kcat-to-java-" + codec;
        broker.createTopic(topic, 1);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sent.add("k" + i + ":librdkafka value " + i + " " + "z".repeat(30));
        }

        // When
        kcat.runOk(String.join("\n", sent) + "\n", "-P", "-b", broker.bootstrapServers(), "-t", topic, "-p", "0", "-K:",
            "-z", codec, "-H", "source=kcat");
        List<ConsumerRecord<String, String>> consumed = Consume.readToEnd(broker.consumer(), topic, 1);

        // Then
        assertThat(consumed).extracting(r -> r.key() + ":" + r.value()).containsExactlyElementsOf(sent);
        assertThat(consumed).extracting(r -> new String(r.headers().lastHeader("source").value(), StandardCharsets.UTF_8))
            .containsOnly("kcat");
    }

    @Test
    void shouldReadWithKcatWhatJavaProducerWrote() throws Exception {
        // Given
        String topic = "java-to-kcat";
        broker.createTopic(topic, 2);
        KafkaProducer<String, String> producer = broker.producer(Map.of());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            int partition = i % 2;
            producer.send(new ProducerRecord<>(topic, partition, "java-" + i, "value-" + i, headers));
            expected.add(partition + "|java-" + i + "|value-" + i + "|n=" + i);
        }
        producer.flush();

        // When
        Kcat.Result result = kcat.runOk("", "-C", "-b", broker.bootstrapServers(), "-t", topic, "-o", "beginning", "-e",
            "-f", "%p|%k|%s|%h\\n");

        // Then
        assertThat(result.lines()).containsExactlyInAnyOrderElementsOf(expected);
        for (int partition = 0; partition < 2; partition++) {
            String prefix = partition + "|";
            assertThat(result.lines().stream().filter(l -> l.startsWith(prefix)).toList()).as("order within partition %d", partition)
                .containsExactlyElementsOf(expected.stream().filter(l -> l.startsWith(prefix)).toList());
        }
    }

    @Test
    void shouldListBrokerAndTopicMetadataWithKcat() throws Exception {
        // Given
        String topic = "kcat-metadata";
        broker.createTopic(topic, 4);

        // When
        Kcat.Result result = kcat.runOk("", "-L", "-b", broker.bootstrapServers(), "-t", topic);

        // Then
        assertThat(result.stdout())
            .contains("1 brokers:")
            .contains("broker " + broker.broker().brokerId() + " at " + broker.bootstrapServers())
            .contains("topic \"" + topic + "\" with 4 partitions:");
        for (int p = 0; p < 4; p++) {
            assertThat(result.stdout()).contains("partition " + p + ", leader " + broker.broker().brokerId());
        }
    }

    private static List<Long> range(int size) {
        List<Long> out = new ArrayList<>(size);
        for (long i = 0; i < size; i++) {
            out.add(i);
        }
        return out;
    }
}
