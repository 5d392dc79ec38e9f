package io.gregor.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.Log;
import io.gregor.testsupport.ManualTime;
import io.gregor.storage.util.ThreadPoolScheduler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A follower replica appending what it fetched from its leader. */
class PartitionFollowerAppendTest {
    private static final TopicPartition TP = new TopicPartition("payments", 0);
    private static final int ME = 2;
    private static final int LEADER = 1;

    @TempDir
    Path tmp;
    private final ManualTime time = new ManualTime();
    private final ThreadPoolScheduler scheduler = new ThreadPoolScheduler(1, "test");
    private Log log;
    private Partition partition;

    @BeforeEach
    void setUp() throws Exception {
        log = Log.open(TP, tmp.resolve("payments-0").toFile(), LogConfig.defaults(), time, scheduler, true, 0, -1, -1);
        partition = new Partition(TP, ME, time, (tp, state, version) -> CompletableFuture.completedFuture(true), id -> true);
        partition.applyState(log, Uuid.ONE_UUID,
            new PartitionImage(0, List.of(1, 2), new PartitionState(LEADER, 3, List.of(1, 2), 1, 0), 0));
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
        scheduler.close();
    }

    /** A batch as the leader serves it, offsets assigned. */
    private static MemoryRecords batch(long baseOffset, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, ("r" + (baseOffset + i)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, baseOffset, Compression.NONE, TimestampType.CREATE_TIME,
            RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, 3, false, records);
    }

    /** The batches one after another, the whole buffer cut to {@code length} bytes. */
    private static MemoryRecords response(int length, MemoryRecords... batches) {
        ByteBuffer all = ByteBuffer.allocate(1 << 16);
        for (MemoryRecords b : batches) {
            all.put(b.buffer().duplicate());
        }
        all.flip();
        all.limit(Math.min(length, all.limit()));
        return MemoryRecords.readableRecords(all);
    }

    @Test
    void shouldAppendTheWholeBatchesAndStopTheHighWatermarkAtTheLogEndWhenTheLastBatchIsCutShort() {
        MemoryRecords first = batch(0, 2);
        MemoryRecords second = batch(2, 3);

        partition.appendAsFollower(response(first.sizeInBytes() + second.sizeInBytes() + 70, first, second, batch(5, 4)), 9, 1);

        assertThat(partition.logEndOffset()).isEqualTo(5);
        assertThat(partition.highWatermark()).as("the leader's is 9, but this replica has only 5").isEqualTo(5);
        assertThat(partition.logStartOffset()).isEqualTo(1);
    }

    @Test
    void shouldChangeNothingWhenABatchOfTheResponseIsCorrupt() {
        partition.appendAsFollower(batch(0, 2), 2, 0);
        MemoryRecords second = batch(2, 3);
        MemoryRecords corrupt = response(1 << 16, second, batch(5, 1));
        corrupt.buffer().put(second.sizeInBytes() + 65, (byte) 0x55);

        assertThatThrownBy(() -> partition.appendAsFollower(corrupt, 6, 1)).isInstanceOf(CorruptRecordException.class);

        assertThat(partition.logEndOffset()).isEqualTo(2);
        assertThat(partition.highWatermark()).isEqualTo(2);
        assertThat(partition.logStartOffset()).isZero();
    }
}
