package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Topic configs at runtime: Apache Kafka's {@code kafka-configs} tool and the AdminClient
 * (DescribeConfigs with sources, AlterConfigs, IncrementalAlterConfigs), retention changed on a
 * running broker, DeleteRecords, and the errors for invalid and read-only configs.
 */
class TopicConfigsIT {
    private static final long HOUR_MS = 3_600_000L;

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig(
        // retention runs every 200 ms from the start, so that a change shows at once
        "log.retention.check.interval.ms", "200",
        "log.initial.task.delay.ms", "0",
        // a static broker default of a topic config, for the sources in DescribeConfigs
        "log.cleaner.delete.retention.ms", "3600000");

    @TempDir
    static Path scratch;

    private static KafkaTools tools;

    @BeforeAll
    static void tools() {
        tools = new KafkaTools(scratch, broker.bootstrapServers());
    }

    @Test
    void shouldAddDescribeAndDeleteTopicConfigsWithKafkaConfigs() throws Exception {
        // Given
        String topic = "configs-tool";
        broker.createTopic(topic, 1);

        // When
        KafkaTools.Result altered = tools.configsOk("--entity-type", "topics", "--entity-name", topic, "--alter",
            "--add-config", "retention.ms=7200000,cleanup.policy=[compact,delete]");
        KafkaTools.Result described = tools.configsOk("--entity-type", "topics", "--entity-name", topic, "--describe");

        // Then
        assertThat(altered.stdout()).contains("Completed updating config for topic " + topic + ".");
        assertThat(described.lines()).as("%s", described).containsExactly(
            "Dynamic configs for topic " + topic + " are:",
            "  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, "
                + "DEFAULT_CONFIG:log.cleanup.policy=delete}",
            "  retention.ms=7200000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=7200000, "
                + "DEFAULT_CONFIG:log.retention.hours=168}");
        assertThat(entry(topic, "retention.ms")).satisfies(e -> {
            assertThat(e.value()).isEqualTo("7200000");
            assertThat(e.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        });

        // When a config is deleted
        tools.configsOk("--entity-type", "topics", "--entity-name", topic, "--alter", "--delete-config", "retention.ms");
        KafkaTools.Result afterDelete = tools.configsOk("--entity-type", "topics", "--entity-name", topic, "--describe");

        // Then it is back to the default
        assertThat(afterDelete.stdout()).doesNotContain("retention.ms").contains("cleanup.policy=compact,delete");
        assertThat(entry(topic, "retention.ms")).satisfies(e -> {
            assertThat(e.value()).isEqualTo("604800000");
            assertThat(e.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        });

        // and an unknown config is refused, naming it
        KafkaTools.Result refused = tools.configs("--entity-type", "topics", "--entity-name", topic, "--alter",
            "--add-config", "retention.msec=1000");
        assertThat(refused.exitCode()).as("%s", refused).isNotZero();
        assertThat(refused.stdout() + refused.stderr()).contains("InvalidConfigurationException").contains("retention.msec");
    }

    @Test
    void shouldDeleteOldSegmentsWhenRetentionIsShortenedAtRuntime() throws Exception {
        // Given two hours old records in old segments and new ones in the active segment
        // (segment.ms of an hour rolls a segment whose first record is older than that)
        String topic = "retention-runtime";
        broker.createTopic(topic, 1, Map.of("segment.ms", Long.toString(HOUR_MS)));
        TopicPartition tp = new TopicPartition(topic, 0);
        long twoHoursAgo = System.currentTimeMillis() - 2 * HOUR_MS;
        KafkaProducer<String, String> producer = broker.producer(Map.of());
        for (int i = 0; i < 50; i++) {
            producer.send(new ProducerRecord<>(topic, 0, twoHoursAgo + i, "k" + i, "old-" + i)).get();
        }
        for (int i = 0; i < 50; i++) {
            producer.send(new ProducerRecord<>(topic, 0, "k" + i, "new-" + i)).get();
        }
        assertThat(earliestOffset(tp)).isZero();

        // When retention is set to one hour with kafka-configs, on the running broker
        tools.configsOk("--entity-type", "topics", "--entity-name", topic, "--alter", "--add-config", "retention.ms=" + HOUR_MS);

        // Then the old segments go, and the new records stay
        await().atMost(Duration.ofSeconds(20)).until(() -> earliestOffset(tp) == 50);
        List<ConsumerRecord<String, String>> left = Consume.readToEnd(broker.consumer(), topic, 1);
        assertThat(left).extracting(ConsumerRecord::value).allMatch(v -> v.startsWith("new-")).hasSize(50);
    }

    @Test
    void shouldMoveTheLowWatermarkWithDeleteRecordsAndRefuseFetchesBelowIt() throws Exception {
        // Given
        String topic = "delete-records";
        broker.createTopic(topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaProducer<String, String> producer = broker.producer(Map.of());
        for (int i = 0; i < 100; i++) {
            producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i));
        }
        producer.flush();

        // When
        DeletedRecords deleted = broker.admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(40))).lowWatermarks().get(tp).get();

