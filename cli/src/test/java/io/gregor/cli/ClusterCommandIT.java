package io.gregor.cli;

import static io.gregor.cli.testing.CliAssertions.assertSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.gregor.cli.testing.Cli;
import io.gregor.cli.testing.Cli.Result;
import io.gregor.cli.testing.GregorBroker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClusterCommandIT {
    @RegisterExtension
    static final GregorBroker broker = new GregorBroker();

    private final Cli cli = broker.cli();

    @BeforeAll
    static void createTopics() {
        assertSucceeded(broker.cli().run("topics", "--create", "--topic", "a", "--partitions", "2"));
        assertSucceeded(broker.cli().run("topics", "--create", "--topic", "b", "--partitions", "3"));
    }

    @Test
    void shouldShowClusterIdControllerAndBrokerLoad() {
        Result result = cli.run("cluster");

        assertSucceeded(result);
        String port = broker.bootstrapServers().substring(broker.bootstrapServers().lastIndexOf(':') + 1);
        List<String> lines = result.outLines();
        assertThat(lines).hasSize(7);
        assertThat(lines.subList(0, 5)).containsExactly(
            "Cluster ID:  " + broker.clusterId(),
            "Controller:  0 (" + broker.bootstrapServers() + ")",
            "Brokers:     1",
            "Topics:      2 (5 partitions)",
            "");
        assertThat(lines.get(5)).matches("BROKER  HOST       PORT +RACK  PARTITIONS  LEADERS");
        assertThat(lines.get(6)).matches("0       127\\.0\\.0\\.1  " + port + " +-     5           5");
        assertThat(lines.get(6).indexOf('-')).isEqualTo(lines.get(5).indexOf("RACK"));
    }

    @Test
    void shouldPrintParseableJson() throws Exception {
        Result result = cli.run("cluster", "--output", "json");

        assertSucceeded(result);
        Map<String, Object> cluster = JSON.std.mapFrom(result.out());
        assertThat(cluster).containsEntry("clusterId", broker.clusterId()).containsEntry("controller", 0)
            .containsEntry("topics", 2).containsEntry("partitions", 5);
        @SuppressWarnings("unchecked")
        Map<String, Object> only = (Map<String, Object>) ((List<?>) cluster.get("brokers")).get(0);
        assertThat(only).containsEntry("id", 0).containsEntry("host", "127.0.0.1").containsEntry("partitions", 5)
            .containsEntry("leaders", 5).containsEntry("controller", true);
    }
}
