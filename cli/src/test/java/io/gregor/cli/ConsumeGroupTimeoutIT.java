package io.gregor.cli;

import static io.gregor.cli.testing.CliAssertions.assertSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.cli.testing.Cli;
import io.gregor.cli.testing.Cli.Result;
import io.gregor.cli.testing.GregorBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code consume --group --timeout-ms}: the wait for records starts when the group assigns
 * partitions, so a join slower than the timeout (here Kafka's initial rebalance delay, 2 s)
 * still prints the records. kafka-console-consumer would time out first and print nothing.
 */
class ConsumeGroupTimeoutIT {
    @RegisterExtension
    static final GregorBroker broker = new GregorBroker().with("group.initial.rebalance.delay.ms", "2000");

    private final Cli cli = broker.cli();

    @Test
    void shouldCountTheTimeoutFromTheAssignment() {
        assertSucceeded(cli.run("topics", "--create", "--topic", "slow-join", "--partitions", "2"));
        assertSucceeded(cli.runWithInput("a\nb\nc\n", "produce", "--topic", "slow-join"));

        long started = System.nanoTime();
        Result consumed = cli.run("consume", "--topic", "slow-join", "--group", "late", "--from-beginning", "--timeout-ms", "1000");

        assertSucceeded(consumed);
        assertThat(consumed.outLines()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(System.nanoTime() - started).as("the join waited for the rebalance delay").isGreaterThan(2_000_000_000L);
    }
}
