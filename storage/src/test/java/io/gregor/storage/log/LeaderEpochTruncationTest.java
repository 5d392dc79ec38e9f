package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.epoch.EpochEndOffset;
import io.gregor.storage.epoch.LeaderEpochCache;
import io.gregor.testsupport.ManualTime;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leader epochs recorded by appends, kept across restarts, and cut back by truncation. */
class LeaderEpochTruncationTest {
    @TempDir
    Path tmp;
    private final ManualTime time = new ManualTime();
    private final ManualScheduler scheduler = new ManualScheduler();

    private Log open() throws Exception {
        return Log.open(new TopicPartition("t", 0), tmp.resolve("t-0").toFile(), LogConfig.defaults(), time, scheduler, false, 0, -1, -1);
    }

    @Test
    void shouldTrackEpochsThroughAppendsRestartsAndTruncation() throws Exception {
        Log log = open();
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a", "b"), 1);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "c"), 3);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "d"), 3);
        assertThat(log.leaderEpochs().endOffsetFor(1, log.logEndOffset())).isEqualTo(new EpochEndOffset(1, 2));
        assertThat(log.leaderEpochs().endOffsetFor(2, log.logEndOffset())).isEqualTo(new EpochEndOffset(1, 2));
        assertThat(log.leaderEpochs().endOffsetFor(3, log.logEndOffset())).isEqualTo(new EpochEndOffset(3, 4));
        assertThat(log.leaderEpochs().endOffsetFor(0, log.logEndOffset()).epoch()).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);

        Log reopened = open();
        assertThat(reopened.leaderEpochs().latestEpoch()).isEqualTo(3);
        reopened.truncateTo(2);
        assertThat(reopened.leaderEpochs().latestEpoch()).isEqualTo(1);
        reopened.appendAsLeader(TestRecords.batch(time.milliseconds(), "e"), 4);
        assertThat(reopened.leaderEpochs().entries()).extracting(e -> e.epoch()).containsExactly(1, 4);
        reopened.close();
        log.close();
    }

    @Test
    void shouldRebuildEpochsFromBatchesWhenTheCheckpointIsMissing() throws Exception {
        Log log = open();
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a"), 2);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "b"), 7);
        log.close();
        java.nio.file.Files.delete(tmp.resolve("t-0").resolve(LeaderEpochCache.FILE_NAME));
        Log reopened = open();
        assertThat(reopened.leaderEpochs().entries()).extracting(e -> e.epoch() + "@" + e.startOffset()).containsExactly("2@0", "7@1");
        reopened.close();
    }

    @Test
    void shouldRecoverAnEpochWhoseCheckpointWriteWasLostInACrash() throws Exception {
        // Given: epoch 2 flushed (checkpoint fsynced with the recovery point), then epoch 7
        // appended, whose checkpoint write (not fsynced) the crash loses
        Log log = open();
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a"), 2);
        log.flush(log.logEndOffset());
        long recoveryPoint = log.recoveryPoint();
        java.nio.file.Path checkpoint = tmp.resolve("t-0").resolve(LeaderEpochCache.FILE_NAME);
        byte[] durable = java.nio.file.Files.readAllBytes(checkpoint);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "b"), 7);
        java.nio.file.Files.write(checkpoint, durable);

        // When: the broker restarts after the crash (no clean shutdown)
        Log recovered = Log.open(new TopicPartition("t", 0), tmp.resolve("t-0").toFile(), LogConfig.defaults(), time, scheduler,
            false, recoveryPoint, -1, -1);

        // Then: recovery found epoch 7 in the batch above the recovery point
        assertThat(recoveryPoint).isEqualTo(1);
        assertThat(recovered.leaderEpochs().entries()).extracting(e -> e.epoch() + "@" + e.startOffset()).containsExactly("2@0", "7@1");
        recovered.close();
        log.close();
    }
}
