package io.gregor.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.faults.Anomaly.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCheckerTest {
    private static final String T = "t";

    /** Builds histories by hand, with times that advance by one ms per op. */
    private static final class Builder {
        final List<Op> ops = new ArrayList<>();
        long t;
        long ids;

        Builder add(Op op) {
            ops.add(op.at(++t));
            return this;
        }

        /** An acknowledged send of {@code value} at {@code p@offset}. */
        Builder acked(String value, int p, long offset) {
            long id = ++ids;
            add(Op.of(Op.INVOKE, "producer-0.1", "send").id(id).record(T, -1, -1, value));
            return add(Op.of(Op.OK, "producer-0.1", "send").id(id).record(T, p, offset, value));
        }

        Builder sendEnded(String type, String value) {
            long id = ++ids;
            add(Op.of(Op.INVOKE, "producer-0.1", "send").id(id).record(T, -1, -1, value));
            return add(Op.of(type, "producer-0.1", "send").id(id).record(T, -1, -1, value).error("TimeoutException"));
        }

        Builder assign(String proc, int gen, String member, String... parts) {
            return add(Op.of(Op.EVENT, proc, "assign").group(gen, member).parts(List.of(parts)));
        }

        Builder read(String proc, int p, long offset, String value) {
            return add(Op.of(Op.OK, proc, "read").record(T, p, offset, value));
        }

        Builder commit(String proc, int gen, int p, long offset) {
            long id = ++ids;
            add(Op.of(Op.INVOKE, proc, "commit").id(id).record(T, p, offset, null).group(gen, proc));
            return add(Op.of(Op.OK, proc, "commit").id(id).record(T, p, offset, null).group(gen, proc));
        }

        Builder committedReadBack(int p, long offset) {
            long id = ++ids;
            add(Op.of(Op.INVOKE, "final", "committed").id(id));
            return add(Op.of(Op.OK, "final", "committed").id(id).record(T, p, offset, null));
        }

        Builder drainStart() {
            return add(Op.of(Op.EVENT, HistoryChecker.DRAIN, "assign").parts(List.of("t-0", "t-1")));
        }

        Builder drainEnd() {
            return add(Op.of(Op.EVENT, HistoryChecker.DRAIN, "drain-end").parts(List.of("t-0=2", "t-1=1")));
        }

        CheckResult check() {
            return HistoryChecker.check(ops);
        }
    }

    /** Two partitions, three acknowledged records, a member that reads and commits them, and a drain that finds them all. */
    private static Builder clean() {
        return new Builder()
            .acked("a", 0, 0).acked("b", 0, 1).acked("c", 1, 0)
            .assign("member-0.1", 1, "m0", "t-0", "t-1")
            .read("member-0.1", 0, 0, "a").read("member-0.1", 0, 1, "b").read("member-0.1", 1, 0, "c")
            .commit("member-0.1", 1, 0, 2).commit("member-0.1", 1, 1, 1)
            .drainStart().read(HistoryChecker.DRAIN, 0, 0, "a").read(HistoryChecker.DRAIN, 0, 1, "b").read(HistoryChecker.DRAIN, 1, 0, "c")
            .drainEnd().committedReadBack(0, 2).committedReadBack(1, 1);
    }

    @Test
    void shouldFindNoAnomalyInACleanHistory() {
        CheckResult result = clean().check();

        assertThat(result.examples()).isEmpty();
        assertThat(result.clean()).isTrue();
        assertThat(result.count("sends acknowledged")).isEqualTo(3);
        assertThat(result.count("records read by the final drain")).isEqualTo(3);
        assertThat(result.count("records read by group members")).isEqualTo(3);
        assertThat(result.count("commits acknowledged")).isEqualTo(2);
    }

    @Test
    void shouldReportAnAcknowledgedRecordTheDrainDidNotRead() {
        Builder h = clean().acked("d", 1, 1);

        CheckResult result = h.check();

        assertThat(result.anomalies(Kind.LOST)).isEqualTo(1);
        assertThat(result.examples()).singleElement().satisfies(a -> assertThat(a.description()).contains("d acknowledged at t-1@1"));
    }

    @Test
    void shouldReportAValueReadAtTwoOffsets() {
        Builder h = clean().read(HistoryChecker.DRAIN, 1, 1, "a");

        CheckResult result = h.check();

        assertThat(result.anomalies(Kind.DUPLICATE)).isEqualTo(1);
        assertThat(result.totalAnomalies()).isEqualTo(1);
        assertThat(result.examples()).singleElement().satisfies(a -> assertThat(a.description()).isEqualTo("a read at [t-0@0, t-1@1]"));
    }

    @Test
    void shouldAllowAnUnknownSendOnceButNotTwice() {
        Builder once = clean().sendEnded(Op.INFO, "u").read(HistoryChecker.DRAIN, 1, 1, "u");
        Builder twice = clean().sendEnded(Op.INFO, "u").read(HistoryChecker.DRAIN, 1, 1, "u").read(HistoryChecker.DRAIN, 1, 2, "u");

        assertThat(once.check().clean()).isTrue();
        assertThat(once.check().count("unknown sends found written")).isEqualTo(1);
        assertThat(twice.check().anomalies(Kind.DUPLICATE)).isEqualTo(1);
    }

    @Test
    void shouldReportOneOffsetReadWithTwoValues() {
        Builder h = clean().sendEnded(Op.INFO, "x").assign("member-1.1", 2, "m1", "t-1").read("member-1.1", 1, 0, "x");

        CheckResult result = h.check();

        assertThat(result.anomalies(Kind.INCONSISTENT_OFFSET)).isEqualTo(1);
        assertThat(result.totalAnomalies()).isEqualTo(1);
        assertThat(result.examples()).anySatisfy(a -> assertThat(a.description()).contains("t-1@0 read as c and as x"));
    }

    @Test
    void shouldReportRecordsNeverWrittenOrWhoseSendFailed() {
        Builder never = clean().read("member-0.1", 1, 1, "ghost");
        Builder failed = clean().sendEnded(Op.FAIL, "f").read(HistoryChecker.DRAIN, 1, 1, "f");

        assertThat(never.check().anomalies(Kind.PHANTOM)).isEqualTo(1);
        assertThat(failed.check().anomalies(Kind.PHANTOM)).isEqualTo(1);
    }

    @Test
    void shouldReportAConsumerGoingBackWithoutANewAssignment() {
        Builder backwards = clean().read("member-0.1", 0, 0, "a");
        Builder reassigned = clean().assign("member-0.1", 2, "m0", "t-0").read("member-0.1", 0, 0, "a");

        assertThat(backwards.check().anomalies(Kind.NON_MONOTONIC_READ)).isEqualTo(1);
        assertThat(reassigned.check().clean()).isTrue();
    }

    @Test
    void shouldReportACommitBelowOneAcknowledgedBeforeIt() {
        Builder h = clean().commit("member-1.1", 2, 0, 1);

        CheckResult result = h.check();

        assertThat(result.anomalies(Kind.COMMIT_BACKWARDS)).isEqualTo(1);
        assertThat(result.examples()).singleElement().satisfies(a -> assertThat(a.description()).contains("commit of 1 by member-1.1"));
    }

    @Test
    void shouldNotOrderOverlappingCommits() {
        // member-1's commit of 1 was invoked before member-0's commit of 2 was acknowledged.
        Builder h = new Builder().acked("a", 0, 0).acked("b", 0, 1)
            .drainStart().read(HistoryChecker.DRAIN, 0, 0, "a").read(HistoryChecker.DRAIN, 0, 1, "b").drainEnd();
        h.add(Op.of(Op.INVOKE, "member-0.1", "commit").id(100).record(T, 0, 2, null).group(1, "m0"));
        h.add(Op.of(Op.INVOKE, "member-1.1", "commit").id(101).record(T, 0, 1, null).group(1, "m1"));
        h.add(Op.of(Op.OK, "member-0.1", "commit").id(100).record(T, 0, 2, null).group(1, "m0"));
        h.add(Op.of(Op.OK, "member-1.1", "commit").id(101).record(T, 0, 1, null).group(1, "m1"));

        assertThat(h.check().anomalies(Kind.COMMIT_BACKWARDS)).isZero();
    }

    @Test
    void shouldReportACommittedOffsetReadBackLowerThanTheLastCommit() {
        Builder h = clean().committedReadBack(0, 1);

        assertThat(h.check().anomalies(Kind.COMMIT_BACKWARDS)).isEqualTo(1);
    }

    @Test
    void shouldReportTwoOwnersOfAPartitionInOneGeneration() {
        Builder h = clean().assign("member-1.1", 1, "m1", "t-1");

        CheckResult result = h.check();

        assertThat(result.anomalies(Kind.SPLIT_OWNERSHIP)).isEqualTo(1);
        assertThat(result.examples()).singleElement().satisfies(a -> assertThat(a.description()).contains("t-1 assigned to [m0, m1] in generation 1"));
    }

    @Test
    void shouldReportAHistoryWithoutAFinalDrainOrWithAShortOne() {
        Builder noDrain = new Builder().acked("a", 0, 0);
        Builder shortDrain = clean().add(Op.of(Op.EVENT, HistoryChecker.DRAIN, "drain-end").error("not at the end"));

        assertThat(noDrain.check().anomalies(Kind.INCOMPLETE)).isEqualTo(1);
        assertThat(noDrain.check().anomalies(Kind.LOST)).as("without a drain, nothing counts as lost").isZero();
        assertThat(shortDrain.check().anomalies(Kind.INCOMPLETE)).isEqualTo(1);
    }

    @Test
    void shouldCheckAHistoryWrittenToAndReadBackFromJsonLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.jsonl");
        try (History history = History.open(file)) {
            for (Op op : clean().acked("d", 1, 1).ops) {
                history.append(op);
            }
        }

        List<Op> ops = History.read(file);

        assertThat(Files.readAllLines(file)).hasSize(ops.size());
        assertThat(ops.get(0).value()).isEqualTo("a");
        assertThat(HistoryChecker.check(ops).anomalies(Kind.LOST)).isEqualTo(1);
    }
}
