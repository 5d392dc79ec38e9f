package io.gregor.cli.compat;

import static io.gregor.cli.testing.CliAssertions.assertSucceeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import io.gregor.cli.testing.Cli;
import io.gregor.cli.testing.GregorBroker;
import io.gregor.cli.testing.KafkaTool;
import io.gregor.cli.testing.KafkaTool.Result;
import io.gregor.testkit.GregorTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Kafka 4.4's own command-line tools, unchanged, against an in-process Gregor broker:
 * what {@code kafka-topics.sh}, {@code kafka-console-producer.sh} and friends print when pointed
 * at Gregor. The README lists these as verified; keep the two in step.
 *
 * <p>Partition reassignment and leader election only mean something with replicas on several
 * brokers, so those tests start a three-broker test cluster of their own.
 */
class KafkaToolsCompatibilityIT {
    @RegisterExtension
    static final GregorBroker broker = new GregorBroker();

    private static final String TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand";
    private static final String CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
    private static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    private static final String GET_OFFSET_SHELL = "org.apache.kafka.tools.GetOffsetShell";
    private static final String BROKER_API_VERSIONS = "org.apache.kafka.tools.BrokerApiVersionsCommand";
    private static final String CONFIG_COMMAND = "org.apache.kafka.tools.ConfigCommand";
    private static final String CONSUMER_GROUP_COMMAND = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    private static final String DELETE_RECORDS_COMMAND = "org.apache.kafka.tools.DeleteRecordsCommand";
    private static final String LOG_DIRS_COMMAND = "org.apache.kafka.tools.LogDirsCommand";
    private static final String REASSIGN_PARTITIONS_COMMAND = "org.apache.kafka.tools.reassign.ReassignPartitionsCommand";
    private static final String LEADER_ELECTION_COMMAND = "org.apache.kafka.tools.LeaderElectionCommand";

    private final Cli gregor = broker.cli();

    private static Result tool(String mainClass, String... args) {
        return toolWithInput("", mainClass, args);
    }

    private static Result toolWithInput(String stdin, String mainClass, String... args) {
        return KafkaTool.runWithInput(stdin, mainClass, concat(new String[] {"--bootstrap-server", broker.bootstrapServers()}, args));
    }

    private static Result toolOn(GregorTestCluster cluster, String mainClass, String... args) {
        return KafkaTool.run(mainClass, concat(new String[] {"--bootstrap-server", cluster.bootstrapServers()}, args));
    }

    private static void assertToolSucceeded(Result result) {
        assertThat(result.exitCode()).as("%s", result).isZero();
    }

    @Test
    void topicCommandShouldCreateDescribeAlterListAndDelete() {
        Result created = tool(TOPIC_COMMAND, "--create", "--topic", "kafka-topics", "--partitions", "2", "--replication-factor", "1",
            "--config", "retention.ms=3600000");
        assertToolSucceeded(created);
        assertThat(created.out()).isEqualTo("Created topic kafka-topics.\n");

        Result described = tool(TOPIC_COMMAND, "--describe", "--topic", "kafka-topics");
        assertToolSucceeded(described);
        assertThat(described.out().lines().toList()).hasSize(3);
        assertThat(described.out()).containsPattern("Topic: kafka-topics\tTopicId: \\S{22}\tPartitionCount: 2\tReplicationFactor: 1\t"
            + "Configs: retention.ms=3600000\n")
            .contains("\tTopic: kafka-topics\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0")
            .contains("\tTopic: kafka-topics\tPartition: 1\tLeader: 0\tReplicas: 0\tIsr: 0");

        assertToolSucceeded(tool(TOPIC_COMMAND, "--alter", "--topic", "kafka-topics", "--partitions", "3"));
        assertThat(gregor.run("topics", "--describe", "--topic", "kafka-topics").out()).contains("PartitionCount: 3");

        Result listed = tool(TOPIC_COMMAND, "--list");
        assertToolSucceeded(listed);
        assertThat(listed.out().lines()).contains("kafka-topics");

        assertToolSucceeded(tool(TOPIC_COMMAND, "--delete", "--topic", "kafka-topics"));
        assertThat(gregor.run("topics", "--list").out().lines()).doesNotContain("kafka-topics");
    }

