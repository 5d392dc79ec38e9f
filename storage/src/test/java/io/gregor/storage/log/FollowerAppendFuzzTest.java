package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gregor.storage.config.LogConfig;
import io.gregor.testsupport.AllocationBudget;
import io.gregor.testsupport.ManualTime;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of the follower path: {@link Log#appendAsFollower} (and
 * {@link FollowerBatches} in it) on the records of a fetch response, into a real log.
 *
 * <p>Input: byte 0 bit 0 has the target give every framed batch a valid CRC
 * ({@link FuzzBatches#fixCrcs}), bits 1-2 pick the follower's log end (0, 40, 1000, or
 * 2^31 + 5, beyond what a 4-byte relative offset reaches from 0); the rest is the records of the
 * response. Seeds ({@code FollowerAppendFuzzTestInputs}) are batches as a leader serves them:
 * offsets and leader epochs assigned, each codec, one response cut inside its last batch
 * ({@code StorageSeeds}).
 *
 * <p>For every input, the append either throws {@link CorruptRecordException} or
 * {@link InvalidRecordException} and the log is unchanged, or it stores exactly the whole
 * batches before the first cut one, byte for byte; it rejects exactly when one of those whole
 * batches breaks a rule (size, magic, CRC, offsets continuing the log and within one segment's
 * reach of the first), as a reference walk
 * over the response decides. After an append the log end is the last stored offset + 1, a read
 * from each stored batch's offsets starts at that batch (the offset index points at batch
 * starts), and heap allocation stays within {@link #BUDGET}.
 */
class FollowerAppendFuzzTest {
    static final AllocationBudget BUDGET = new AllocationBudget(2 * 1024 * 1024, 64);
    private static final TopicPartition TP = new TopicPartition("replicated", 0);
    private static final long[] LOG_ENDS = {0, 40, 1000, (1L << 31) + 5};

    private static final ScratchLogDir DIR = new ScratchLogDir("follower-fuzz");
    private static final ManualScheduler SCHEDULER = new ManualScheduler();
    // A small index interval, so that most appends add index entries the reads below go through.
    private static final Log LOG = DIR.open(TP, LogConfig.create(Map.of(), Map.of("index.interval.bytes", "100",
        "segment.index.bytes", "65536")), new ManualTime(StorageSeeds.TIMESTAMP), SCHEDULER);

    @AfterAll
    static void closeLog() throws Exception {
        LOG.close();
        DIR.delete();
    }

    @FuzzTest
    void appendsOnlyTheWholeValidBatchesOfAnyFetch(byte[] input) throws Exception {
        if (input.length < 1) {
            return;
        }
        long logEnd = LOG_ENDS[(input[0] >> 1) & 3];
        ByteBuffer buf = ByteBuffer.wrap(input, 1, input.length - 1).slice();
        if (FuzzBatches.flag(input[0], 0)) {
            FuzzBatches.fixCrcs(buf);
        }
        Expected expected = Expected.walk(buf, logEnd);
        boolean[] rejected = new boolean[1];
        BUDGET.check(input.length, () -> {
            rejected[0] = false;
            if (LOG.logEndOffset() != logEnd || LOG.size() != 0) {
                LOG.truncateFullyAndStartAt(logEnd);
                SCHEDULER.runPending();
            }
            try {
                LOG.appendAsFollower(MemoryRecords.readableRecords(buf.duplicate()));
            } catch (CorruptRecordException | InvalidRecordException e) {
                rejected[0] = true;
            }
        });

        assertThat(rejected[0]).as("rejected; the reference walk says: %s", expected.rejection()).isEqualTo(expected.rejection() != null);
        if (rejected[0] || expected.batches().isEmpty()) {
            assertThat(LOG.logEndOffset()).as("log end after storing nothing").isEqualTo(logEnd);
            assertThat(LOG.size()).as("bytes stored").isZero();
            return;
        }
        Batch last = expected.batches().get(expected.batches().size() - 1);
        assertThat(LOG.logEndOffset()).as("log end").isEqualTo(last.lastOffset() + 1);
        ByteBuffer stored = ScratchLogDir.readAll(LOG, logEnd);
        ByteBuffer whole = buf.duplicate().limit(last.position() + last.size());
        assertThat(stored).as("stored bytes").isEqualTo(whole);
        for (Batch batch : expected.batches()) {
            for (long offset : new long[] {batch.baseOffset(), batch.lastOffset()}) {
                if (offset < logEnd) {
                    continue;
                }
                MutableRecordBatch first = LOG.read(offset, 1, FetchIsolation.LOG_END, true).toMemoryRecords().batches().iterator().next();
                assertThat(first.baseOffset()).as("first batch read from offset %d", offset).isEqualTo(batch.baseOffset());
            }
        }
    }

    /** A whole batch of the response, where it lies in the input. */
    record Batch(int position, int size, long baseOffset, long lastOffset) {
    }

    /** What the follower must make of a response: the whole batches, or why it is rejected. */
    record Expected(List<Batch> batches, String rejection) {
        static Expected walk(ByteBuffer response, long logEnd) {
            List<Batch> batches = new ArrayList<>();
            long next = logEnd;
            for (int at = 0; response.limit() - at >= BatchHeader.LOG_OVERHEAD; ) {
                int size = BatchHeader.totalSize(response, at);
                if (size < BatchHeader.SIZE || size > LogLoader.MAX_RECOVERY_BATCH_BYTES) {
                    return new Expected(batches, "size " + size + " at " + at);
                }
                if (size > response.limit() - at) {
                    break;
                }
                ByteBuffer slice = response.duplicate().position(at).limit(at + size).slice();
                if (BatchHeader.magic(slice, 0) != 2) {
                    return new Expected(batches, "magic " + BatchHeader.magic(slice, 0) + " at " + at);
                }
                if (!MemoryRecords.readableRecords(slice).batches().iterator().next().isValid()) {
                    return new Expected(batches, "CRC at " + at);
                }
                long base = BatchHeader.baseOffset(slice, 0);
                int delta = BatchHeader.lastOffsetDelta(slice, 0);
                if (delta < 0 || base < next) {
                    return new Expected(batches, "offsets " + base + "+" + delta + " after " + next);
                }
                if (!batches.isEmpty() && base + delta - batches.get(0).baseOffset() > Integer.MAX_VALUE) {
                    return new Expected(batches, "offsets " + batches.get(0).baseOffset() + " to " + (base + delta) + " span more than a segment");
                }
                batches.add(new Batch(at, size, base, base + delta));
                next = base + delta + 1;
                at += size;
            }
            return new Expected(batches, null);
        }
    }
}
