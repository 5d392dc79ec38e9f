package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.storage.config.LogConfig;
import io.gregor.testsupport.ManualTime;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a follower appends of a fetch response: whole, valid batches continuing its log, or nothing. */
class FollowerAppendTest {
    private static final TopicPartition TP = new TopicPartition("replicated", 0);

    @TempDir
    Path tmp;
    private final ManualTime time = new ManualTime();
    private final ManualScheduler scheduler = new ManualScheduler();
    private Log log;

    @BeforeEach
    void setUp() throws Exception {
        log = open(true);
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
    }

    private Log open(boolean cleanShutdown) throws Exception {
        return Log.open(TP, tmp.resolve("replicated-0").toFile(), LogConfig.defaults(), time, scheduler, cleanShutdown, 0, -1, -1);
    }

    /** Three batches from the leader: offsets 0-1, 2-4 and 5. */
    private static MemoryRecords threeBatches() {
        return TestRecords.concat(TestRecords.replicated(0, 1, "a", "b"), TestRecords.replicated(2, 1, "c", "d", "e"),
            TestRecords.replicated(5, 2, "f"));
    }

    private static int batchStart(MemoryRecords records, int index) {
        ByteBuffer buf = records.buffer();
        int at = buf.position();
        for (int i = 0; i < index; i++) {
            at += BatchHeader.totalSize(buf, at);
        }
        return at;
    }