    @Test
    void consoleProducerAndConsumerShouldRoundTripKeysAndHeaders() {
        assertSucceeded(gregor.run("topics", "--create", "--topic", "console", "--partitions", "1"));

        Result produced = toolWithInput("h1:x\tk1:v1\nh1:y,h2:z\tk2:v2\n", CONSOLE_PRODUCER, "--topic", "console",
            "--reader-property", "parse.headers=true", "--reader-property", "parse.key=true", "--reader-property", "key.separator=:");
        assertToolSucceeded(produced);

        String[] format = {"--formatter-property", "print.key=true", "--formatter-property", "print.headers=true",
            "--formatter-property", "print.offset=true"};
        Result consumed = tool(CONSOLE_CONSUMER, concat(new String[] {"--topic", "console", "--partition", "0", "--offset", "earliest",
            "--max-messages", "2", "--timeout-ms", "20000"}, format));
        assertToolSucceeded(consumed);
        assertThat(consumed.out()).isEqualTo("Offset:0\th1:x\tk1\tv1\nOffset:1\th1:y,h2:z\tk2\tv2\n");
        assertThat(consumed.err()).contains("Processed a total of 2 messages");

        // gregor consume prints the same bytes as kafka-console-consumer for the same properties.
        Cli.Result ours = gregor.run("consume", "--topic", "console", "--from-beginning", "--max-messages", "2", "--timeout-ms", "20000",
            "--property", "print.key=true", "--property", "print.headers=true", "--property", "print.offset=true");
        assertSucceeded(ours);
        assertThat(ours.out()).isEqualTo(consumed.out());
    }

    @Test
    void consoleConsumerShouldReadWhatGregorProduced() {
        assertSucceeded(gregor.run("topics", "--create", "--topic", "from-gregor", "--partitions", "1"));
        assertSucceeded(gregor.runWithInput("a|1\nb|2\n", "produce", "--topic", "from-gregor",
            "--property", "parse.key=true", "--property", "key.separator=|"));

        Result consumed = tool(CONSOLE_CONSUMER, "--topic", "from-gregor", "--partition", "0", "--offset", "earliest",
            "--max-messages", "2", "--timeout-ms", "20000", "--formatter-property", "print.key=true");

        assertToolSucceeded(consumed);
        assertThat(consumed.out()).isEqualTo("a\t1\nb\t2\n");
    }

    @Test
    void getOffsetShellShouldPrintLogEndOffsets() {
        assertSucceeded(gregor.run("topics", "--create", "--topic", "offsets", "--partitions", "2"));
        assertSucceeded(gregor.runWithInput("1\n2\n3\n", "produce", "--topic", "offsets", "--partition", "1"));

        Result offsets = tool(GET_OFFSET_SHELL, "--topic", "offsets");

        assertToolSucceeded(offsets);
        assertThat(offsets.out()).isEqualTo("offsets:0:0\noffsets:1:3\n");
        Result earliest = tool(GET_OFFSET_SHELL, "--topic", "offsets", "--time", "-2");
        assertToolSucceeded(earliest);
        assertThat(earliest.out()).isEqualTo("offsets:0:0\noffsets:1:0\n");
    }

    @Test
    void brokerApiVersionsCommandShouldListTheAdvertisedApis() {
        Result versions = tool(BROKER_API_VERSIONS);

        assertToolSucceeded(versions);
        assertThat(versions.out()).startsWith(broker.bootstrapServers() + " (id: 0 rack: null")
            .containsPattern("\tProduce\\(0\\): \\d+ to \\d+ \\[usable: \\d+\\]")
            .containsPattern("\tFetch\\(1\\): \\d+ to \\d+ \\[usable: \\d+\\]")
            .containsPattern("\tMetadata\\(3\\): \\d+ to \\d+ \\[usable: \\d+\\]")
            .containsPattern("\tFindCoordinator\\(10\\): \\d+ to \\d+ \\[usable: \\d+\\]")
            .containsPattern("\tIncrementalAlterConfigs\\(44\\): \\d+ to \\d+ \\[usable: \\d+\\]")
            .contains("AddPartitionsToTxn(24): UNSUPPORTED");
    }

