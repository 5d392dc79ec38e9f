package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka 4.4's {@code kafka-consumer-groups} tool against Gregor: listing, describing with
 * lag, resetting and deleting groups, checked against what Java consumers see.
 */
class ConsumerGroupsToolIT {
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 10;

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig("group.initial.rebalance.delay.ms", "0");

    @TempDir
    static Path scratch;

    private static KafkaTools tools;

    @BeforeAll
    static void tools() {
        tools = new KafkaTools(scratch, broker.bootstrapServers());
    }

    @Test
    void shouldDescribeLagBeforeAndAfterConsumptionAndListTheGroup() throws Exception {
        // Given a group whose member has committed offset 0 on every partition of a topic holding 10 records each
        String topic = "tool-lag";
        String group = "tool-lag-group";
        produce(topic);
        KafkaConsumer<String, String> consumer = broker.consumer(Map.of(
            ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.CLIENT_ID_CONFIG, "lag-client"));
        consumer.subscribe(List.of(topic));
        await().atMost(Duration.ofSeconds(20)).pollInSameThread()
            .until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == PARTITIONS;
            });
        consumer.commitSync(offsets(topic, 0, 0, 0));

        // When
        KafkaTools.Result before = tools.consumerGroupsOk("--describe", "--group", group);
        readToEnd(consumer, topic);
        consumer.commitSync();
        KafkaTools.Result after = tools.consumerGroupsOk("--describe", "--group", group);
        KafkaTools.Result list = tools.consumerGroupsOk("--list");

        // Then
        String memberId = consumer.groupMetadata().memberId();
        assertThat(byPartition(before)).as("%s", before).hasSize(PARTITIONS).allSatisfy((partition, row) -> {
            assertThat(row).containsEntry("GROUP", group).containsEntry("TOPIC", topic)
                .containsEntry("CURRENT-OFFSET", "0").containsEntry("LOG-END-OFFSET", "10").containsEntry("LAG", "10")
                .containsEntry("CONSUMER-ID", memberId).containsEntry("HOST", "/127.0.0.1").containsEntry("CLIENT-ID", "lag-client");
        });
        assertThat(byPartition(after)).as("%s", after).hasSize(PARTITIONS).allSatisfy((partition, row) ->
            assertThat(row).containsEntry("CURRENT-OFFSET", "10").containsEntry("LOG-END-OFFSET", "10").containsEntry("LAG", "0")
                .containsEntry("CONSUMER-ID", memberId));
        assertThat(list.lines()).as("%s", list).contains(group);
    }

    @Test
    void shouldResetOffsetsOfAnInactiveGroupAndDeleteIt() throws Exception {
        // Given an inactive group that consumed everything
        String topic = "tool-reset";
        String group = "tool-reset-group";
        produce(topic);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, group))) {
            consumer.subscribe(List.of(topic));
            readToEnd(consumer, topic);
            consumer.commitSync();
        }

        // When / Then: to the earliest offsets
        KafkaTools.Result earliest = tools.consumerGroupsOk("--reset-offsets", "--group", group, "--topic", topic, "--to-earliest", "--execute");
        assertThat(byPartition(earliest, "NEW-OFFSET")).as("%s", earliest).containsOnly(
            Map.entry(0, "0"), Map.entry(1, "0"), Map.entry(2, "0"));
        KafkaTools.Result described = tools.consumerGroupsOk("--describe", "--group", group);
        assertThat(byPartition(described)).as("%s", described).hasSize(PARTITIONS).allSatisfy((partition, row) ->
            assertThat(row).containsEntry("CURRENT-OFFSET", "0").containsEntry("LAG", "10").containsEntry("CONSUMER-ID", "-"));
        assertThat(committed(group, topic)).containsExactlyInAnyOrderEntriesOf(offsets(topic, 0, 0, 0));

        // to an offset on one partition, then shifted on all
        tools.consumerGroupsOk("--reset-offsets", "--group", group, "--topic", topic + ":0", "--to-offset", "3", "--execute");
        assertThat(committed(group, topic)).containsExactlyInAnyOrderEntriesOf(offsets(topic, 3, 0, 0));
        KafkaTools.Result shifted = tools.consumerGroupsOk("--reset-offsets", "--group", group, "--topic", topic, "--shift-by", "2", "--execute");
        assertThat(byPartition(shifted, "NEW-OFFSET")).as("%s", shifted).containsOnly(
            Map.entry(0, "5"), Map.entry(1, "2"), Map.entry(2, "2"));
        assertThat(committed(group, topic)).containsExactlyInAnyOrderEntriesOf(offsets(topic, 5, 2, 2));

        // a consumer of the group resumes where the tool put the offsets
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrapServers(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, group))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = readToEnd(consumer, topic);
            Map<Integer, Long> firstOffsets = records.stream()
                .collect(Collectors.toMap(ConsumerRecord::partition, ConsumerRecord::offset, Math::min));
            assertThat(firstOffsets).containsOnly(Map.entry(0, 5L), Map.entry(1, 2L), Map.entry(2, 2L));
            assertThat(records).hasSize(3 * PER_PARTITION - 5 - 2 - 2);
        }

        // deletion
        KafkaTools.Result deleted = tools.consumerGroupsOk("--delete", "--group", group);
        assertThat(deleted.stdout()).contains("Deletion of requested consumer groups ('" + group + "') was successful.");
        assertThat(tools.consumerGroupsOk("--list").lines()).doesNotContain(group);
        assertThat(broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()).isEmpty();
    }

    @Test
    void shouldRefuseToResetOrDeleteAnActiveGroup() throws Exception {
        // Given a group with a live member
        String topic = "tool-active";
        String group = "tool-active-group";
        produce(topic);
        KafkaConsumer<String, String> consumer = broker.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group));
        consumer.subscribe(List.of(topic));
        readToEnd(consumer, topic);
        consumer.commitSync();

        // When
        KafkaTools.Result reset = tools.consumerGroups("--reset-offsets", "--group", group, "--topic", topic, "--to-earliest", "--execute");
        KafkaTools.Result delete = tools.consumerGroups("--delete", "--group", group);
        KafkaTools.Result state = tools.consumerGroupsOk("--describe", "--group", group, "--state");

        // Then
        assertThat(reset.stdout() + reset.stderr()).as("%s", reset).contains("inactive");
        assertThat(delete.stdout() + delete.stderr()).as("%s", delete).contains("The group is not empty");
        assertThat(state.table("GROUP")).as("%s", state).singleElement().satisfies(row ->
            assertThat(row).containsEntry("STATE", "Stable").containsEntry("#MEMBERS", "1").containsEntry("ASSIGNMENT-STRATEGY", "range"));
        assertThat(committed(group, topic)).containsExactlyInAnyOrderEntriesOf(offsets(topic, PER_PARTITION, PER_PARTITION, PER_PARTITION));
    }

    // ---- helpers ----

    private static void produce(String topic) throws Exception {
        broker.createTopic(topic, PARTITIONS);
        KafkaProducer<String, String> producer = broker.producer(Map.of());
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < PER_PARTITION; i++) {
                producer.send(new ProducerRecord<>(topic, p, "k" + i, "v" + i));
            }
        }
        producer.flush();
    }

    /** Polls a subscribed consumer until its position on every partition of the topic is the end offset. */
    private static List<ConsumerRecord<String, String>> readToEnd(KafkaConsumer<String, String> consumer, String topic) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            if (!consumer.assignment().containsAll(partitions)) {
                return false;
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
        });
        return records;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(String topic, long... perPartition) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (int p = 0; p < perPartition.length; p++) {
            out.put(new TopicPartition(topic, p), new OffsetAndMetadata(perPartition[p]));
        }
        return out;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((tp, offset) -> {
            if (tp.topic().equals(topic)) {
                out.put(tp, new OffsetAndMetadata(offset.offset()));
            }
        });
        return out;
    }

    /** The rows of a describe table by partition. */
    private static Map<Integer, Map<String, String>> byPartition(KafkaTools.Result result) {
        Map<Integer, Map<String, String>> out = new HashMap<>();
        for (Map<String, String> row : result.table("GROUP")) {
            out.put(Integer.parseInt(row.get("PARTITION")), row);
        }
        return out;
    }

    private static Map<Integer, String> byPartition(KafkaTools.Result result, String column) {
        Map<Integer, String> out = new HashMap<>();
        byPartition(result).forEach((p, row) -> out.put(p, row.get(column)));
        return out;
    }
}
