package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A non-Java client: kcat, built on librdkafka, producing and consuming, alone and with the Java
 * client, also as a member of a consumer group shared with a Java consumer.
 */
class KcatIT {

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig("group.initial.rebalance.delay.ms", "0");

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

    /**
     * librdkafka decides from ApiVersions what it may do: without Produce v0-v2 advertised it turns
     * message format v1 and compression off and sends {@code -z} batches uncompressed without a
     * word, which the Java consumer above reads just as well. So this reads the stored batches'
     * compression attribute from the segment file.
     */
    @ParameterizedTest(name = "compression {0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void shouldStoreKcatsBatchesCompressedWithTheCodecItWasAskedFor(String codec) throws Exception {
        // Given
        String topic = "kcat-compressed-" + codec;
        broker.createTopic(topic, 1);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sent.add("key-" + i + ":a value that compresses well " + "x".repeat(40) + " " + i);
        }

        // When
        kcat.runOk(String.join("\n", sent) + "\n", "-P", "-b", broker.bootstrapServers(), "-t", topic, "-p", "0", "-K:",
            "-z", codec);

        // Then every stored batch carries the codec, and its records are what kcat sent
        List<String> stored = new ArrayList<>();
        List<CompressionType> codecs = new ArrayList<>();
        Path segment = broker.logDir().resolve(topic + "-0").resolve("00000000000000000000.log");
        try (FileRecords records = FileRecords.open(segment.toFile(), false)) {
            for (RecordBatch batch : records.batches()) {
                codecs.add(batch.compressionType());
                for (Record r : batch) {
                    stored.add(Utils.utf8(r.key()) + ":" + Utils.utf8(r.value()));
                }
            }
        }
        assertThat(codecs).as("compression of the stored batches").isNotEmpty().containsOnly(CompressionType.forName(codec));
        assertThat(stored).containsExactlyElementsOf(sent);
        // and a consumer reads them
        assertThat(Consume.readToEnd(broker.consumer(), topic, 1)).extracting(r -> r.key() + ":" + r.value())
            .containsExactlyElementsOf(sent);
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

