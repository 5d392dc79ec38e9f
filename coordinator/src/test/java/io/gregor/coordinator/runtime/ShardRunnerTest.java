package io.gregor.coordinator.runtime;

import static io.gregor.coordinator.runtime.KeyValueShard.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.testsupport.ManualTime;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shard runner over a real log, on the test's thread with a manual clock. */
class ShardRunnerTest {
    private static final TopicPartition TP = new TopicPartition("__test_state", 3);

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime();
    private final ManualTaskScheduler scheduler = new ManualTaskScheduler(time);
    private LogPartitionWriter writer;
    private KeyValueShard shard;

    @BeforeEach
    void open() throws Exception {
        writer = new LogPartitionWriter(dir.toFile(), TP, time);
    }

    @AfterEach
    void close() throws Exception {
        writer.close();
    }

    private ShardRunner<KeyValueShard> runner() {
        return new ShardRunner<>(TP, 0, context -> shard = new KeyValueShard(context), writer, Runnable::run, scheduler, time);
    }

    private ShardRunner<KeyValueShard> loaded() throws Exception {
        ShardRunner<KeyValueShard> runner = runner();
        runner.load(writer.log());
        return runner;
    }

    @Test
    void shouldReplayTheRecordsOfAWriteBeforeAnsweringIt() throws Exception {
        ShardRunner<KeyValueShard> runner = loaded();
        AtomicReference<String> seenByResponse = new AtomicReference<>();

        CompletableFuture<String> answer = runner.write("k", s -> CoordinatorResult.of(List.of(put("k", "v1")), "done"))
            .whenComplete((r, e) -> seenByResponse.set(shard.state.get("k")));

        assertThat(answer.join()).isEqualTo("done");
        assertThat(seenByResponse.get()).isEqualTo("v1");
        assertThat(shard.replayed).containsExactly("0:k=v1");
        assertThat(writer.log().logEndOffset()).isEqualTo(1);
    }

    @Test
    void shouldNotChangeTheStateBeforeTheAppendIsCommitted() throws Exception {
        ShardRunner<KeyValueShard> runner = loaded();
        writer.holdCompletions = true;

        CompletableFuture<String> answer = runner.write("k", s -> CoordinatorResult.of(List.of(put("k", "v1")), "done"));

        assertThat(answer).isNotDone();
        assertThat(shard.state).isEmpty();
        writer.release(0);
        assertThat(answer).isCompletedWithValue("done");
        assertThat(shard.state).containsEntry("k", "v1");
    }

    @Test
    void shouldReplayWritesInAppendOrderWhenTheirAppendsCompleteOutOfOrder() throws Exception {
        ShardRunner<KeyValueShard> runner = loaded();
        writer.holdCompletions = true;
        CompletableFuture<String> first = runner.write("k", s -> CoordinatorResult.of(List.of(put("k", "a")), "first"));
        CompletableFuture<String> second = runner.write("k", s -> CoordinatorResult.of(List.of(put("k", "b"), put("j", "c")), "second"));

        writer.release(1);
        assertThat(second).isNotDone();
        assertThat(shard.state).isEmpty();

        writer.release(0);
        assertThat(first).isCompletedWithValue("first");
        assertThat(second).isCompletedWithValue("second");
        assertThat(shard.replayed).containsExactly("0:k=a", "1:k=b", "2:j=c");
        assertThat(shard.state).containsEntry("k", "b").containsEntry("j", "c");
    }

    @Test
    void shouldAnswerAFailedAppendWithTheFailureFunctionAndNotReplayIt() throws Exception {
        ShardRunner<KeyValueShard> runner = loaded();
        writer.fail = new NotLeaderOrFollowerException("moved");

        CompletableFuture<String> mapped = runner.write("k", s -> CoordinatorResult.of(List.of(put("k", "v")), "ok")
            .onAppendFailure(e -> "failed: " + e.getClass().getSimpleName()));
        CompletableFuture<String> raw = runner.write("k", s -> CoordinatorResult.of(List.of(put("k", "v")), "ok"));

        assertThat(mapped).isCompletedWithValue("failed: NotLeaderOrFollowerException");
        assertThat(raw).isCompletedExceptionally();
        assertThat(raw.handle((v, e) -> e).join()).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(shard.state).isEmpty();
        assertThat(shard.replayed).isEmpty();
    }

    @Test
    void shouldAnswerAtOnceWithoutAppendingWhenAnOperationWritesNothing() throws Exception {
        ShardRunner<KeyValueShard> runner = loaded();
        writer.holdCompletions = true;

        assertThat(runner.write("k", s -> CoordinatorResult.respond("nothing to write"))).isCompletedWithValue("nothing to write");
        assertThat(runner.read(s -> s.state.size())).isCompletedWithValue(0);
        assertThat(writer.appends).isZero();
    }

    @Test
    void shouldFailAnOperationThatThrowsAndKeepServing() throws Exception {
        ShardRunner<KeyValueShard> runner = loaded();

        CompletableFuture<String> broken = runner.write("k", s -> {
            throw new IllegalStateException("bug");
        });

        assertThat(broken.handle((v, e) -> e).join()).isInstanceOf(IllegalStateException.class);
        assertThat(runner.write("k", s -> CoordinatorResult.of(List.of(put("k", "v")), "ok"))).isCompletedWithValue("ok");
    }

