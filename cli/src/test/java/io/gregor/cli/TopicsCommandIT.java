package io.gregor.cli;

import static io.gregor.cli.testing.CliAssertions.assertFailed;
import static io.gregor.cli.testing.CliAssertions.assertSucceeded;
import static io.gregor.cli.testing.CliAssertions.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.gregor.cli.testing.Cli;
import io.gregor.cli.testing.Cli.Result;
import io.gregor.cli.testing.GregorBroker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicsCommandIT {
    @RegisterExtension
    static final GregorBroker broker = new GregorBroker();

    private final Cli cli = broker.cli();

    @Test
    void shouldCreateAndDescribeTopicLikeKafkaTopics() {
        Result created = cli.run("topics", "--create", "--topic", "orders", "--partitions", "3", "--replication-factor", "1",
            "--config", "retention.ms=86400000", "--config", "max.message.bytes=2097152");
        assertSucceeded(created);
        assertThat(created.out()).isEqualTo("Created topic orders.\n");

        Result described = cli.run("topics", "--describe", "--topic", "orders");
        assertSucceeded(described);
        List<String> lines = described.outLines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("Topic: orders  TopicId: [A-Za-z0-9_-]{22}  PartitionCount: 3  ReplicationFactor: 1  "
            + "Configs: max.message.bytes=2097152,retention.ms=86400000");
        assertThat(lines.subList(1, 4)).containsExactly(
            "  Topic: orders  Partition: 0  Leader: 0  Replicas: 0  Isr: 0",
            "  Topic: orders  Partition: 1  Leader: 0  Replicas: 0  Isr: 0",
            "  Topic: orders  Partition: 2  Leader: 0  Replicas: 0  Isr: 0");
    }

    @Test
    void shouldAlignPartitionLinesWhenNumbersDifferInWidth() {
        assertSucceeded(cli.run("topics", "--create", "--topic", "wide", "--partitions", "11"));

        List<String> lines = cli.run("topics", "--describe", "--topic", "wide").outLines();

        assertThat(lines.get(1)).isEqualTo("  Topic: wide  Partition: 0   Leader: 0  Replicas: 0  Isr: 0");
        assertThat(lines.get(11)).isEqualTo("  Topic: wide  Partition: 10  Leader: 0  Replicas: 0  Isr: 0");
    }

    @Test
    void shouldListTopicsSortedAndFilterWithRegularExpression() {
        assertSucceeded(cli.run("topics", "--create", "--topic", "list-b"));
        assertSucceeded(cli.run("topics", "--create", "--topic", "list-a"));

        Result all = cli.run("topics", "--list");
        assertSucceeded(all);
        assertThat(all.outLines()).containsSubsequence("list-a", "list-b");

        assertThat(cli.run("topics", "--list", "--topic", "list-.*").outLines()).containsExactly("list-a", "list-b");
        assertThat(cli.run("topics", "--list", "--topic", "nothing-matches").out()).isEmpty();
    }

    @Test
    void shouldPrintParseableJsonForListAndDescribe() throws Exception {
        assertSucceeded(cli.run("topics", "--create", "--topic", "json-topic", "--partitions", "2", "--config", "retention.ms=1000"));

        Result list = cli.run("topics", "--list", "--output", "json");
        assertSucceeded(list);
        assertThat(JSON.std.listFrom(list.out())).contains("json-topic");

        Result described = cli.run("topics", "--describe", "--topic", "json-topic", "-o", "json");
        assertSucceeded(described);
        List<Object> topics = JSON.std.listFrom(described.out());
        assertThat(topics).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> topic = (Map<String, Object>) topics.get(0);
        assertThat(topic).containsEntry("name", "json-topic").containsEntry("partitionCount", 2)
            .containsEntry("replicationFactor", 1).containsEntry("configs", Map.of("retention.ms", "1000"));
        assertThat((List<?>) topic.get("partitions")).hasSize(2)
            .first().isEqualTo(Map.of("partition", 0, "leader", 0, "replicas", List.of(0), "isr", List.of(0)));
    }

    @Test
    void shouldIncreasePartitionCount() {
        assertSucceeded(cli.run("topics", "--create", "--topic", "growing", "--partitions", "1"));

        Result altered = cli.run("topics", "--alter", "--topic", "growing", "--partitions", "4");

        assertSucceeded(altered);
        assertThat(altered.out()).isEqualTo("Increased the partition count of growing to 4.\n");
        assertThat(cli.run("topics", "--describe", "--topic", "growing").outLines().get(0)).contains("PartitionCount: 4");
    }

    @Test
    void shouldRefuseToDecreasePartitionCount() {
        assertSucceeded(cli.run("topics", "--create", "--topic", "shrinking", "--partitions", "3"));

        assertFailed(cli.run("topics", "--alter", "--topic", "shrinking", "--partitions", "2"), "3 partitions");
    }

    @Test
    void shouldDeleteTopic() {
        assertSucceeded(cli.run("topics", "--create", "--topic", "doomed"));

        Result deleted = cli.run("topics", "--delete", "--topic", "doomed");

        assertSucceeded(deleted);
        assertThat(deleted.out()).isEqualTo("Deleted topic doomed.\n");
        assertThat(cli.run("topics", "--list").outLines()).doesNotContain("doomed");
    }

    @Test
    void shouldNameTheTopicWhenItDoesNotExist() {
        assertFailed(cli.run("topics", "--describe", "--topic", "missing"), "Error: topic 'missing' does not exist");
        assertFailed(cli.run("topics", "--alter", "--topic", "missing", "--partitions", "5"), "Error: topic 'missing' does not exist");
        assertFailed(cli.run("topics", "--delete", "--topic", "missing"), "Error: topic 'missing' does not exist");
    }

    @Test
    void shouldSucceedQuietlyWithIfExistsAndIfNotExists() {
        assertSucceeded(cli.run("topics", "--create", "--topic", "twice"));

        assertFailed(cli.run("topics", "--create", "--topic", "twice"), "Error: topic 'twice' already exists");
        Result again = cli.run("topics", "--create", "--topic", "twice", "--if-not-exists");
        assertSucceeded(again);
        assertThat(again.out()).isEmpty();
        assertSucceeded(cli.run("topics", "--delete", "--topic", "never-was", "--if-exists"));
    }

    @Test
    void shouldFindBrokersThroughZooKeeper() {
        assertSucceeded(cli.run("topics", "--create", "--topic", "via-zookeeper"));

        Result listed = cli.withVariable("GREGOR_BOOTSTRAP", null).run("topics", "--zookeeper", broker.zookeeperConnect(), "--list");

        assertSucceeded(listed);
        assertThat(listed.outLines()).contains("via-zookeeper");
    }

    @Test
    void shouldRejectInvalidValuesWithExitCodeOne() {
        assertFailed(cli.run("topics", "--create", "--topic", "t", "--partitions", "x"), "'--partitions': 'x' is not an int");
        assertFailed(cli.run("topics", "--create", "--topic", "t", "--partitions", "0"), "invalid value for --partitions: 0");
        assertFailed(cli.run("topics", "--create", "--topic", "bad/name"), "invalid topic name 'bad/name'");
        assertFailed(cli.run("topics", "--create", "--topic", "t", "--config", "retention.ms"), "invalid value for --config: 'retention.ms'");
        assertFailed(cli.run("topics", "--list", "--output", "xml"), "'--output'");
    }

    @Test
    void shouldReportUsageErrorsWithExitCodeTwo() {
        assertUsageError(cli.run("topics"), "--create | --list | --describe | --alter | --delete");
        assertUsageError(cli.run("topics", "--list", "--describe"), "mutually exclusive");
        assertUsageError(cli.run("topics", "--create", "--partitions", "1"), "--topic is required with --create");
        assertUsageError(cli.run("topics", "--alter", "--topic", "t"), "--alter needs --partitions");
        assertUsageError(cli.run("topics", "--list", "--partitions", "3"), "--partitions cannot be used with --list");
        assertUsageError(cli.run("topics", "--list", "--zookeeper", "localhost:2181", "--bootstrap-server", "localhost:9092"),
            "--zookeeper and --bootstrap-server cannot be used together");
        assertUsageError(cli.run("topics", "--list", "--no-such-flag"), "--no-such-flag");
    }

    @Test
    void shouldFailFastWhenZooKeeperIsUnreachable() {
        assertFailed(cli.run("topics", "--zookeeper", "127.0.0.1:" + ConnectionIT.deadPort(), "--list"),
            "cannot connect to a ZooKeeper server at 127.0.0.1:");
    }
}
