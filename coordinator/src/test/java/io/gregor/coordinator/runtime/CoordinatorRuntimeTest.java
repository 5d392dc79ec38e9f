package io.gregor.coordinator.runtime;

import static io.gregor.coordinator.runtime.KeyValueShard.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.storage.log.FetchDataInfo;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.ReadableLog;
import io.gregor.testsupport.ManualTime;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The multi-partition runtime on its own threads: leadership, routing, loading. */
class CoordinatorRuntimeTest {
    private static final String TOPIC = "__test_state";

    @TempDir
    Path dir;
    private LogPartitionWriter writer;
    private CoordinatorRuntime<KeyValueShard> runtime;

    @BeforeEach
    void start() throws Exception {
        writer = new LogPartitionWriter(dir.toFile(), new TopicPartition(TOPIC, 1), new ManualTime());
        runtime = new CoordinatorRuntime<>(TOPIC, "test-coordinator", 2, KeyValueShard::new, writer, Time.SYSTEM);
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        writer.close();
    }

    private static Throwable failure(java.util.concurrent.CompletableFuture<?> f) throws Exception {
        return f.handle((v, e) -> e).get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldAnswerNotCoordinatorForAPartitionItDoesNotLead() throws Exception {
        assertThat(failure(runtime.read(1, s -> s.state))).isInstanceOf(NotCoordinatorException.class);
    }

    @Test
    void shouldServeAPartitionOnceElectedAndStopOnResignation() throws Exception {
        runtime.onElection(1, 0, writer.log());
        String answer = runtime.write(1, "a", s -> CoordinatorResult.of(List.of(put("a", "1")), "written")).get(10, TimeUnit.SECONDS);
        assertThat(answer).isEqualTo("written");
        assertThat(runtime.read(1, s -> Thread.currentThread().getName() + " " + s.state).get(10, TimeUnit.SECONDS))
            .isEqualTo("test-coordinator-1 {a=1}");
        assertThat(runtime.isActive(1)).isTrue();

        runtime.onResignation(1);

        assertThat(failure(runtime.read(1, s -> s.state))).isInstanceOf(NotCoordinatorException.class);
        assertThat(runtime.partitions()).isEmpty();
    }

    @Test
    void shouldRunRequestsThatArriveDuringTheLoadAfterIt() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        ReadableLog slow = new BlockingLog(writer.log(), reading, proceed);
        writer.append(new TopicPartition(TOPIC, 1), ShardRunner.batchOf(List.of(put("a", "1")), 0)).join();

        runtime.onElection(1, 0, slow);
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runtime.anyLoading()).isTrue();
        assertThat(runtime.isActive(1)).isFalse();
        java.util.concurrent.CompletableFuture<String> queued = runtime.read(1, s -> s.state.get("a"));
        assertThat(queued).isNotDone();
        proceed.countDown();

        assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("1");
        assertThat(runtime.anyLoading()).isFalse();
    }

    @Test
    void shouldReloadAPartitionAtANewLeaderEpoch() throws Exception {
        runtime.onElection(1, 0, writer.log());
        runtime.write(1, null, s -> CoordinatorResult.of(List.of(put("a", "1")), "")).get(10, TimeUnit.SECONDS);
        runtime.write(1, null, s -> CoordinatorResult.of(List.of(put("b", "1")), "")).get(10, TimeUnit.SECONDS);
        KeyValueShard before = runtime.read(1, s -> s).get(10, TimeUnit.SECONDS);
        // Another leader truncated the log while this broker was a follower.
        writer.log().truncateTo(1);

        runtime.onElection(1, 0, writer.log());
        assertThat(runtime.read(1, s -> s).get(10, TimeUnit.SECONDS)).isSameAs(before);

        runtime.onElection(1, 1, writer.log());
        KeyValueShard after = runtime.read(1, s -> s).get(10, TimeUnit.SECONDS);
        assertThat(after).isNotSameAs(before);
        assertThat(before.unloaded).isTrue();
        assertThat(after.state).containsExactly(java.util.Map.entry("a", "1"));
    }

    /** A log whose first read waits until the test lets it go on. */
    private record BlockingLog(ReadableLog log, CountDownLatch reading, CountDownLatch proceed) implements ReadableLog {
        @Override
        public TopicPartition topicPartition() {
            return log.topicPartition();
        }

        @Override
        public long logStartOffset() {
            return log.logStartOffset();
        }

        @Override
        public long logEndOffset() {
            return log.logEndOffset();
        }

        @Override
        public long highWatermark() {
            return log.highWatermark();
        }

        @Override
        public FetchDataInfo read(long startOffset, int maxBytes, FetchIsolation isolation, boolean minOneMessage) {
            reading.countDown();
            try {
                proceed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return log.read(startOffset, maxBytes, isolation, minOneMessage);
        }
    }
}