    @Test
    void shouldRefuseOperationsWhileLoadingAndOnceClosed() throws Exception {
        ShardRunner<KeyValueShard> runner = runner();
        assertThat(runner.read(s -> "x").handle((v, e) -> e).join()).isInstanceOf(CoordinatorLoadInProgressException.class);

        runner.load(writer.log());
        assertThat(shard.loaded).isTrue();
        runner.close();

        assertThat(shard.unloaded).isTrue();
        assertThat(runner.write("k", s -> CoordinatorResult.respond("x")).handle((v, e) -> e).join())
            .isInstanceOf(NotCoordinatorException.class);
    }

    @Test
    void shouldAnswerWritesStillWaitingWhenClosedAsNotCoordinator() throws Exception {
        ShardRunner<KeyValueShard> runner = loaded();
        writer.holdCompletions = true;
        CompletableFuture<String> waiting = runner.write("k", s -> CoordinatorResult.of(List.of(put("k", "v")), "ok")
            .onAppendFailure(e -> e instanceof NotCoordinatorException ? "moved" : "other"));

        runner.close();
        writer.release(0);

        assertThat(waiting).isCompletedWithValue("moved");
        assertThat(shard.state).isEmpty();
    }

    @Test
    void shouldRebuildTheShardFromTheLogThroughItsReadApi() throws Exception {
        ShardRunner<KeyValueShard> first = loaded();
        first.write(null, s -> CoordinatorResult.of(List.of(put("a", "1"), put("b", "1")), "")).join();
        writer.log().roll();
        first.write(null, s -> CoordinatorResult.of(List.of(put("a", "2"), put("c", "1")), "")).join();
        writer.log().roll();
        first.write(null, s -> CoordinatorResult.of(List.of(put("b", null)), "")).join();
        first.close();

        ShardRunner<KeyValueShard> second = runner();
        CoordinatorLoader.Summary summary = second.load(writer.log());

        assertThat(summary.records()).isEqualTo(5);
        assertThat(summary.batches()).isEqualTo(3);
        assertThat(summary.endOffset()).isEqualTo(5);
        assertThat(shard.state).containsExactly(java.util.Map.entry("a", "2"), java.util.Map.entry("c", "1"));
        assertThat(second.isActive()).isTrue();
    }

    @Test
    void shouldStartReplayingAtTheLogStartOffset() throws Exception {
        ShardRunner<KeyValueShard> first = loaded();
        first.write(null, s -> CoordinatorResult.of(List.of(put("a", "1"), put("b", "1"), put("c", "1")), "")).join();
        writer.log().maybeIncrementLogStartOffset(2);

        runner().load(writer.log());

        assertThat(shard.replayed).containsExactly("2:c=1");
    }

    @Test
    void shouldPassTransactionMarkersToTheShard() throws Exception {
        loaded().write(null, s -> CoordinatorResult.of(List.of(put("a", "1")), "")).join();
        long end = writer.log().logEndOffset();
        writer.log().appendAsFollower(MemoryRecords.withEndTransactionMarker(end, time.milliseconds(), 0, 42L, (short) 3,
            new EndTransactionMarker(ControlRecordType.ABORT, 0)));

        runner().load(writer.log());

        assertThat(shard.replayed).containsExactly("0:a=1");
        assertThat(shard.markers).containsExactly("42/3 abort");
    }

    @Test
    void shouldWriteTheRecordsOfATimerOperationAndDropTimersWhenClosed() throws Exception {
        ShardRunner<KeyValueShard> runner = loaded();
        shard.context.timer().schedule("tick", 100, () -> List.of(put("ticked", "yes")));
        shard.context.timer().schedule("later", 500, () -> List.of(put("late", "yes")));

        scheduler.advance(100);
        assertThat(shard.state).containsEntry("ticked", "yes");
        assertThat(shard.context.timer().isScheduled("later")).isTrue();

        runner.close();
        scheduler.advance(1000);
        assertThat(shard.state).doesNotContainKey("late");
    }

    @Test
    void shouldCountTheWritesOfAKeyUntilTheyAreReplayed() throws Exception {
        ShardRunner<KeyValueShard> runner = loaded();
        writer.holdCompletions = true;
        runner.write("group-a", s -> CoordinatorResult.of(List.of(put("a", "1")), ""));
        runner.write("group-a", s -> CoordinatorResult.of(List.of(put("a", "2")), ""));
        runner.write("group-b", s -> CoordinatorResult.respond(""));

        assertThat(shard.context.writesInFlight("group-a")).isEqualTo(2);
        assertThat(shard.context.writesInFlight("group-b")).isZero();
        writer.release(0);
        assertThat(shard.context.writesInFlight("group-a")).isEqualTo(1);
        writer.release(0);
        assertThat(shard.context.writesInFlight("group-a")).isZero();
    }
}
