package io.gregor.cli;

import static io.gregor.cli.testing.CliAssertions.assertFailed;
import static io.gregor.cli.testing.CliAssertions.assertSucceeded;
import static io.gregor.cli.testing.CliAssertions.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.gregor.cli.testing.Cli;
import io.gregor.cli.testing.Cli.Result;
import io.gregor.cli.testing.GregorBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Consumer groups through {@code consume --group} and the admin API ({@code groups}). Every test
 * makes its own group, so the tests do not depend on each other's order. The topic {@code orders}
 * has two partitions with two records each.
 */
class GroupsCommandIT {
    @RegisterExtension
    static final GregorBroker broker = new GregorBroker();

    private static final String HEADER = "GROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +CONSUMER-ID +HOST +CLIENT-ID";

    private final Cli cli = broker.cli();

    @BeforeAll
    static void createTopicWithTwoRecordsPerPartition() {
        Cli cli = broker.cli();
        assertSucceeded(cli.run("topics", "--create", "--topic", "orders", "--partitions", "2"));
        assertSucceeded(cli.runWithInput("k1:a\nk2:b\n", "produce", "--topic", "orders", "--partition", "0",
            "--property", "parse.key=true", "--property", "key.separator=:"));
        assertSucceeded(cli.runWithInput("k3:c\nk4:d\n", "produce", "--topic", "orders", "--partition", "1",
            "--property", "parse.key=true", "--property", "key.separator=:"));
    }

    @Test
    void shouldCommitWhatItPrintsWhenConsumingWithAGroup() throws Exception {
        Result consumed = consumeWithGroup("billing", 3);

        assertSucceeded(consumed);
        assertThat(consumed.outLines()).hasSize(3).allMatch(line -> List.of("a", "b", "c", "d").contains(line));
        assertThat(consumed.errLines()).containsExactly("Processed a total of 3 messages");
        List<Map<String, Object>> partitions = describedPartitions("billing");
        assertThat(partitions).extracting(p -> p.get("partition")).containsExactly(0, 1);
        assertThat(sum(partitions, "currentOffset")).isEqualTo(3);
        assertThat(sum(partitions, "logEndOffset")).isEqualTo(4);
        assertThat(sum(partitions, "lag")).isEqualTo(1);

        // The group resumes where it left off: only the record it had not printed comes next.
        Result rest = consumeWithGroup("billing", 1);
        assertSucceeded(rest);
        assertThat(consumed.outLines()).doesNotContainAnyElementsOf(rest.outLines());
        assertThat(sum(describedPartitions("billing"), "lag")).isZero();
    }

