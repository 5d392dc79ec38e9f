package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Wherever a fetch's byte limit cuts a response, the follower keeps exactly the batches that lie
 * wholly before the cut, and the rest is what it fetches again.
 */
class FollowerBatchesPropertiesTest {
    private static final TopicPartition TP = new TopicPartition("replicated", 0);

    @Property(tries = 200)
    void keepsExactlyTheWholeBatchesBeforeTheCut(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 5) Integer> recordsPerBatch,
                                                 @ForAll @IntRange(min = 0, max = 100) int cutPercent) {
        List<MemoryRecords> batches = new ArrayList<>();
        long offset = 40;
        for (int count : recordsPerBatch) {
            String[] values = new String[count];
            for (int i = 0; i < count; i++) {
                values[i] = "value-" + (offset + i);
            }
            batches.add(TestRecords.replicated(offset, 1, values));
            offset += count;
        }
        MemoryRecords response = TestRecords.concat(batches.toArray(new MemoryRecords[0]));
        int cut = response.sizeInBytes() * cutPercent / 100;

        FollowerBatches.Checked checked = FollowerBatches.check(TP, TestRecords.cut(response, cut), 40);

        int whole = 0;
        int wholeBytes = 0;
        long lastOffset = -1;
        for (MemoryRecords batch : batches) {
            if (wholeBytes + batch.sizeInBytes() > cut) {
                break;
            }
            whole++;
            wholeBytes += batch.sizeInBytes();
            lastOffset = batch.batches().iterator().next().lastOffset();
        }
        assertThat(checked.batchCount()).isEqualTo(whole);
        assertThat(checked.batches().remaining()).isEqualTo(wholeBytes);
        assertThat(checked.droppedBytes()).isEqualTo(cut - wholeBytes);
        assertThat(checked.lastOffset()).isEqualTo(lastOffset);
    }
}
