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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConfigsCommandIT {
    @RegisterExtension
    static final GregorBroker broker = new GregorBroker().with("log.retention.hours", "24");

    private final Cli cli = broker.cli();

    @BeforeAll
    static void createTopic() {
        assertSucceeded(broker.cli().run("topics", "--create", "--topic", "configured", "--config", "retention.ms=60000",
            "--config", "cleanup.policy=delete"));
    }

    @Test
    void shouldDescribeTopicOverridesAsAlignedTable() {
        Result described = cli.run("configs", "--entity-type", "topics", "--entity-name", "configured", "--describe");

        assertSucceeded(described);
        assertThat(described.outLines()).containsExactly(
            "Configs that differ from the defaults for topic configured:",
            "NAME            VALUE   SOURCE",
            "cleanup.policy  delete  DYNAMIC_TOPIC_CONFIG",
            "retention.ms    60000   DYNAMIC_TOPIC_CONFIG");
    }

    @Test
    void shouldDescribeEveryConfigWithAll() {
        Result described = cli.run("configs", "--entity-type", "topics", "--entity-name", "configured", "--describe", "--all");

        assertSucceeded(described);
        assertThat(described.outLines().get(0)).isEqualTo("All configs for topic configured:");
        assertThat(described.out()).containsPattern("\nsegment\\.bytes +1073741824 +DEFAULT_CONFIG\n");
    }

    @Test
    void shouldDescribeBrokerConfigsSetInServerProperties() {
        Result described = cli.run("configs", "--entity-type", "brokers", "--entity-name", Integer.toString(broker.brokerId()), "--describe");

        assertSucceeded(described);
        assertThat(described.outLines().get(0)).isEqualTo("Configs that differ from the defaults for broker 0:");
        assertThat(described.out()).containsPattern("\nlog\\.retention\\.hours +24 +STATIC_BROKER_CONFIG\n");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPrintParseableJson() throws Exception {
        Result described = cli.run("configs", "--entity-type", "topics", "--entity-name", "configured", "--describe", "--output", "json");

        assertSucceeded(described);
        List<Object> entities = JSON.std.listFrom(described.out());
        assertThat(entities).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> entity = (Map<String, Object>) entities.get(0);
        assertThat(entity).containsEntry("entityType", "topics").containsEntry("entityName", "configured");
        assertThat((List<Object>) entity.get("configs")).contains(Map.<String, Object>of("name", "retention.ms", "value", "60000",
            "source", "DYNAMIC_TOPIC_CONFIG", "sensitive", false, "readOnly", false));
    }

    @Test
    void shouldChangeOnlyTheNamedTopicConfigs() {
        assertSucceeded(cli.run("topics", "--create", "--topic", "altered", "--config", "retention.ms=60000",
            "--config", "cleanup.policy=compact", "--config", "max.message.bytes=2000000"));

        Result altered = cli.run("configs", "--entity-type", "topics", "--entity-name", "altered", "--alter",
            "--add-config", "retention.ms=120000,segment.ms=3600000", "--delete-config", "cleanup.policy");

        assertSucceeded(altered);
        assertThat(altered.outLines()).containsExactly("Updated configs of topic altered.");
        assertThat(cli.run("configs", "--entity-type", "topics", "--entity-name", "altered", "--describe").outLines()).containsExactly(
            "Configs that differ from the defaults for topic altered:",
            "NAME               VALUE    SOURCE",
            "max.message.bytes  2000000  DYNAMIC_TOPIC_CONFIG",
            "retention.ms       120000   DYNAMIC_TOPIC_CONFIG",
            "segment.ms         3600000  DYNAMIC_TOPIC_CONFIG");
    }

    @Test
    void shouldChangeADynamicBrokerConfig() {
        String id = Integer.toString(broker.brokerId());

        assertSucceeded(cli.run("configs", "--entity-type", "brokers", "--entity-name", id, "--alter", "--add-config", "log.retention.ms=7200000"));

        assertThat(cli.run("configs", "--entity-type", "brokers", "--entity-name", id, "--describe").out())
            .containsPattern("\nlog\\.retention\\.ms +7200000 +DYNAMIC_BROKER_CONFIG\n");
        assertSucceeded(cli.run("configs", "--entity-type", "brokers", "--entity-name", id, "--alter", "--delete-config", "log.retention.ms"));
        assertThat(cli.run("configs", "--entity-type", "brokers", "--entity-name", id, "--describe").out()).doesNotContain("log.retention.ms");
    }

    @Test
    void shouldReportWhatTheBrokerRejectsInOneLine() {
        assertFailed(cli.run("configs", "--entity-type", "topics", "--entity-name", "configured", "--alter", "--add-config", "retention.ms=soon"),
            "retention.ms");
        assertFailed(cli.run("configs", "--entity-type", "topics", "--entity-name", "configured", "--alter", "--add-config", "no.such.config=1"),
            "no.such.config");
        assertFailed(cli.run("configs", "--entity-type", "brokers", "--entity-name", "0", "--alter", "--add-config", "broker.id=5"),
            "broker.id");
    }

    @Test
    void shouldNameMissingEntities() {
        assertFailed(cli.run("configs", "--entity-type", "topics", "--entity-name", "absent", "--describe"), "topic 'absent' does not exist");
        assertFailed(cli.run("configs", "--entity-type", "topics", "--entity-name", "absent", "--alter", "--add-config", "a=b"),
            "topic 'absent' does not exist");
        assertFailed(cli.run("configs", "--entity-type", "brokers", "--entity-name", "7", "--describe"), "broker 7 is not in the cluster");
        assertFailed(cli.run("configs", "--entity-type", "brokers", "--entity-name", "zero", "--describe"),
            "invalid value for --entity-name: 'zero'");
        assertFailed(cli.run("configs", "--entity-type", "users", "--describe"), "'--entity-type'");
    }

    @Test
    void shouldReportUsageErrors() {
        assertUsageError(cli.run("configs", "--entity-type", "topics", "--alter", "--add-config", "a=b"), "--alter needs --entity-name");
        assertUsageError(cli.run("configs", "--entity-type", "topics", "--entity-name", "configured", "--alter"),
            "--alter needs --add-config or --delete-config");
        assertUsageError(cli.run("configs", "--entity-type", "topics", "--describe", "--add-config", "a=b"), "go with --alter");
        assertUsageError(cli.run("configs", "--describe"), "--entity-type");
    }
}