        // Then
        assertThat(deleted.lowWatermark()).isEqualTo(40);
        assertThat(earliestOffset(tp)).isEqualTo(40);
        KafkaConsumer<String, String> strict = broker.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"));
        strict.assign(List.of(tp));
        strict.seek(tp, 10);
        assertThatThrownBy(() -> strict.poll(Duration.ofSeconds(10))).isInstanceOf(OffsetOutOfRangeException.class)
            .satisfies(e -> assertThat(((OffsetOutOfRangeException) e).offsetOutOfRangePartitions()).containsEntry(tp, 10L));
        List<ConsumerRecord<String, String>> left = Consume.readToEnd(broker.consumer(), topic, 1);
        assertThat(left).extracting(ConsumerRecord::offset).first().isEqualTo(40L);
        assertThat(left).hasSize(60);
    }

    @Test
    void shouldDescribeWhereEachConfigComesFrom() throws Exception {
        // Given a topic override, a static broker default (log.cleaner.delete.retention.ms) and,
        // once altered, a dynamic cluster-wide broker default
        String topic = "config-sources";
        broker.createTopic(topic, 1, Map.of("retention.ms", "1234567"));
        ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
        broker.admin().incrementalAlterConfigs(Map.of(clusterDefault, List.of(
            new AlterConfigOp(new ConfigEntry("log.roll.ms", "86400000"), AlterConfigOp.OpType.SET)))).all().get();
        try {
            // When
            Config topicConfig = describe(new ConfigResource(ConfigResource.Type.TOPIC, topic));
            ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker.broker().brokerId()));
            Config brokerConfig = describe(brokerResource);

            // Then
            assertThat(topicConfig.get("retention.ms")).satisfies(e -> {
                assertThat(e.value()).isEqualTo("1234567");
                assertThat(e.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
            });
            assertThat(topicConfig.get("delete.retention.ms")).satisfies(e -> {
                assertThat(e.value()).isEqualTo("3600000");
                assertThat(e.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
                assertThat(e.synonyms()).extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::value,
                    ConfigEntry.ConfigSynonym::source).startsWith(
                    tuple("log.cleaner.delete.retention.ms", "3600000", ConfigSource.STATIC_BROKER_CONFIG));
            });
            assertThat(topicConfig.get("segment.ms")).satisfies(e -> {
                assertThat(e.value()).isEqualTo("86400000");
                assertThat(e.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            });
            assertThat(topicConfig.get("max.message.bytes")).satisfies(e -> {
                assertThat(e.value()).isEqualTo("1048588");
                assertThat(e.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
            });
            assertThat(brokerConfig.get("log.cleaner.delete.retention.ms")).satisfies(e -> {
                assertThat(e.value()).isEqualTo("3600000");
                assertThat(e.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
                assertThat(e.isReadOnly()).isFalse();
            });
            assertThat(brokerConfig.get("log.roll.ms")).satisfies(e -> {
                assertThat(e.value()).isEqualTo("86400000");
                assertThat(e.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            });
            assertThat(brokerConfig.get("listeners").isReadOnly()).isTrue();

            // When a config with a static value gets a dynamic default too
            alter(clusterDefault, AlterConfigOp.OpType.SET, "log.cleaner.delete.retention.ms", "7200000");

            // Then the dynamic value wins, and every layer is listed with its own value
            List<Tuple> layers = List.of(
                tuple("log.cleaner.delete.retention.ms", "7200000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
                tuple("log.cleaner.delete.retention.ms", "3600000", ConfigSource.STATIC_BROKER_CONFIG),
                tuple("log.cleaner.delete.retention.ms", "86400000", ConfigSource.DEFAULT_CONFIG));
            assertThat(describe(brokerResource).get("log.cleaner.delete.retention.ms")).satisfies(e -> {
                assertThat(e.value()).isEqualTo("7200000");
                assertThat(e.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
                assertThat(e.synonyms()).extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::value,
                    ConfigEntry.ConfigSynonym::source).containsExactlyElementsOf(layers);
            });
            assertThat(entry(topic, "delete.retention.ms")).satisfies(e -> {
                assertThat(e.value()).isEqualTo("7200000");
                assertThat(e.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
                assertThat(e.synonyms()).extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::value,
                    ConfigEntry.ConfigSynonym::source).containsExactlyElementsOf(layers);
            });
        } finally {
            broker.admin().incrementalAlterConfigs(Map.of(clusterDefault, List.of(
                new AlterConfigOp(new ConfigEntry("log.roll.ms", null), AlterConfigOp.OpType.DELETE),
                new AlterConfigOp(new ConfigEntry("log.cleaner.delete.retention.ms", null), AlterConfigOp.OpType.DELETE)))).all().get();
        }
    }

    @Test
    void shouldAppendToAndSubtractFromCleanupPolicy() throws Exception {
        // Given
        String topic = "policy-lists";
        broker.createTopic(topic, 1);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);

        // When / Then
        alter(resource, AlterConfigOp.OpType.APPEND, "cleanup.policy", "compact");
        assertThat(entry(topic, "cleanup.policy").value()).isEqualTo("delete,compact");
        alter(resource, AlterConfigOp.OpType.SUBTRACT, "cleanup.policy", "delete");
        assertThat(entry(topic, "cleanup.policy").value()).isEqualTo("compact");
        assertThatThrownBy(() -> alter(resource, AlterConfigOp.OpType.APPEND, "retention.ms", "1000"))
            .hasCauseInstanceOf(InvalidConfigurationException.class).hasMessageContaining("retention.ms");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "no.such.config, 1",
        "retention.ms, abc",
        "segment.bytes, 100",
        "cleanup.policy, forever",
        "min.cleanable.dirty.ratio, 1.5",
        "message.timestamp.type, WallClock",
    })
    void shouldRefuseAnInvalidTopicConfigNamingIt(String name, String value) throws Exception {
        // Given
        String topic = "invalid-configs";
        if (!broker.admin().listTopics().names().get().contains(topic)) {
            broker.createTopic(topic, 1);
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);

        // When / Then
        assertThatThrownBy(() -> alter(resource, AlterConfigOp.OpType.SET, name, value))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(InvalidConfigurationException.class)
            .cause().hasMessageContaining(name);
        assertThat(describe(resource).get(name)).satisfies(e -> {
            if (e != null) {
                assertThat(e.source()).isNotEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
            }
        });
    }

    @Test
    void shouldRefuseToChangeReadOnlyBrokerConfigs() {
        // Given
        ConfigResource thisBroker = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker.broker().brokerId()));

        // When / Then: as Kafka answers (INVALID_REQUEST, KAFKA-13609), naming the config
        for (String readOnly : List.of("listeners", "log.retention.check.interval.ms")) {
            assertThatThrownBy(() -> alter(thisBroker, AlterConfigOp.OpType.SET, readOnly, "1"))
                .as(readOnly)
                .hasCauseInstanceOf(InvalidRequestException.class)
                .cause().hasMessageContaining(readOnly);
        }
    }

    @Test
    void shouldDescribeATopicsConfigsAsSoonAsCreateTopicsReturnsCreatedOrExists() throws Exception {
        // Given: clients racing to create the same compacted topic, as the workers of a Kafka
        // Connect group do with their internal topics; each then checks the topic is compacted.
        List<Admin> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(Clients.admin(broker.bootstrapServers()));
        }
        try {
            for (int round = 0; round < 20; round++) {
                String topic = "raced-" + round;
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                List<CompletableFuture<String>> policies = new ArrayList<>();
                for (Admin client : clients) {
                    policies.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            client.createTopics(List.of(new NewTopic(topic, 3, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                                .all().get();
                        } catch (ExecutionException e) {
                            assertThat(e).hasCauseInstanceOf(TopicExistsException.class);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        try {
                            // When
                            return client.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }

                // Then: never the default that a topic shows before its configs are known
                for (CompletableFuture<String> policy : policies) {
                    assertThat(policy.get()).as("cleanup.policy of %s", topic).isEqualTo("compact");
                }
            }
        } finally {
            clients.forEach(Admin::close);
        }
    }

    // ---- helpers ----

    private static void alter(ConfigResource resource, AlterConfigOp.OpType op, String name, String value) throws Exception {
        broker.admin().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(name, value), op)))).all().get();
    }

    private static Config describe(ConfigResource resource) throws Exception {
        return broker.admin().describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
            .all().get().get(resource);
    }

    private static ConfigEntry entry(String topic, String name) throws Exception {
        return describe(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get(name);
    }

    private static long earliestOffset(TopicPartition tp) throws Exception {
        return broker.admin().listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset();
    }
}
