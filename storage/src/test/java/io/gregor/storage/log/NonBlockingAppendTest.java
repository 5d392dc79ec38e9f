package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.storage.config.LogConfig;
import io.gregor.testsupport.ManualTime;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends that a network thread may make (no roll, no fsync), and the ones it must hand off. */
class NonBlockingAppendTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path tmp;
    private final ManualTime time = new ManualTime();
    private Log log;

    @AfterEach
    void tearDown() throws Exception {
        log.close();
    }

    private Log open(Map<String, String> overrides) throws Exception {
        log = Log.open(TP, tmp.resolve("orders-0").toFile(), LogConfig.create(Map.of(), overrides), time, new ManualScheduler(),
            true, 0, -1, -1);
        return log;
    }

    private static long firstBaseOffset(MemoryRecords records) {
        return records.batches().iterator().next().baseOffset();
    }

    @Test
    void shouldAppendWithoutBlockingWhenNeitherARollNorAnFsyncIsDue() throws Exception {
        open(Map.of());

        LogAppendInfo info = log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a", "b"), 0, false);

        assertThat(info).isNotNull();
        assertThat(info.lastOffset()).isEqualTo(1);
        assertThat(log.numberOfSegments()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnAppendThatWouldRollASegmentAndLeaveEverythingAsItWas() throws Exception {
        open(Map.of("segment.ms", "1000"));
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a"), 0);
        time.advance(2000);
        MemoryRecords next = TestRecords.batch(time.milliseconds(), "b", "c");

        assertThat(log.appendAsLeader(next, 0, false)).isNull();
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(firstBaseOffset(next)).as("the request's buffer is untouched").isZero();
        assertThat(next.batches().iterator().next().partitionLeaderEpoch()).isEqualTo(RecordBatch.NO_PARTITION_LEADER_EPOCH);

        LogAppendInfo info = log.appendAsLeader(next, 0, true);
        assertThat(info.firstOffset()).isEqualTo(1);
        assertThat(log.numberOfSegments()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAnAppendThatWouldFsyncForFlushMessages() throws Exception {
        open(Map.of("flush.messages", "3"));
        assertThat(log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a"), 0, false)).isNotNull();
        assertThat(log.appendAsLeader(TestRecords.batch(time.milliseconds(), "b", "c"), 0, false)).isNull();
        assertThat(log.recoveryPoint()).isZero();

        assertThat(log.appendAsLeader(TestRecords.batch(time.milliseconds(), "b", "c"), 0, true)).isNotNull();
        assertThat(log.recoveryPoint()).isEqualTo(3);
    }

    @Test
    void shouldAnswerADuplicateWithoutBlockingEvenWhenARollIsDue() throws Exception {
        open(Map.of("segment.ms", "1000"));
        log.appendAsLeader(TestRecords.idempotent(7L, (short) 0, 0, "a"), 0);
        time.advance(2000);

        LogAppendInfo again = log.appendAsLeader(TestRecords.idempotent(7L, (short) 0, 0, "a"), 0, false);

        assertThat(again.duplicate()).isTrue();
        assertThat(again.firstOffset()).isZero();
        assertThat(log.numberOfSegments()).isEqualTo(1);
    }
}
