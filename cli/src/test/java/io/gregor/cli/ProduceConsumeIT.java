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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Console producer and consumer: formats, round trips and errors. */
@Timeout(60)
class ProduceConsumeIT {
    @RegisterExtension
    static final GregorBroker broker = new GregorBroker();

    private final Cli cli = broker.cli();

    private void createTopic(String topic, int partitions) {
        assertSucceeded(cli.run("topics", "--create", "--topic", topic, "--partitions", Integer.toString(partitions)));
    }

    @Test
    void shouldRoundTripKeysAndHeaders() {
        createTopic("keyed", 1);

        Result produced = cli.runWithInput("trace:1,source:web\tk1:first\ntrace:2\tk2:second value\n",
            "produce", "--topic", "keyed", "--property", "parse.key=true", "--property", "key.separator=:",
            "--property", "parse.headers=true");
        assertSucceeded(produced);
        assertThat(produced.out()).isEmpty();

        Result consumed = cli.run("consume", "--topic", "keyed", "--from-beginning", "--max-messages", "2", "--timeout-ms", "10000",
            "--property", "print.key=true", "--property", "print.headers=true",
            "--property", "print.partition=true", "--property", "print.offset=true");
        assertSucceeded(consumed);
        assertThat(consumed.outLines()).containsExactly(
            "Partition:0\tOffset:0\ttrace:1,source:web\tk1\tfirst",
            "Partition:0\tOffset:1\ttrace:2\tk2\tsecond value");
        assertThat(consumed.errLines()).contains("Processed a total of 2 messages");
    }

    @Test
    void shouldPrintTimestampsAndNullsLikeKafkaConsoleConsumer() {
        createTopic("nulls", 1);
        assertSucceeded(cli.runWithInput("NULL|tombstone-less\nk|NULL\n", "produce", "--topic", "nulls",
            "--property", "parse.key=true", "--property", "key.separator=|", "--property", "null.marker=NULL"));

        Result consumed = cli.run("consume", "--topic", "nulls", "--from-beginning", "--max-messages", "2", "--timeout-ms", "10000",
            "--property", "print.timestamp=true", "--property", "print.key=true", "--property", "key.separator= | ");

        assertSucceeded(consumed);
        assertThat(consumed.outLines()).hasSize(2);
        assertThat(consumed.outLines().get(0)).matches("CreateTime:\\d+ \\| null \\| tombstone-less");
        assertThat(consumed.outLines().get(1)).matches("CreateTime:\\d+ \\| k \\| null");
    }

    @Test
    void shouldRoundTripJsonRecords() throws Exception {
        createTopic("json-records", 1);
        String input = """
            {"key": "k1", "value": {"id": 1, "tags": ["a"]}, "headers": {"source": "web"}}
            {"value": "plain text"}
            """;
        assertSucceeded(cli.runWithInput(input, "produce", "--topic", "json-records", "--json"));

        Result consumed = cli.run("consume", "--topic", "json-records", "--from-beginning", "--max-messages", "2",
            "--timeout-ms", "10000", "--output", "json");

        assertSucceeded(consumed);
        List<String> lines = consumed.outLines();
        assertThat(lines).hasSize(2);
        Map<String, Object> first = JSON.std.mapFrom(lines.get(0));
        assertThat(first).containsEntry("topic", "json-records").containsEntry("partition", 0).containsEntry("offset", 0)
            .containsEntry("key", "k1").containsEntry("value", "{\"id\":1,\"tags\":[\"a\"]}")
            .containsEntry("headers", Map.of("source", "web")).containsEntry("timestampType", "CreateTime");
        Map<String, Object> second = JSON.std.mapFrom(lines.get(1));
        assertThat(second).containsEntry("key", null).containsEntry("value", "plain text");
    }

