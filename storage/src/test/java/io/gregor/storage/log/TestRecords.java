package io.gregor.storage.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Builders of produce-style record sets for storage tests. */
final class TestRecords {
    private TestRecords() {
    }

    static MemoryRecords batch(long timestamp, String... values) {
        return batch(Compression.NONE, timestamp, values);
    }

    static MemoryRecords batch(Compression compression, long timestamp, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(timestamp, ("k" + i).getBytes(StandardCharsets.UTF_8), values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(compression, records);
    }

    static MemoryRecords idempotent(long producerId, short epoch, int baseSequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, records);
    }

    static MemoryRecords keyed(long timestamp, String key, String value) {
        ByteBuffer buf = ByteBuffer.allocate(256);
        MemoryRecordsBuilder b = MemoryRecords.builder(buf, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        b.append(timestamp, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        return b.build();
    }

    /** Copies a record set so that in-place offset assignment does not touch the caller's copy. */
    static MemoryRecords copy(MemoryRecords records) {
        ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
        copy.put(records.buffer().duplicate());
        copy.flip();
        return MemoryRecords.readableRecords(copy);
    }

    /** Reads the whole byte slice of a fetch into records. */
    static List<Record> records(FetchDataInfo info) throws Exception {
        List<Record> out = new ArrayList<>();
        for (RecordBatch batch : info.toMemoryRecords().batches()) {
            for (Record r : batch) {
                out.add(r);
            }
        }
        return out;
    }

    static String value(Record r) {
        ByteBuffer v = r.value().duplicate();
        byte[] bytes = new byte[v.remaining()];
        v.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
