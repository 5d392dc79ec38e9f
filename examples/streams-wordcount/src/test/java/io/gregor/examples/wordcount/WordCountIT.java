package io.gregor.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gregor.testkit.GregorTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The word-count application (in this JVM) against an in-process Gregor broker: counts, counts
 * per minute and lookups come out right, and the internal topics that Kafka Streams creates and
 * purges behave as on Kafka. Each test has a cluster of its own (the application's topics and
 * group start empty).
 */
class WordCountIT {
    private static final String REPARTITION = WordCountApp.APPLICATION_ID + "-words-repartition";
    private static final String CHANGELOG = WordCountApp.APPLICATION_ID + "-word-counts-changelog";
    private static final String WINDOWED_CHANGELOG = WordCountApp.APPLICATION_ID + "-word-counts-per-minute-changelog";

    private GregorTestCluster cluster;

    @TempDir
    Path stateDir;

    private KafkaStreams streams;

    @BeforeEach
    void createTopicsAndStart() throws Exception {
        cluster = GregorTestCluster.builder().partitions(3).start();
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : WordCountTopology.USER_TOPICS) {
            topics.add(new NewTopic(topic, topic.equals(WordCountTopology.WORD_LOOKUPS) ? 1 : 3, (short) 1));
        }
        cluster.admin().createTopics(topics).all().get();

        Properties config = WordCountApp.config(new String[] {
            "--bootstrap-server", cluster.bootstrapServers(),
            "--config", StreamsConfig.STATE_DIR_CONFIG + "=" + stateDir,
            "--config", StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG + "=500",
            "--config", StreamsConfig.COMMIT_INTERVAL_MS_CONFIG + "=200"});
        streams = new KafkaStreams(WordCountTopology.build(config), config);
        streams.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }

    @AfterEach
    void stop() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(10));
        }
        cluster.close();
    }

    @Test
    void shouldCountWordsPerMinuteAndAnswerLookups() throws Exception {
        // Two minutes of text: the first 300 lines in one window, the next 200 in the next one.
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
        List<String> first = TextInput.lines(1, 300);
        List<String> second = TextInput.lines(2, 200);
        try (KafkaProducer<String, String> producer = Topics.producer(cluster.bootstrapServers())) {
            Topics.sendLines(producer, first, 0, minute.plusSeconds(10).toEpochMilli());
            Topics.sendLines(producer, second, first.size(), minute.plusSeconds(70).toEpochMilli());
        }

        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        Map<String, Long> truth = TextInput.counts(all);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> assertThat(Topics.latestCounts(cluster.bootstrapServers(), WordCountTopology.WORD_COUNTS))
                .isEqualTo(truth));

        Map<String, Long> perMinute = new TreeMap<>();
        TextInput.counts(first).forEach((word, n) -> perMinute.put(WordCountTopology.windowedKey(word, minute), n));
        TextInput.counts(second).forEach((word, n) -> perMinute.put(WordCountTopology.windowedKey(word, minute.plus(Duration.ofMinutes(1))), n));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> assertThat(Topics.latestCounts(cluster.bootstrapServers(), WordCountTopology.WORD_COUNTS_PER_MINUTE))
                .isEqualTo(perMinute));

        try (KafkaProducer<String, String> producer = Topics.producer(cluster.bootstrapServers())) {
            for (String word : List.of("Gregor", "kafka", "nonsense")) {
                producer.send(new ProducerRecord<>(WordCountTopology.WORD_LOOKUPS, word)).get();
            }
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> assertThat(Topics.readAll(cluster.bootstrapServers(), WordCountTopology.WORD_LOOKUP_RESULTS))
                .extracting(r -> r.value())
                .containsExactlyInAnyOrder("gregor: " + truth.get("gregor"), "kafka: " + truth.get("kafka"), "nonsense: 0"));
    }

    @Test
    void shouldPurgeTheRepartitionTopicUpToTheCommittedOffsets() throws Exception {
        List<String> lines = TextInput.lines(3, 300);
        try (KafkaProducer<String, String> producer = Topics.producer(cluster.bootstrapServers())) {
            Topics.sendLines(producer, lines, 0, null);
        }
        Map<String, Long> truth = TextInput.counts(lines);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> assertThat(Topics.latestCounts(cluster.bootstrapServers(), WordCountTopology.WORD_COUNTS))
                .isEqualTo(truth));

        // Every word went through the repartition topic; Streams deletes what it has committed
        // (DeleteRecords), so the log start offsets move up to the end offsets.
        Admin admin = cluster.admin();
        List<TopicPartition> partitions = partitions(admin, REPARTITION);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<TopicPartition, Long> start = offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest());
            assertThat(end.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(TextInput.wordCount(lines));
            assertThat(start).as("log start offsets (end offsets %s)", end).isEqualTo(end);
        });
        // A consumer from the beginning now starts at the new log start offset.
        assertThat(Topics.readAll(cluster.bootstrapServers(), REPARTITION)).isEmpty();
    }

    @Test
    void shouldCreateInternalTopicsWithTheConfigsStreamsAsksFor() throws Exception {
        Admin admin = cluster.admin();
        await().atMost(Duration.ofSeconds(10))
            .until(() -> admin.listTopics().names().get().containsAll(List.of(REPARTITION, CHANGELOG, WINDOWED_CHANGELOG)));

        assertThat(config(admin, CHANGELOG).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config(admin, WINDOWED_CHANGELOG).get("cleanup.policy").value()).isEqualTo("compact,delete");
        // Window size + grace + one day of windowstore.changelog.additional.retention.ms.
        assertThat(config(admin, WINDOWED_CHANGELOG).get("retention.ms").value()).isEqualTo(Long.toString(
            WordCountTopology.WINDOW.plus(WordCountTopology.GRACE).plus(Duration.ofDays(1)).toMillis()));
        assertThat(config(admin, REPARTITION).get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(config(admin, REPARTITION).get("retention.ms").value()).isEqualTo("-1");
        // Repartition topics get the partition count of the topic they repartition.
        assertThat(partitions(admin, REPARTITION)).hasSize(3);
        assertThat(partitions(admin, CHANGELOG)).hasSize(3);
    }

    private static Config config(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private static List<TopicPartition> partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec))).all().get().entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
