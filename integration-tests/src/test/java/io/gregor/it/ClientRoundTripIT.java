package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The unmodified Apache Kafka Java producer, consumer (assign mode) and AdminClient against an
 * in-process broker. Every test uses its own topics, so the tests share one broker.
 */
class ClientRoundTripIT {

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig();

    /** What a consumer sees of a record, for comparing with what was sent. */
    private record Seen(int partition, long offset, String key, String value, long timestamp, Map<String, String> headers) {
        static Seen of(ConsumerRecord<String, String> r) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
            return new Seen(r.partition(), r.offset(), r.key(), r.value(), r.timestamp(), headers);
        }
    }

    @Test
    void shouldKeepKeyedRecordsInOnePartitionAndReturnThemInOrderWithKeyValueHeadersTimestampAndOffset() throws Exception {
        // Given
        String topic = "keyed";
        broker.createTopic(topic, 6);
        KafkaProducer<String, String> producer = broker.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 10));
        List<String> keys = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel");
        long baseTimestamp = System.currentTimeMillis() - 3_600_000;

        // When
        List<ProducerRecord<String, String>> sent = new ArrayList<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String key = keys.get(i % keys.size());
            RecordHeaders headers = new RecordHeaders();
            headers.add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            headers.add("origin", ("test-" + key).getBytes(StandardCharsets.UTF_8));
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, null, baseTimestamp + i * 7L, key, "value-" + i, headers);
            sent.add(record);
            acks.add(producer.send(record));
        }
        producer.flush();

        // Then
        Map<String, List<Seen>> expectedByKey = new LinkedHashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            ProducerRecord<String, String> record = sent.get(i);
            RecordMetadata metadata = acks.get(i).get();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("seq", Integer.toString(i));
            headers.put("origin", "test-" + record.key());
            expectedByKey.computeIfAbsent(record.key(), k -> new ArrayList<>())
                .add(new Seen(metadata.partition(), metadata.offset(), record.key(), record.value(), record.timestamp(), headers));
        }
        expectedByKey.forEach((key, records) -> assertThat(records).extracting(Seen::partition)
            .as("partitions of key %s", key).containsOnly(records.get(0).partition()));

        List<ConsumerRecord<String, String>> consumed = Consume.readToEnd(broker.consumer(), topic, 6);
        assertThat(consumed).hasSize(400);
        assertThat(consumed).extracting(ConsumerRecord::timestampType).containsOnly(TimestampType.CREATE_TIME);
        Map<String, List<Seen>> consumedByKey = consumed.stream().map(Seen::of)
            .collect(Collectors.groupingBy(Seen::key, LinkedHashMap::new, Collectors.toList()));
        for (String key : keys) {
            assertThat(consumedByKey.get(key)).as("records of key %s", key).containsExactlyElementsOf(expectedByKey.get(key));
        }
    }

    @Test
    void shouldSpreadRecordsWithoutKeyOverSeveralPartitions() throws Exception {
        // Given
        String topic = "unkeyed";
        broker.createTopic(topic, 6);
        // Small batches make the built-in partitioner move on to another partition often.
        KafkaProducer<String, String> producer = broker.producer(Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 1024,
            ProducerConfig.LINGER_MS_CONFIG, 0));

        // When
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        Set<String> values = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String value = "unkeyed-" + i + "-" + "x".repeat(100);
            values.add(value);
            acks.add(producer.send(new ProducerRecord<>(topic, null, value)));
        }
        producer.flush();

        // Then
        Set<Integer> partitions = new TreeSet<>();
        for (Future<RecordMetadata> ack : acks) {
            partitions.add(ack.get().partition());
        }
        assertThat(partitions).hasSizeGreaterThanOrEqualTo(3);
        List<ConsumerRecord<String, String>> consumed = Consume.readToEnd(broker.consumer(), topic, 6);
        assertThat(consumed).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(values);
        assertThat(consumed).extracting(ConsumerRecord::partition).containsOnlyElementsOf(partitions);
        assertThat(consumed).extracting(ConsumerRecord::key).containsOnlyNulls();
    }

    @ParameterizedTest(name = "acks={0}")
    @ValueSource(strings = {"0", "1", "all"})
    void shouldStoreEveryRecordWithEachAcksSetting(String acks) throws Exception {
        // Given
        String topic = "acks-" + acks;
        broker.createTopic(topic, 2);
        KafkaProducer<String, String> producer = broker.producer(Map.of(ProducerConfig.ACKS_CONFIG, acks,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all")));

        // When
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(producer.send(new ProducerRecord<>(topic, "key-" + (i % 10), "value-" + i)));
        }
        producer.flush();

        // Then
        List<RecordMetadata> metadata = new ArrayList<>();
        for (Future<RecordMetadata> f : futures) {
            metadata.add(f.get());
        }
        if (acks.equals("0")) {
            // Without an answer the producer cannot know the offsets.
            assertThat(metadata).extracting(RecordMetadata::offset).containsOnly(-1L);
        } else {
            assertThat(metadata.stream().map(m -> m.partition() + "@" + m.offset()).collect(Collectors.toSet())).hasSize(200);
        }
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        KafkaConsumer<String, String> consumer = broker.consumer();
        // acks=0 returns before the broker has appended, so wait for the log ends to add up.
        await().atMost(Duration.ofSeconds(15)).until(() -> consumer.endOffsets(partitions).values().stream()
            .mapToLong(Long::longValue).sum() == 200);
        List<ConsumerRecord<String, String>> consumed = Consume.readToEnd(consumer, partitions, Duration.ofSeconds(30));
        assertThat(consumed).hasSize(200);
        Map<String, List<Integer>> sequenceByKey = new HashMap<>();
        for (ConsumerRecord<String, String> r : consumed) {
            sequenceByKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Integer.parseInt(r.value().substring("value-".length())));
        }
        assertThat(sequenceByKey).hasSize(10);
        sequenceByKey.forEach((key, sequence) -> assertThat(sequence).as("order of %s", key).isSorted().hasSize(20));
    }

    @Test
    void shouldNotDuplicateRecordsOfIdempotentProducerStreamingAcrossBrokerRestart() throws Exception {
        // Given
        String topic = "idempotent";
        broker.createTopic(topic, 3);
        KafkaProducer<String, String> producer = broker.producer(Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
            ProducerConfig.BATCH_SIZE_CONFIG, 2048,
            ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50,
            ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
        int total = 30_000;
        Map<String, RecordMetadata> acked = new ConcurrentHashMap<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        // At most this many records unacknowledged, so that the stream goes on across the restart.
        Semaphore window = new Semaphore(2_000);
        Thread sender = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                        return;
                    }
                    String value = "idem-" + i;
                    producer.send(new ProducerRecord<>(topic, "key-" + (i % 30), value), (metadata, error) -> {
                        window.release();
                        if (error == null) {
                            acked.put(value, metadata);
                        } else {
                            failures.add(error);
                        }
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "idempotent-sender");

        // When: the broker restarts while the producer is streaming
        sender.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> acked.size() >= 5_000);
            broker.restart();
            sender.join(Duration.ofSeconds(45).toMillis());
        } finally {
            sender.interrupt();
        }
        assertThat(sender.isAlive()).as("sender still running").isFalse();
        producer.flush();

        // Then
        assertThat(failures).isEmpty();
        assertThat(acked).hasSize(total);
        List<ConsumerRecord<String, String>> consumed = Consume.readToEnd(broker.consumer(), topic, 3);
        assertThat(consumed).hasSize(total);
        assertThat(consumed).extracting(ConsumerRecord::value).doesNotHaveDuplicates();
        for (ConsumerRecord<String, String> r : consumed) {
            RecordMetadata metadata = acked.get(r.value());
            assertThat(r.partition() + "@" + r.offset()).as("position of %s", r.value())
                .isEqualTo(metadata.partition() + "@" + metadata.offset());
        }
    }

    @Test
    void shouldRoundTripOneMegabyteRecordsWhenTopicAndProducerLimitsAreRaised() throws Exception {
        // Given
        String topic = "large-records";
        int threeMiB = 3 * 1024 * 1024;
        broker.createTopic(topic, 1, Map.of("max.message.bytes", Integer.toString(threeMiB)));
        KafkaProducer<String, String> producer = broker.producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, threeMiB,
            ProducerConfig.ACKS_CONFIG, "all"));
        Random random = new Random(42);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            values.add(randomAlphanumeric(random, 1024 * 1024));
        }

        // When
        for (String value : values) {
            producer.send(new ProducerRecord<>(topic, "big", value)).get();
        }

        // Then
        List<ConsumerRecord<String, String>> consumed = Consume.readToEnd(
            broker.consumer(Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, threeMiB)), topic, 1);
        assertThat(consumed).extracting(ConsumerRecord::serializedValueSize).containsOnly(1024 * 1024);
        assertThat(consumed).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
        // Compare whole values without printing megabytes on failure.
        for (int i = 0; i < values.size(); i++) {
            assertThat(consumed.get(i).value().equals(values.get(i))).as("value %d intact", i).isTrue();
        }
    }

    @Test
    void shouldRoundTripLargeBatchesOfSmallRecords() throws Exception {
        // Given
        String topic = "large-batches";
        broker.createTopic(topic, 1);
        KafkaProducer<String, String> producer = broker.producer(Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024,
            ProducerConfig.LINGER_MS_CONFIG, 500, ProducerConfig.ACKS_CONFIG, "all"));
        int count = 40_000;

        // When
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, "k" + (i % 100), String.format("batched-%08d-%s", i, "y".repeat(40))));
        }
        producer.flush();

        // Then
        assertThat(Clients.producerMetric(producer, "batch-size-max")).as("largest batch sent, bytes").isGreaterThan(512 * 1024);
        List<ConsumerRecord<String, String>> consumed = Consume.readToEnd(broker.consumer(), topic, 1);
        assertThat(consumed).hasSize(count);
        for (int i = 0; i < count; i++) {
            ConsumerRecord<String, String> r = consumed.get(i);
            assertThat(r.offset()).isEqualTo(i);
            assertThat(r.value()).startsWith(String.format("batched-%08d-", i));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void shouldRoundTripCompressedBatchesAndStoreThemCompressed(String codec) throws Exception {
        // Given
        String topic = "compressed-" + codec;
        broker.createTopic(topic, 1);
        KafkaProducer<String, String> producer = broker.producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec,
            ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024));
        int count = 3000;
        long rawBytes = 0;

        // When
        for (int i = 0; i < count; i++) {
            String value = "compressible value " + i + " " + "abc".repeat(50);
            rawBytes += value.length();
            RecordHeaders headers = new RecordHeaders();
            headers.add("codec", codec.getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(topic, null, "key-" + i, value, headers));
        }
        producer.flush();

        // Then
        List<ConsumerRecord<String, String>> consumed = Consume.readToEnd(broker.consumer(), topic, 1);
        assertThat(consumed).hasSize(count);
        for (int i = 0; i < count; i++) {
            ConsumerRecord<String, String> r = consumed.get(i);
            assertThat(r.key()).isEqualTo("key-" + i);
            assertThat(r.value()).isEqualTo("compressible value " + i + " " + "abc".repeat(50));
            assertThat(new String(r.headers().lastHeader("codec").value(), StandardCharsets.UTF_8)).isEqualTo(codec);
        }
        long stored = broker.broker().logManager().log(new TopicPartition(topic, 0)).orElseThrow().size();
        assertThat(stored).as("bytes stored for %d raw value bytes", rawBytes).isLessThan(rawBytes / 4);
    }

    @Test
    void shouldListEarliestLatestAndTimestampOffsets() throws Exception {
        // Given ten records one second apart, then one with an older timestamp
        String topic = "timestamps";
        broker.createTopic(topic, 1);
        KafkaProducer<String, String> producer = broker.producer(Map.of());
        long base = System.currentTimeMillis() - 3_600_000;
        for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>(topic, 0, base + i * 1000L, "k", "v" + i)).get();
        }
        producer.send(new ProducerRecord<>(topic, 0, base + 500, "k", "late")).get();
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaConsumer<String, String> consumer = broker.consumer();

        // When / Then
        assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
        assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 11L);
        assertThat(offsetForTime(consumer, tp, base + 3500)).isEqualTo("4@" + (base + 4000));
        assertThat(offsetForTime(consumer, tp, base)).isEqualTo("0@" + base);
        assertThat(offsetForTime(consumer, tp, base + 300)).as("first offset at or after the time").isEqualTo("1@" + (base + 1000));
        assertThat(offsetForTime(consumer, tp, base + 100_000)).as("after the last record").isNull();

        Admin admin = broker.admin();
        ListOffsetsResultInfo earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get();
        ListOffsetsResultInfo latest = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get();
        ListOffsetsResultInfo max = admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp())).partitionResult(tp).get();
        assertThat(earliest.offset()).isZero();
        assertThat(latest.offset()).isEqualTo(11);
        assertThat(max.offset()).isEqualTo(9);
        assertThat(max.timestamp()).isEqualTo(base + 9000);
    }

    @Test
    void shouldCreateDescribeListGrowAndDeleteTopicsWithAdminClient() throws Exception {
        Admin admin = broker.admin();

        // validateOnly checks without creating
        admin.createTopics(List.of(new NewTopic("admin-validated", 3, (short) 1)), new CreateTopicsOptions().validateOnly(true))
            .all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("admin-validated");

        // create with configs
        String topic = "admin-topic";
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)
            .configs(Map.of("retention.ms", "123456", "max.message.bytes", "200000"))));
        created.all().get();
        Uuid topicId = created.topicId(topic).get();
        assertThat(topicId).isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(created.numPartitions(topic).get()).isEqualTo(2);
        assertThat(created.replicationFactor(topic).get()).isEqualTo(1);
        assertThat(admin.listTopics().names().get()).contains(topic);

        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        Node self = new Node(broker.broker().brokerId(), "127.0.0.1", port());
        assertThat(description.topicId()).isEqualTo(topicId);
        assertThat(description.isInternal()).isFalse();
        assertThat(description.partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1);
        for (TopicPartitionInfo p : description.partitions()) {
            assertThat(p.leader()).isEqualTo(self);
            assertThat(p.replicas()).containsExactly(self);
            assertThat(p.isr()).containsExactly(self);
        }

        ConfigResource topicResource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config topicConfig = admin.describeConfigs(List.of(topicResource)).all().get().get(topicResource);
        assertThat(topicConfig.get("retention.ms").value()).isEqualTo("123456");
        assertThat(topicConfig.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(topicConfig.get("max.message.bytes").value()).isEqualTo("200000");
        assertThat(topicConfig.get("segment.bytes").value()).isEqualTo("1073741824");
        assertThat(topicConfig.get("segment.bytes").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker.broker().brokerId()));
        Config brokerConfig = admin.describeConfigs(List.of(brokerResource)).all().get().get(brokerResource);
        assertThat(brokerConfig.get("listeners").value()).isEqualTo("PLAINTEXT://127.0.0.1:" + port());
        assertThat(brokerConfig.get("listeners").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(brokerConfig.get("num.partitions").value()).isEqualTo("1");
        assertThat(brokerConfig.get("num.partitions").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        // grow
        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(5))).all().get();
        assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(5);
        RecordMetadata inNewPartition = broker.producer(Map.of()).send(new ProducerRecord<>(topic, 4, "k", "v")).get();
        assertThat(inNewPartition.partition()).isEqualTo(4);
        assertThat(inNewPartition.offset()).isZero();

        // delete: the next request already sees the topic gone
        admin.deleteTopics(List.of(topic)).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain(topic);
    }

    @Test
    void shouldCreateADeletedTopicAgainRightAwayWithNoneOfItsOldRecords() throws Exception {
        // Given a topic with records that a consumer has read
        String topic = "deleted-and-recreated";
        Admin admin = broker.admin();
        broker.createTopic(topic, 1);
        KafkaProducer<String, String> producer = broker.producer(Map.of());
        for (int i = 0; i < 20; i++) {
            producer.send(new ProducerRecord<>(topic, 0, "k", "old-" + i)).get();
        }
        assertThat(Consume.readToEnd(broker.consumer(), topic, 1)).hasSize(20);

        // When it is deleted and created again at once (the deletion completes in the background, so retry while it exists)
        admin.deleteTopics(List.of(topic)).all().get();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(ExecutionException.class)
            .until(() -> {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
                return true;
            });
        RecordMetadata first = producer.send(new ProducerRecord<>(topic, 0, "k", "new")).get();

        // Then the new topic starts at offset 0 with only the new record, while the old files wait for file.delete.delay.ms
        assertThat(first.offset()).isZero();
        assertThat(Consume.readToEnd(broker.consumer(), topic, 1)).extracting(ConsumerRecord::value).containsExactly("new");
        try (var children = java.nio.file.Files.list(broker.logDir())) {
            assertThat(children.map(p -> p.getFileName().toString()))
                .anyMatch(name -> name.matches(topic + "-0\\.[0-9a-f]{32}-delete"))
                .contains(topic + "-0");
        }
    }

    @Test
    void shouldDescribeClusterOfOneBrokerThatIsAlsoController() throws Exception {
        DescribeClusterResult cluster = broker.admin().describeCluster();

        Node self = new Node(broker.broker().brokerId(), "127.0.0.1", port());
        assertThat(cluster.nodes().get()).containsExactly(self);
        assertThat(cluster.controller().get()).isEqualTo(self);
        assertThat(cluster.clusterId().get()).isEqualTo(broker.broker().clusterId()).isNotBlank();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"bad/name", "..", "with space", "ünïcode"})
    void shouldRejectInvalidTopicNames(String name) {
        assertThatThrownBy(() -> broker.admin().createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get())
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidTopicException.class);
    }

    @Test
    void shouldRejectTopicNameLongerThan249Characters() {
        String name = "t".repeat(250);
        assertThatThrownBy(() -> broker.admin().createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get())
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidTopicException.class);
    }

    @Test
    void shouldRejectTopicWithZeroPartitions() {
        assertThatThrownBy(() -> broker.admin().createTopics(List.of(new NewTopic("zero-partitions", 0, (short) 1))).all().get())
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidPartitionsException.class);
    }

    @Test
    void shouldRejectReplicationFactorLargerThanTheNumberOfBrokers() throws Exception {
        assertThatThrownBy(() -> broker.admin().createTopics(List.of(new NewTopic("three-replicas", 1, (short) 3))).all().get())
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidReplicationFactorException.class);
        assertThat(broker.admin().listTopics().names().get()).doesNotContain("three-replicas");
    }

    @Test
    void shouldRejectCreatingAnExistingTopic() throws Exception {
        broker.createTopic("created-twice", 1);

        assertThatThrownBy(() -> broker.createTopic("created-twice", 2))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicExistsException.class);
        assertThat(broker.admin().describeTopics(List.of("created-twice")).allTopicNames().get().get("created-twice").partitions())
            .hasSize(1);
    }

    @Test
    void shouldRejectInvalidTopicConfig() {
        assertThatThrownBy(() -> broker.createTopic("bad-config", 1, Map.of("retention.ms", "not-a-number")))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void shouldRejectRecordLargerThanTopicMaxMessageBytesAndKeepAcceptingSmallerOnes() throws Exception {
        // Given
        String topic = "small-messages";
        broker.createTopic(topic, 1, Map.of("max.message.bytes", "10000"));
        KafkaProducer<String, String> producer = broker.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all"));

        // When / Then
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "z".repeat(20_000))).get())
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
        RecordMetadata small = producer.send(new ProducerRecord<>(topic, "k", "small")).get();
        assertThat(small.offset()).isZero();
        List<ConsumerRecord<String, String>> consumed = Consume.readToEnd(broker.consumer(), topic, 1);
        assertThat(consumed).extracting(ConsumerRecord::value).containsExactly("small");
    }

    /** {@code offset@timestamp} of the first record at or after {@code time}, or null. */
    private static String offsetForTime(KafkaConsumer<?, ?> consumer, TopicPartition tp, long time) {
        OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(tp, time)).get(tp);
        return found == null ? null : found.offset() + "@" + found.timestamp();
    }

    private static int port() {
        String bootstrap = broker.bootstrapServers();
        return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    }

    private static String randomAlphanumeric(Random random, int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