    /** As kafka-console-consumer does: a partition it printed nothing from is committed where it started. */
    @Test
    void shouldShowTheLagOfEveryPartitionTheGroupRead() throws Exception {
        assertSucceeded(consumeWithGroup("one-record", 1));

        List<Map<String, Object>> partitions = describedPartitions("one-record");

        assertThat(partitions).extracting(p -> p.get("partition")).containsExactly(0, 1);
        assertThat(sum(partitions, "currentOffset")).isEqualTo(1);
        assertThat(sum(partitions, "lag")).isEqualTo(3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldListGroups() throws Exception {
        assertSucceeded(consumeWithGroup("listed", 1));

        Result listed = cli.run("groups", "--list");

        assertSucceeded(listed);
        assertThat(listed.outLines()).contains("listed");
        Result json = cli.run("groups", "--list", "--output", "json");
        assertSucceeded(json);
        List<Object> groups = JSON.std.listFrom(json.out());
        assertThat(groups).contains(Map.of("group", "listed", "state", "EMPTY", "type", "CLASSIC"));
    }

    @Test
    void shouldDescribeOffsetsLagAndTheMembersOwningEachPartition() throws Exception {
        try (KafkaConsumer<String, String> member = member("live", "live-client")) {
            member.subscribe(List.of("orders"));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (read < 4 && System.nanoTime() < deadline) {
                read += member.poll(Duration.ofMillis(100)).count();
            }
            assertThat(read).as("records read by the group member").isEqualTo(4);
            member.commitSync();

            Result described = cli.run("groups", "--describe", "--group", "live");

            assertSucceeded(described);
            List<String> lines = described.outLines();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).matches(HEADER);
            assertThat(lines.get(1)).matches("live +orders +0 +2 +2 +0 +live-client-\\S+ +/127\\.0\\.0\\.1 +live-client");
            assertThat(lines.get(2)).matches("live +orders +1 +2 +2 +0 +live-client-\\S+ +/127\\.0\\.0\\.1 +live-client");
            assertThat(lines.get(1).indexOf("live-client-")).isEqualTo(lines.get(0).indexOf("CONSUMER-ID"));

            assertThat(cli.run("groups", "--describe", "--all-groups").out()).contains("live-client-");
            assertFailed(cli.run("groups", "--reset-offsets", "--group", "live", "--topic", "orders", "--to-earliest", "--execute"),
                "consumer group 'live' has active members (state Stable); stop its consumers before resetting its offsets");
            assertFailed(cli.run("groups", "--delete", "--group", "live"),
                "consumer group 'live' has active members; stop its consumers before deleting it");
        }
        Result afterLeaving = cli.run("groups", "--describe", "--group", "live");
        assertSucceeded(afterLeaving);
        assertThat(afterLeaving.outLines().get(0)).isEqualTo("Consumer group 'live' has no active members.");
        assertThat(afterLeaving.outLines().get(2)).matches("live +orders +0 +2 +2 +0 +- +- +-");
    }

    @Test
    void shouldNameAGroupThatDoesNotExist() {
        assertFailed(cli.run("groups", "--describe", "--group", "nobody"), "consumer group 'nobody' does not exist");
        assertFailed(cli.run("groups", "--describe", "--group", "nobody", "-o", "json"), "consumer group 'nobody' does not exist");
        assertFailed(cli.run("groups", "--delete", "--group", "nobody"), "consumer group 'nobody' does not exist");
    }

    @Test
    void shouldDryRunAResetUnlessToldToExecute() throws Exception {
        assertSucceeded(consumeWithGroup("replay", 4));

        Result dryRun = cli.run("groups", "--reset-offsets", "--group", "replay", "--topic", "orders", "--to-earliest");

        assertSucceeded(dryRun);
        assertThat(dryRun.outLines()).hasSize(3);
        assertThat(dryRun.outLines().get(0)).matches("GROUP +TOPIC +PARTITION +NEW-OFFSET");
        assertThat(dryRun.outLines().subList(1, 3)).allMatch(line -> line.matches("replay +orders +[01] +0"));
        assertThat(dryRun.errLines()).containsExactly("Dry run: nothing was changed; add --execute to commit these offsets.");
        assertThat(sum(describedPartitions("replay"), "lag")).isZero();

        Result executed = cli.run("groups", "--reset-offsets", "--group", "replay", "--topic", "orders", "--to-earliest", "--execute");

        assertSucceeded(executed);
        assertThat(executed.err()).isEmpty();
        List<Map<String, Object>> partitions = describedPartitions("replay");
        assertThat(partitions).extracting(p -> p.get("currentOffset")).containsExactly(0, 0);
        assertThat(partitions).extracting(p -> p.get("lag")).containsExactly(2, 2);
        assertThat(consumeWithGroup("replay", 4).outLines()).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void shouldResetByShiftOffsetAndTimeWithinEachPartitionsRange() throws Exception {
        assertSucceeded(consumeWithGroup("shifted", 4));

        assertSucceeded(cli.run("groups", "--reset-offsets", "--group", "shifted", "--topic", "orders:0", "--shift-by", "-1", "--execute"));
        assertThat(describedPartitions("shifted")).extracting(p -> p.get("currentOffset")).containsExactly(1, 2);

        assertSucceeded(cli.run("groups", "--reset-offsets", "--group", "shifted", "--topic", "orders:0", "--to-offset", "99", "--execute"));
        assertThat(describedPartitions("shifted")).extracting(p -> p.get("currentOffset")).containsExactly(2, 2);

        assertSucceeded(cli.run("groups", "--reset-offsets", "--group", "shifted", "--all-topics", "--to-datetime", "2000-01-01T00:00:00Z",
            "--execute"));
        assertThat(describedPartitions("shifted")).extracting(p -> p.get("currentOffset")).containsExactly(0, 0);

        Result json = cli.run("groups", "--reset-offsets", "--group", "shifted", "--all-topics", "--to-latest", "--dry-run", "-o", "json");
        assertSucceeded(json);
        assertThat(JSON.std.listFrom(json.out())).containsExactly(Map.of("group", "shifted", "executed", false, "partitions", List.of(
            Map.of("topic", "orders", "partition", 0, "newOffset", 2), Map.of("topic", "orders", "partition", 1, "newOffset", 2))));
    }

    /** As kafka-consumer-groups does: a reset creates the offsets of a group that does not exist yet. */
    @Test
    void shouldResetTheOffsetsOfAGroupThatHasNotStartedYet() throws Exception {
        Result executed = cli.run("groups", "--reset-offsets", "--group", "not-started", "--topic", "orders", "--to-latest", "--execute");

        assertSucceeded(executed);
        assertThat(describedPartitions("not-started")).extracting(p -> p.get("currentOffset")).containsExactly(2, 2);
        assertFailed(cli.run("groups", "--reset-offsets", "--group", "also-not-started", "--all-topics", "--to-latest"),
            "consumer group 'also-not-started' has no committed offsets; name the topics with --topic");
    }

    @Test
    void shouldDeleteAGroupWithoutMembers() {
        assertSucceeded(consumeWithGroup("doomed", 1));

        Result deleted = cli.run("groups", "--delete", "--group", "doomed");

        assertSucceeded(deleted);
        assertThat(deleted.outLines()).containsExactly("Deleted consumer group 'doomed'.");
        assertThat(cli.run("groups", "--list").outLines()).doesNotContain("doomed");
        assertFailed(cli.run("groups", "--delete", "--group", "doomed"), "consumer group 'doomed' does not exist");
    }

    /** These are checked before the broker is asked. */
    @Test
    void shouldRejectBadFlagsBeforeContactingTheBroker() {
        assertUsageError(cli.run("groups", "--describe"), "--group (or --all-groups) is required");
        assertUsageError(cli.run("groups", "--list", "--group", "g"), "--list takes no --group");
        assertUsageError(cli.run("groups", "--reset-offsets", "--group", "g", "--topic", "orders"), "exactly one of --to-earliest");
        assertUsageError(cli.run("groups", "--reset-offsets", "--group", "g", "--to-latest"), "--topic or --all-topics");
        assertUsageError(cli.run("groups", "--reset-offsets", "--group", "g", "--topic", "orders", "--to-latest", "--dry-run", "--execute"),
            "--dry-run and --execute cannot be used together");
        assertUsageError(cli.run("groups", "--describe", "--group", "g", "--to-earliest"), "go with --reset-offsets");
        assertFailed(cli.run("groups", "--reset-offsets", "--group", "g", "--topic", "orders", "--to-datetime", "yesterday"),
            "invalid value for --to-datetime: 'yesterday'");
        assertFailed(cli.run("groups", "--reset-offsets", "--group", "g", "--topic", "orders", "--to-offset", "-3"),
            "invalid value for --to-offset: -3");
    }

    private Result consumeWithGroup(String group, int records) {
        return cli.run("consume", "--topic", "orders", "--group", group, "--from-beginning", "--max-messages", Integer.toString(records),
            "--timeout-ms", "10000");
    }

    /** The partitions of {@code groups --describe --group G -o json}. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> describedPartitions(String group) throws Exception {
        Result described = cli.run("groups", "--describe", "--group", group, "--output", "json");
        assertSucceeded(described);
        List<Object> groups = JSON.std.listFrom(described.out());
        assertThat(groups).hasSize(1);
        Map<String, Object> only = (Map<String, Object>) groups.get(0);
        assertThat(only).containsEntry("group", group);
        return new ArrayList<>((List<Map<String, Object>>) only.get("partitions"));
    }

    private static int sum(List<Map<String, Object>> partitions, String field) {
        return partitions.stream().mapToInt(p -> ((Number) p.get(field)).intValue()).sum();
    }

    private static KafkaConsumer<String, String> member(String group, String clientId) {
        return new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.CLIENT_ID_CONFIG, clientId,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
    }
}