    @Test
    void configCommandShouldDescribeTopicConfigs() {
        assertSucceeded(gregor.run("topics", "--create", "--topic", "configs", "--config", "retention.ms=60000"));

        Result described = tool(CONFIG_COMMAND, "--describe", "--entity-type", "topics", "--entity-name", "configs");

        assertToolSucceeded(described);
        assertThat(described.out()).startsWith("Dynamic configs for topic configs are:\n")
            .contains("  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000");
    }

    @Test
    void configCommandShouldAlterTopicConfigs() {
        assertSucceeded(gregor.run("topics", "--create", "--topic", "configs-alter", "--config", "cleanup.policy=compact"));

        Result altered = tool(CONFIG_COMMAND, "--alter", "--entity-type", "topics", "--entity-name", "configs-alter",
            "--add-config", "retention.ms=1000", "--delete-config", "cleanup.policy");

        assertToolSucceeded(altered);
        assertThat(altered.out()).isEqualTo("Completed updating config for topic configs-alter.\n");
        Result described = tool(CONFIG_COMMAND, "--describe", "--entity-type", "topics", "--entity-name", "configs-alter");
        assertThat(described.out()).contains("  retention.ms=1000 sensitive=false").doesNotContain("cleanup.policy");
    }

    @Test
    void configCommandShouldAlterADynamicBrokerConfig() {
        Result altered = tool(CONFIG_COMMAND, "--alter", "--entity-type", "brokers", "--entity-name", "0",
            "--add-config", "log.retention.ms=86400000");

        assertToolSucceeded(altered);
        assertThat(altered.out()).isEqualTo("Completed updating config for broker 0.\n");
        assertThat(gregor.run("configs", "--entity-type", "brokers", "--entity-name", "0", "--describe").out())
            .containsPattern("\nlog\\.retention\\.ms +86400000 +DYNAMIC_BROKER_CONFIG\n");
        assertToolSucceeded(tool(CONFIG_COMMAND, "--alter", "--entity-type", "brokers", "--entity-name", "0",
            "--delete-config", "log.retention.ms"));
    }

    /** A group made by kafka-console-consumer, listed, described, reset and deleted by kafka-consumer-groups. */
    @Test
    void consumerGroupCommandShouldListDescribeResetAndDeleteGroups() {
        assertSucceeded(gregor.run("topics", "--create", "--topic", "grouped", "--partitions", "2"));
        assertSucceeded(gregor.runWithInput("a\nb\n", "produce", "--topic", "grouped", "--partition", "0"));
        assertSucceeded(gregor.runWithInput("c\n", "produce", "--topic", "grouped", "--partition", "1"));
        Result consumed = tool(CONSOLE_CONSUMER, "--topic", "grouped", "--group", "kafka-tools", "--from-beginning",
            "--max-messages", "3", "--timeout-ms", "20000");
        assertToolSucceeded(consumed);
        assertThat(consumed.out().lines()).containsExactlyInAnyOrder("a", "b", "c");

        Result listed = tool(CONSUMER_GROUP_COMMAND, "--list");
        assertToolSucceeded(listed);
        assertThat(listed.out().lines()).contains("kafka-tools");

        Result described = tool(CONSUMER_GROUP_COMMAND, "--describe", "--group", "kafka-tools");
        assertToolSucceeded(described);
        assertThat(described.err()).contains("Consumer group 'kafka-tools' has no active members.");
        assertThat(described.out())
            .containsPattern("GROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +CONSUMER-ID +HOST +CLIENT-ID")
            .containsPattern("kafka-tools +grouped +0 +2 +2 +0 +- +- +-")
            .containsPattern("kafka-tools +grouped +1 +1 +1 +0 +- +- +-");

        Result reset = tool(CONSUMER_GROUP_COMMAND, "--reset-offsets", "--group", "kafka-tools", "--topic", "grouped",
            "--to-earliest", "--execute");
        assertToolSucceeded(reset);
        assertThat(reset.out()).containsPattern("kafka-tools +grouped +0 +0").containsPattern("kafka-tools +grouped +1 +0");
        assertThat(gregor.run("groups", "--describe", "--group", "kafka-tools").out())
            .containsPattern("kafka-tools +grouped +0 +0 +2 +2 ").containsPattern("kafka-tools +grouped +1 +0 +1 +1 ");

        Result deleted = tool(CONSUMER_GROUP_COMMAND, "--delete", "--group", "kafka-tools");
        assertToolSucceeded(deleted);
        assertThat(deleted.out()).contains("Deletion of requested consumer groups ('kafka-tools') was successful.");
        assertThat(gregor.run("groups", "--list").out().lines()).doesNotContain("kafka-tools");
    }

