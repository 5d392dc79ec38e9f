package io.gregor.cli;

import static io.gregor.cli.testing.CliAssertions.assertFailed;
import static io.gregor.cli.testing.CliAssertions.assertSucceeded;
import static io.gregor.cli.testing.CliAssertions.assertUsageError;

import io.gregor.cli.testing.Cli;
import io.gregor.cli.testing.GregorBroker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Consumer groups through the admin API and {@code consume --group}.
 *
 * <p>The broker does not implement consumer groups yet (issue 4: FindCoordinator, ListGroups,
 * OffsetCommit... are not advertised), so today every group operation must fail with one clear
 * line and exit code 1. The tests marked "FLIP" below say what each must assert once groups
 * land; the commands themselves need no change (they were checked against Apache Kafka 4.4).
 */
class GroupsCommandTest {
    @RegisterExtension
    static final GregorBroker broker = new GregorBroker();

    private static final String UNSUPPORTED = "does not support consumer groups yet";

    private final Cli cli = broker.cli();

    @BeforeAll
    static void createTopicWithRecords() {
        Cli cli = broker.cli();
        assertSucceeded(cli.run("topics", "--create", "--topic", "orders", "--partitions", "2"));
        assertSucceeded(cli.runWithInput("k1:a\nk2:b\nk3:c\nk4:d\n", "produce", "--topic", "orders",
            "--property", "parse.key=true", "--property", "key.separator=:"));
    }

    /**
     * FLIP: exit 0, 3 records printed, "Processed a total of 3 messages"; afterwards
     * {@code groups --describe --group billing} shows CURRENT-OFFSET summing to 3 and LAG summing to 1.
     */
    @Test
    void shouldReportThatConsumingWithAGroupIsNotSupportedYet() {
        assertFailed(cli.run("consume", "--topic", "orders", "--group", "billing", "--from-beginning", "--max-messages", "3",
            "--timeout-ms", "10000"), "Error: the broker at " + broker.bootstrapServers() + " " + UNSUPPORTED
            + " (no FIND_COORDINATOR API); leave out --group to read without a group");
    }

    /** FLIP: exit 0; with a group created by consume --group, the output lists "billing". */
    @Test
    void shouldReportThatListingGroupsIsNotSupportedYet() {
        assertFailed(cli.run("groups", "--list"), UNSUPPORTED + " (no LIST_GROUPS API)");
        assertFailed(cli.run("groups", "--list", "--output", "json"), UNSUPPORTED);
    }

    /**
     * FLIP: exit 0 and the header "GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG
     * CONSUMER-ID HOST CLIENT-ID" with a row per partition of orders; for a group that does not
     * exist: exit 1, "Error: consumer group 'nobody' does not exist".
     */
    @Test
    void shouldReportThatDescribingGroupsIsNotSupportedYet() {
        assertFailed(cli.run("groups", "--describe", "--group", "billing"), UNSUPPORTED + " (no FIND_COORDINATOR API)");
        assertFailed(cli.run("groups", "--describe", "--group", "nobody", "-o", "json"), UNSUPPORTED);
        assertFailed(cli.run("groups", "--describe", "--all-groups"), UNSUPPORTED);
    }

    /**
     * FLIP: dry run prints "GROUP TOPIC PARTITION NEW-OFFSET" rows with 0 for both partitions and
     * "Dry run: nothing was changed..." on stderr; with --execute the next describe shows
     * CURRENT-OFFSET 0 and LAG 2 per partition.
     */
    @Test
    void shouldReportThatResettingOffsetsIsNotSupportedYet() {
        assertFailed(cli.run("groups", "--reset-offsets", "--group", "billing", "--topic", "orders", "--to-earliest"), UNSUPPORTED);
        assertFailed(cli.run("groups", "--reset-offsets", "--group", "billing", "--topic", "orders:0", "--shift-by", "-1", "--execute"),
            UNSUPPORTED);
        assertFailed(cli.run("groups", "--reset-offsets", "--group", "billing", "--all-topics", "--to-datetime", "2024-05-01T00:00:00Z",
            "--dry-run"), UNSUPPORTED);
    }

    /** FLIP: exit 0 and "Deleted consumer group 'billing'."; a second delete fails with "does not exist". */
    @Test
    void shouldReportThatDeletingGroupsIsNotSupportedYet() {
        assertFailed(cli.run("groups", "--delete", "--group", "billing"), UNSUPPORTED);
    }

    /** These are checked before the broker is asked, so they hold with or without group support. */
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
}
