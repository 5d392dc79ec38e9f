package io.gregor.cli;

import static io.gregor.cli.testing.CliAssertions.assertSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.gregor.cli.testing.Cli;
import io.gregor.cli.testing.Cli.Result;
import io.gregor.testkit.GregorTestCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code topics --describe} and {@code cluster} where they have more to say than on one broker:
 * replicas and ISRs on three brokers, the controller, each broker's load, a stopped broker.
 * Every test starts its own cluster, so that the counts are its own.
 */
class SeveralBrokersIT {
    private static final Pattern PARTITION_LINE = Pattern.compile(
        "  Topic: replicated  Partition: (\\d)  Leader: (\\d)  Replicas: (\\d),(\\d),(\\d)  Isr: (\\d),(\\d),(\\d)");

    @TempDir
    Path home;

    private Cli cli(GregorTestCluster cluster) {
        return new Cli(Map.of("GREGOR_BOOTSTRAP", cluster.bootstrapServers()), home);
    }

    @Test
    void shouldDescribeEveryPartitionsReplicasAndIsrLikeKafkaTopics() {
        try (GregorTestCluster cluster = GregorTestCluster.builder().brokers(3).start()) {
            Cli cli = cli(cluster);
            assertSucceeded(cli.run("topics", "--create", "--topic", "replicated", "--partitions", "3", "--replication-factor", "3",
                "--config", "min.insync.replicas=2"));

            Result described = cli.run("topics", "--describe", "--topic", "replicated");

            assertSucceeded(described);
            List<String> lines = described.outLines();
            assertThat(lines).hasSize(4);
            assertThat(lines.get(0)).matches("Topic: replicated  TopicId: \\S{22}  PartitionCount: 3  ReplicationFactor: 3  "
                + "Configs: min.insync.replicas=2");
            List<Integer> leaders = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                Matcher line = PARTITION_LINE.matcher(lines.get(p + 1));
                assertThat(line.matches()).as(lines.get(p + 1)).isTrue();
                assertThat(line.group(1)).isEqualTo(Integer.toString(p));
                assertThat(line.group(2)).as("the leader is the preferred (first) replica").isEqualTo(line.group(3));
                assertThat(List.of(line.group(3), line.group(4), line.group(5))).containsExactlyInAnyOrder("0", "1", "2");
                assertThat(List.of(line.group(6), line.group(7), line.group(8))).containsExactlyInAnyOrder("0", "1", "2");
                leaders.add(Integer.parseInt(line.group(2)));
            }
            assertThat(leaders).as("leaders spread over the brokers").containsExactlyInAnyOrder(0, 1, 2);

            // The ZooKeeper-era form finds all three brokers and prints the same.
            Result throughZooKeeper = cli.withVariable("GREGOR_BOOTSTRAP", null)
                .run("topics", "--zookeeper", cluster.broker(0).zookeeperConnect(), "--describe", "--topic", "replicated");
            assertSucceeded(throughZooKeeper);
            assertThat(throughZooKeeper.out()).isEqualTo(described.out());
        }
    }

    @Test
    void shouldShowTheControllerAndEachBrokersReplicasAndLeaders() throws Exception {
        try (GregorTestCluster cluster = GregorTestCluster.builder().brokers(3).start()) {
            Cli cli = cli(cluster);
            assertSucceeded(cli.run("topics", "--create", "--topic", "load", "--partitions", "6", "--replication-factor", "2"));
            int controller = cluster.broker(0).metadata().image().controllerId();

            Result shown = cli.run("cluster");

            assertSucceeded(shown);
            List<String> lines = shown.outLines();
            assertThat(lines).hasSize(9);
            assertThat(lines.get(1)).isEqualTo("Controller:  " + controller + " (" + cluster.broker(controller).bootstrapServers() + ")");
            assertThat(lines.subList(2, 5)).containsExactly("Brokers:     3", "Topics:      1 (6 partitions)", "");
            assertThat(lines.get(5)).matches("BROKER  HOST +PORT +RACK  PARTITIONS  LEADERS");
            for (int id = 0; id < 3; id++) {
                String port = Integer.toString(cluster.broker(id).endpoints().get(0).port());
                assertThat(lines.get(6 + id)).as("6 partitions x 2 replicas and 6 leaders, spread evenly")
                    .matches(id + " +127\\.0\\.0\\.1 +" + port + " +- +4 +2");
            }

            Map<String, Object> json = JSON.std.mapFrom(cli.run("cluster", "--output", "json").out());
            assertThat(json).containsEntry("controller", controller).containsEntry("partitions", 6);
            assertThat((List<?>) json.get("brokers")).hasSize(3);
        }
    }

    @Test
    void shouldLeaveAStoppedBrokerOutOfTheClusterAndTheIsrs() {
        try (GregorTestCluster cluster = GregorTestCluster.builder().brokers(3).start()) {
            Cli cli = cli(cluster);
            assertSucceeded(cli.run("topics", "--create", "--topic", "replicated", "--partitions", "3", "--replication-factor", "3"));

            cluster.stopBroker(2);

            Result shown = cli.run("cluster");
            assertSucceeded(shown);
            assertThat(shown.outLines()).contains("Brokers:     2");
            assertThat(shown.outLines().subList(6, shown.outLines().size())).hasSize(2).noneMatch(line -> line.startsWith("2 "));
            List<String> partitions = cli.run("topics", "--describe", "--topic", "replicated").outLines().subList(1, 4);
            assertThat(partitions).allMatch(line -> line.matches(".*Leader: [01] .*Replicas: \\d,\\d,\\d  Isr: [01],[01]"), "ISR without broker 2");
        }
    }
}