    private void assertNothingAppended() {
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.size()).isZero();
        assertThat(log.leaderEpochs().isEmpty()).isTrue();
    }

    @Test
    void shouldAppendEveryBatchOfAWholeResponse() throws Exception {
        log.appendAsFollower(threeBatches());
        log.updateHighWatermark(log.logEndOffsetMetadata());

        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThat(log.size()).isEqualTo(threeBatches().sizeInBytes());
        assertThat(TestRecords.records(log.read(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true))).extracting(TestRecords::value)
            .containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(log.leaderEpochs().entries()).extracting(e -> e.epoch() + "@" + e.startOffset()).containsExactly("1@0", "2@5");
    }

    @Test
    void shouldAppendOnlyTheWholeBatchesWhenTheLastOneIsCutShort() throws Exception {
        MemoryRecords all = threeBatches();
        int thirdStart = batchStart(all, 2);

        log.appendAsFollower(TestRecords.cut(all, thirdStart + BatchHeader.SIZE + 3));

        assertThat(log.logEndOffset()).as("the cut batch is fetched again from here").isEqualTo(5);
        assertThat(log.size()).isEqualTo(thirdStart);
        log.appendAsFollower(TestRecords.replicated(5, 2, "f"));
        assertThat(log.logEndOffset()).isEqualTo(6);
    }

    @Test
    void shouldLeaveNoTornBatchOnDiskWhenTheResponseEndsWithAPartialBatch() throws Exception {
        // Given: a response cut inside its last batch, appended, and a crash (no clean shutdown)
        MemoryRecords all = threeBatches();
        log.appendAsFollower(TestRecords.cut(all, all.sizeInBytes() - 1));
        int appended = log.activeSegment().size();

        // When: the broker restarts and recovers the segment
        Log recovered = open(false);
        try {
            // Then: recovery finds nothing to cut
            assertThat(recovered.logEndOffset()).isEqualTo(5);
            assertThat(recovered.activeSegment().size()).isEqualTo(appended);
        } finally {
            recovered.close();
        }
    }

    @Test
    void shouldDropATrailingPieceTooShortForALengthField() {
        MemoryRecords all = threeBatches();

        log.appendAsFollower(TestRecords.cut(all, batchStart(all, 2) + BatchHeader.LOG_OVERHEAD - 1));

        assertThat(log.logEndOffset()).isEqualTo(5);
    }

    @Test
    void shouldAppendNothingWhenOnlyAPartialBatchArrives() {
        log.appendAsFollower(TestRecords.cut(threeBatches(), BatchHeader.SIZE + 1));

        assertNothingAppended();
    }

    @Test
    void shouldAppendNothingForEmptyRecords() {
        log.appendAsFollower(MemoryRecords.EMPTY);

        assertNothingAppended();
    }

    @Test
    void shouldRejectTheWholeResponseWhenABatchInTheMiddleHasABadCrc() {
        MemoryRecords all = TestRecords.copy(threeBatches());
        int second = batchStart(all, 1);
        all.buffer().put(second + BatchHeader.SIZE + 2, (byte) 0x7f);

        assertThatThrownBy(() -> log.appendAsFollower(all)).isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining("offset 2");
        assertNothingAppended();
    }

    @Test
    void shouldRejectABatchWithASizeFieldBelowTheHeaderSize() {
        MemoryRecords all = TestRecords.copy(threeBatches());
        all.buffer().putInt(batchStart(all, 1) + BatchHeader.LENGTH, 10);

        assertThatThrownBy(() -> log.appendAsFollower(all)).isInstanceOf(CorruptRecordException.class).hasMessageContaining("size");
        assertNothingAppended();
    }

    @Test
    void shouldRejectABatchLargerThanRecoveryWouldKeep() {
        MemoryRecords all = TestRecords.copy(threeBatches());
        all.buffer().putInt(batchStart(all, 2) + BatchHeader.LENGTH, LogLoader.MAX_RECOVERY_BATCH_BYTES);

        assertThatThrownBy(() -> log.appendAsFollower(all)).isInstanceOf(CorruptRecordException.class);
        assertNothingAppended();
    }

    @Test
    void shouldRejectABatchThatIsNotMagicV2() {
        MemoryRecords all = TestRecords.copy(threeBatches());
        all.buffer().put(batchStart(all, 1) + BatchHeader.MAGIC, (byte) 1);

        assertThatThrownBy(() -> log.appendAsFollower(all)).isInstanceOf(InvalidRecordException.class).hasMessageContaining("magic 1");
        assertNothingAppended();
    }

    @Test
    void shouldRejectABatchWhoseLastOffsetIsBelowItsBaseOffset() {
        MemoryRecords all = TestRecords.copy(threeBatches());
        int third = batchStart(all, 2);
        all.buffer().putInt(third + BatchHeader.LAST_OFFSET_DELTA, -1);
        TestRecords.rewriteCrc(all.buffer(), third);

        assertThatThrownBy(() -> log.appendAsFollower(all)).isInstanceOf(InvalidRecordException.class)
            .hasMessageContaining("last offset delta");
        assertNothingAppended();
    }

    @Test
    void shouldRejectABatchThatOverlapsTheLogEnd() {
        log.appendAsFollower(TestRecords.replicated(0, 1, "a", "b", "c"));

        assertThatThrownBy(() -> log.appendAsFollower(TestRecords.replicated(2, 1, "c", "d"))).isInstanceOf(InvalidRecordException.class)
            .hasMessageContaining("next offset 3");
        assertThat(log.logEndOffset()).isEqualTo(3);
    }

    @Test
    void shouldRejectAResponseWhoseBatchesOverlapEachOther() {
        MemoryRecords overlapping = TestRecords.concat(TestRecords.replicated(0, 1, "a", "b"), TestRecords.replicated(1, 1, "b", "c"));

        assertThatThrownBy(() -> log.appendAsFollower(overlapping)).isInstanceOf(InvalidRecordException.class);
        assertNothingAppended();
    }

    @Test
    void shouldAcceptOffsetGapsThatCompactionOnTheLeaderLeaves() throws Exception {
        // Given: the leader's cleaner dropped the batches holding offsets 2-9
        log.appendAsFollower(TestRecords.replicated(0, 1, "a", "b"));

        // When
        log.appendAsFollower(TestRecords.concat(TestRecords.replicated(10, 1, "k"), TestRecords.replicated(20, 1, "u")));

        // Then
        log.updateHighWatermark(log.logEndOffsetMetadata());
        assertThat(log.logEndOffset()).isEqualTo(21);
        assertThat(TestRecords.records(log.read(2, 1 << 20, FetchIsolation.HIGH_WATERMARK, true))).extracting(Record::offset)
            .containsExactly(10L, 20L);
    }
}