    @Test
    void deleteRecordsCommandShouldMoveTheLogStartOffset() throws Exception {
        assertSucceeded(gregor.run("topics", "--create", "--topic", "trimmed"));
        assertSucceeded(gregor.runWithInput("1\n2\n3\n4\n", "produce", "--topic", "trimmed"));
        Path offsets = Files.createTempFile("delete-records", ".json");
        try {
            Files.writeString(offsets, "{\"partitions\": [{\"topic\": \"trimmed\", \"partition\": 0, \"offset\": 3}], \"version\": 1}");

            Result deleted = tool(DELETE_RECORDS_COMMAND, "--offset-json-file", offsets.toString());

            assertToolSucceeded(deleted);
            assertThat(deleted.out()).contains("Records delete operation completed:").contains("partition: trimmed-0\tlow_watermark: 3");
        } finally {
            Files.deleteIfExists(offsets);
        }
        assertThat(tool(GET_OFFSET_SHELL, "--topic", "trimmed", "--time", "-2").out()).isEqualTo("trimmed:0:3\n");
        assertThat(gregor.run("consume", "--topic", "trimmed", "--from-beginning", "--timeout-ms", "2000").outLines())
            .containsExactly("4");
    }

    @Test
    @SuppressWarnings("unchecked")
    void logDirsCommandShouldDescribeEachPartitionsLog() throws Exception {
        assertSucceeded(gregor.run("topics", "--create", "--topic", "sized", "--partitions", "2"));
        assertSucceeded(gregor.runWithInput("x\ny\n", "produce", "--topic", "sized", "--partition", "1"));

        Result described = tool(LOG_DIRS_COMMAND, "--describe", "--topic-list", "sized");

        assertToolSucceeded(described);
        List<String> lines = described.out().lines().toList();
        assertThat(lines).contains("Querying brokers for log directories information",
            "Received log directory information from brokers 0");
        Map<String, Object> json = JSON.std.mapFrom(lines.get(lines.size() - 1));
        List<Object> brokers = (List<Object>) json.get("brokers");
        assertThat(brokers).hasSize(1);
        Map<String, Object> only = (Map<String, Object>) brokers.get(0);
        assertThat(only).containsEntry("broker", 0);
        Map<String, Object> logDir = (Map<String, Object>) ((List<Object>) only.get("logDirs")).get(0);
        assertThat(logDir).containsEntry("error", null);
        Map<String, Map<String, Object>> partitions = new java.util.TreeMap<>();
        ((List<Object>) logDir.get("partitions")).forEach(p -> partitions.put((String) ((Map<String, Object>) p).get("partition"),
            (Map<String, Object>) p));
        assertThat(partitions).containsOnlyKeys("sized-0", "sized-1");
        assertThat(((Number) partitions.get("sized-0").get("size")).longValue()).isZero();
        assertThat(((Number) partitions.get("sized-1").get("size")).longValue()).isPositive();
        assertThat(partitions.get("sized-1")).containsEntry("offsetLag", 0).containsEntry("isFuture", false);
    }