    @Test
    void shouldShareAGroupsPartitionsBetweenKcatAndAJavaConsumer() throws Exception {
        // Given kcat's balanced consumer and a Java consumer in one group on a four-partition topic
        String topic = "kcat-group";
        String group = "mixed-group";
        broker.createTopic(topic, 4);
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
            new TopicPartition(topic, 2), new TopicPartition(topic, 3));
        try (Kcat.Running kcatMember = kcat.start("-b", broker.bootstrapServers(), "-G", group, "-q", "-u",
            "-X", "auto.offset.reset=earliest", "-X", "auto.commit.interval.ms=100", "-f", "%p|%o|%k|%s\\n", topic)) {
            KafkaConsumer<String, String> java = broker.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group));
            java.subscribe(List.of(topic));
            // librdkafka offers range and roundrobin, the Java client range and cooperative-sticky: they agree on range
            await().atMost(Duration.ofSeconds(30)).pollInSameThread()
                .failFast(() -> assertThat(kcatMember.isAlive()).as("kcat running; stderr: %s", kcatMember.stderr()).isTrue())
                .until(() -> {
                    java.poll(Duration.ofMillis(100));
                    return java.assignment().size() == 2;
                });

            // When records arrive
            List<String> sent = new ArrayList<>();
            KafkaProducer<String, String> producer = broker.producer(Map.of());
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>(topic, i % 4, "k" + i, "v" + i));
                sent.add("v" + i);
            }
            producer.flush();
            List<ConsumerRecord<String, String>> readByJava = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                java.poll(Duration.ofMillis(100)).forEach(readByJava::add);
                return readByJava.size() + kcatMember.lines().size() >= sent.size();
            });
            java.commitSync();
            assertThat(kcatMember.stop()).as("kcat exit code after SIGTERM").isZero();

            // Then each consumed its own partitions, and together they read everything exactly once
            List<Line> readByKcat = kcatMember.lines().stream().map(Line::parse).toList();
            Set<Integer> javaPartitions = readByJava.stream().map(ConsumerRecord::partition).collect(Collectors.toSet());
            Set<Integer> kcatPartitions = readByKcat.stream().map(Line::partition).collect(Collectors.toSet());
            assertThat(javaPartitions).hasSize(2).isEqualTo(GroupMemberLoop.partitionsOf(java.assignment()));
            assertThat(kcatPartitions).hasSize(2).doesNotContainAnyElementsOf(javaPartitions);
            List<String> everything = new ArrayList<>();
            readByJava.forEach(r -> everything.add(r.value()));
            readByKcat.forEach(l -> everything.add(l.value()));
            assertThat(everything).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
            // and both committed what they read
            Map<TopicPartition, OffsetAndMetadata> committed = broker.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
            for (TopicPartition tp : partitions) {
                assertThat(committed.get(tp)).as("committed offset of %s", tp).isNotNull()
                    .extracting(OffsetAndMetadata::offset).isEqualTo(50L);
            }
        }
    }

    /**
     * Two librdkafka members joining one group at the same moment: the first join waits for the
     * second, so the waiting JoinGroup is answered at librdkafka's version (v2-v5, not the v9 the
     * Java client uses), which once came out in a shape that version cannot carry and cost the
     * member its connection.
     */
    @Test
    void shouldBalanceAGroupOfTwoKcatMembersJoiningAtOnce() throws Exception {
        // Given a four-partition topic
        String topic = "kcat-two-members";
        String group = "kcat-pair";
        broker.createTopic(topic, 4);

        // When two kcat members start together and the group settles with both
        String[] member = {"-b", broker.bootstrapServers(), "-G", group, "-q", "-u", "-X", "auto.offset.reset=earliest",
            "-X", "auto.commit.interval.ms=100", "-f", "%p|%o|%k|%s\\n", topic};
        try (Kcat.Running first = kcat.start(member); Kcat.Running second = kcat.start(member)) {
            await().atMost(Duration.ofSeconds(60))
                .failFast(() -> assertThat(first.isAlive() && second.isAlive())
                    .as("both running; stderr: %s / %s", first.stderr(), second.stderr()).isTrue())
                .until(() -> {
                    var description = broker.admin().describeConsumerGroups(List.of(group)).all().get().get(group);
                    return description.groupState() == org.apache.kafka.common.GroupState.STABLE
                        && description.members().size() == 2
                        && description.members().stream().allMatch(m -> m.assignment().topicPartitions().size() == 2);
                });
            // and records arrive in every partition
            List<String> sent = new ArrayList<>();
            KafkaProducer<String, String> producer = broker.producer(Map.of());
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>(topic, i % 4, "k" + i, "v" + i));
                sent.add("v" + i);
            }
            producer.flush();
            await().atMost(Duration.ofSeconds(60))
                .failFast(() -> assertThat(first.isAlive() && second.isAlive())
                    .as("both running; stderr: %s / %s", first.stderr(), second.stderr()).isTrue())
                .until(() -> first.lines().size() + second.lines().size() >= sent.size());
            assertThat(first.stop()).isZero();
            assertThat(second.stop()).isZero();

            // Then they shared the partitions and read everything exactly once
            List<Line> a = first.lines().stream().map(Line::parse).toList();
            List<Line> b = second.lines().stream().map(Line::parse).toList();
            List<String> everything = new ArrayList<>();
            a.forEach(l -> everything.add(l.value()));
            b.forEach(l -> everything.add(l.value()));
            assertThat(everything).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
            Set<Integer> partitionsOfA = a.stream().map(Line::partition).collect(Collectors.toSet());
            Set<Integer> partitionsOfB = b.stream().map(Line::partition).collect(Collectors.toSet());
            assertThat(partitionsOfA).as("partitions of each member").hasSize(2).doesNotContainAnyElementsOf(partitionsOfB);
            assertThat(partitionsOfB).hasSize(2);
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