    @Test
    void shouldReadOnePartitionFromAnOffset() {
        createTopic("offsets", 2);
        assertSucceeded(cli.runWithInput("a\nb\nc\nd\n", "produce", "--topic", "offsets", "--partition", "1"));

        Result consumed = cli.run("consume", "--topic", "offsets", "--partition", "1", "--offset", "2", "--max-messages", "2",
            "--timeout-ms", "10000", "--property", "print.offset=true");

        assertSucceeded(consumed);
        assertThat(consumed.outLines()).containsExactly("Offset:2\tc", "Offset:3\td");
        Result empty = cli.run("consume", "--topic", "offsets", "--partition", "0", "--offset", "earliest", "--timeout-ms", "300");
        assertSucceeded(empty);
        assertThat(empty.out()).isEmpty();
        assertThat(empty.errLines()).containsExactly("Processed a total of 0 messages");
    }

    @Test
    void shouldStopAtMaxMessages() {
        createTopic("many", 1);
        assertSucceeded(cli.runWithInput("1\n2\n3\n4\n5\n", "produce", "--topic", "many", "--acks", "1"));

        Result consumed = cli.run("consume", "--topic", "many", "--from-beginning", "--max-messages", "3");

        assertSucceeded(consumed);
        assertThat(consumed.outLines()).containsExactly("1", "2", "3");
        assertThat(consumed.errLines()).containsExactly("Processed a total of 3 messages");
    }

    @Test
    void shouldStartAtTheEndByDefault() {
        createTopic("only-new", 1);
        assertSucceeded(cli.runWithInput("old\n", "produce", "--topic", "only-new"));

        Result consumed = cli.run("consume", "--topic", "only-new", "--timeout-ms", "500");

        assertSucceeded(consumed);
        assertThat(consumed.out()).isEmpty();
    }

    @Test
    void shouldFailWithOneLineForBadInput() {
        createTopic("strict", 1);

        assertFailed(cli.runWithInput("k1:v1\nno separator\n", "produce", "--topic", "strict",
            "--property", "parse.key=true", "--property", "key.separator=:"), "line 2 has no key separator ':': no separator");
        assertFailed(cli.runWithInput("{\"value\": 1}\n{not json\n", "produce", "--topic", "strict", "--json"), "line 2 is not valid JSON");
        assertFailed(cli.runWithInput("x\n", "produce", "--topic", "strict", "--property", "parse.keys=true"),
            "unknown --property 'parse.keys'");
        assertFailed(cli.runWithInput("x\n", "produce", "--topic", "strict", "--acks", "2"), "'--acks': '2' is not 0, 1 or all");
        assertFailed(cli.runWithInput("x\n", "produce", "--topic", "strict", "--partition", "3"),
            "topic 'strict' has no partition 3 (it has 1)");
    }

    @Test
    void shouldFailWithOneLineForBadConsumeFlags() {
        createTopic("consume-errors", 1);

        assertFailed(cli.run("consume", "--topic", "no-such-topic", "--timeout-ms", "500"), "Error: topic 'no-such-topic' does not exist");
        assertFailed(cli.run("consume", "--topic", "consume-errors", "--partition", "4"),
            "topic 'consume-errors' has no partition 4 (it has 1)");
        assertFailed(cli.run("consume", "--topic", "consume-errors", "--partition", "0", "--offset", "soon"),
            "invalid value for --offset: 'soon'");
        assertFailed(cli.run("consume", "--topic", "consume-errors", "--isolation-level", "dirty"), "'--isolation-level'");
        assertFailed(cli.run("consume", "--topic", "consume-errors", "--property", "print.colour=true"),
            "unknown --property 'print.colour'");
        assertUsageError(cli.run("consume", "--topic", "consume-errors", "--offset", "5"), "--offset needs --partition");
        assertUsageError(cli.run("consume", "--from-beginning"), "--topic");
    }

    @Test
    void shouldReadCommittedWithIsolationLevel() {
        createTopic("isolated", 1);
        assertSucceeded(cli.runWithInput("visible\n", "produce", "--topic", "isolated"));

        Result consumed = cli.run("consume", "--topic", "isolated", "--from-beginning", "--max-messages", "1", "--timeout-ms", "10000",
            "--isolation-level", "read_committed");

        assertSucceeded(consumed);
        assertThat(consumed.outLines()).containsExactly("visible");
    }
}