    /** Moves a partition's only replica from broker 0 to brokers 1 and 2, with its records. */
    @Test
    void reassignPartitionsCommandShouldMoveReplicasToOtherBrokers() throws Exception {
        try (GregorTestCluster cluster = GregorTestCluster.builder().brokers(3).start()) {
            cluster.createTopic(new NewTopic("moving", Map.of(0, List.of(0))));
            Cli onCluster = gregor.withVariable("GREGOR_BOOTSTRAP", cluster.bootstrapServers());
            assertSucceeded(onCluster.runWithInput("r1\nr2\nr3\n", "produce", "--topic", "moving"));
            Path plan = Files.createTempFile("reassignment", ".json");
            try {
                Files.writeString(plan, "{\"version\": 1, \"partitions\": [{\"topic\": \"moving\", \"partition\": 0, \"replicas\": [1, 2]}]}");

                Result started = toolOn(cluster, REASSIGN_PARTITIONS_COMMAND, "--reassignment-json-file", plan.toString(), "--execute");

                assertToolSucceeded(started);
                assertThat(started.out()).contains("Current partition replica assignment")
                    .contains("{\"version\":1,\"partitions\":[{\"topic\":\"moving\",\"partition\":0,\"replicas\":[0]")
                    .contains("Successfully started partition reassignment for moving-0");
                Result verified = awaitTool(() -> toolOn(cluster, REASSIGN_PARTITIONS_COMMAND, "--reassignment-json-file", plan.toString(),
                    "--verify"), "Reassignment of partition moving-0 is completed.");
                assertThat(verified.out()).contains("Clearing broker-level throttles");
            } finally {
                Files.deleteIfExists(plan);
            }

            assertThat(onCluster.run("topics", "--describe", "--topic", "moving").out())
                .containsPattern("Partition: 0 +Leader: [12] +Replicas: 1,2 +Isr: [12],[12]");
            assertThat(onCluster.run("consume", "--topic", "moving", "--from-beginning", "--max-messages", "3", "--timeout-ms", "10000")
                .outLines()).containsExactly("r1", "r2", "r3");
        }
    }

    /**
     * After a failover the leader is not the preferred replica (the first one); once the preferred
     * replica is back in sync, kafka-leader-election hands leadership back to it. Automatic
     * rebalancing is off, so that only the tool moves it.
     */
    @Test
    void leaderElectionCommandShouldMoveLeadershipBackToThePreferredReplica() {
        try (GregorTestCluster cluster = GregorTestCluster.builder().brokers(3).brokerProperty("auto.leader.rebalance.enable", "false")
            .start()) {
            cluster.createTopic(new NewTopic("elected", Map.of(0, List.of(0, 1, 2))));
            Cli onCluster = gregor.withVariable("GREGOR_BOOTSTRAP", cluster.bootstrapServers());
            cluster.stopBroker(0);
            cluster.startBroker(0);
            assertThat(onCluster.run("topics", "--describe", "--topic", "elected").out())
                .containsPattern("Partition: 0 +Leader: [12] +Replicas: 0,1,2 ");

            Result elected = toolOn(cluster, LEADER_ELECTION_COMMAND, "--election-type", "preferred", "--topic", "elected", "--partition", "0");

            assertToolSucceeded(elected);
            assertThat(elected.out()).contains("Successfully completed leader election (PREFERRED) for partitions elected-0");
            assertThat(onCluster.run("topics", "--describe", "--topic", "elected").out())
                .containsPattern("Partition: 0 +Leader: 0 +Replicas: 0,1,2 ");
            Result again = toolOn(cluster, LEADER_ELECTION_COMMAND, "--election-type", "preferred", "--topic", "elected", "--partition", "0");
            assertToolSucceeded(again);
            assertThat(again.out()).contains("Valid replica already elected for partitions elected-0");
            // As with Kafka, an election over all partitions reports only those whose leader changed: none.
            Result all = toolOn(cluster, LEADER_ELECTION_COMMAND, "--election-type", "preferred", "--all-topic-partitions");
            assertToolSucceeded(all);
            assertThat(all.out()).isEmpty();
        }
    }

    /** Runs a tool until its output contains {@code expected} (at most 30 s), for tools that report progress. */
    private static Result awaitTool(Supplier<Result> run, String expected) {
        AtomicReference<Result> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            last.set(run.get());
            assertThat(last.get().out()).as("%s", last.get()).contains(expected);
        });
        return last.get();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
