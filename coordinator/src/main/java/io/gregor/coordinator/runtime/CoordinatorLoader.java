package io.gregor.coordinator.runtime;

import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.ReadableLog;
import java.io.IOException;
import java.util.Iterator;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

/**
 * Rebuilds a shard by replaying its partition from the log start to the log end, through the
 * log's read API: records in offset order to {@link CoordinatorShard#replay}, transaction markers
 * to {@link CoordinatorShard#replayEndTransaction}. Records below the read's start offset (the
 * front of the first batch read) are skipped. Reads go up to the log end, not the high
 * watermark: a new leader's log end is what it will serve, and what the followers truncate to.
 *
 * <p>Stateless; called on the shard's thread before the shard serves requests.
 */
public final class CoordinatorLoader {
    /** Bytes read per step: large enough that a partition of small records takes few reads. */
    static final int READ_BYTES = 8 * 1024 * 1024;

    private CoordinatorLoader() {
    }

    /** How much a load replayed. */
    public record Summary(long records, long batches, long bytes, long endOffset) {
    }

    public static Summary load(ReadableLog log, CoordinatorShard shard) throws IOException {
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        long records = 0;
        long batches = 0;
        long bytes = 0;
        while (offset < end) {
            MemoryRecords read = log.read(offset, READ_BYTES, FetchIsolation.LOG_END, true).toMemoryRecords();
            long next = offset;
            for (MutableRecordBatch batch : read.batches()) {
                batches++;
                bytes += batch.sizeInBytes();
                if (batch.isControlBatch()) {
                    maybeReplayMarker(batch, shard);
                } else {
                    for (Record r : batch) {
                        if (r.offset() >= offset) {
                            shard.replay(r.offset(), batch.producerId(), batch.producerEpoch(), r.key(), r.value());
                            records++;
                        }
                    }
                }
                next = batch.nextOffset();
            }
            if (next <= offset) {
                break;
            }
            offset = next;
        }
        return new Summary(records, batches, bytes, offset);
    }

    private static void maybeReplayMarker(MutableRecordBatch batch, CoordinatorShard shard) {
        Iterator<Record> it = batch.iterator();
        if (!it.hasNext()) {
            return;
        }
        ControlRecordType type = ControlRecordType.parse(it.next().key());
        if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
            shard.replayEndTransaction(batch.producerId(), batch.producerEpoch(), type == ControlRecordType.COMMIT);
        }
    }
}
