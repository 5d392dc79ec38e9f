package io.gregor.storage.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
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

    /** A batch as a leader stores and serves it: offsets and the leader epoch assigned. */
    static MemoryRecords replicated(long baseOffset, int leaderEpoch, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("k" + i).getBytes(StandardCharsets.UTF_8),
                values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, baseOffset, Compression.NONE, TimestampType.CREATE_TIME,
            RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, leaderEpoch, false, records);
    }

    /** The batches of {@code parts} one after another in a new buffer, as a fetch response carries them. */
    static MemoryRecords concat(MemoryRecords... parts) {
        int size = 0;
        for (MemoryRecords part : parts) {
            size += part.sizeInBytes();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (MemoryRecords part : parts) {
            all.put(part.buffer().duplicate());
        }
        all.flip();
        return MemoryRecords.readableRecords(all);
    }

    /** The first {@code length} bytes of {@code records} (a response cut at a byte limit). */
    static MemoryRecords cut(MemoryRecords records, int length) {
        ByteBuffer copy = copy(records).buffer();
        copy.limit(copy.position() + length);
        return MemoryRecords.readableRecords(copy.slice());
    }

    /** Recomputes the CRC of the batch at {@code at} after a test changed a field it covers. */
    static void rewriteCrc(ByteBuffer buf, int at) {
        CRC32C crc = new CRC32C();
        ByteBuffer covered = buf.duplicate();
        covered.position(at + BatchHeader.ATTRIBUTES).limit(at + BatchHeader.totalSize(buf, at));
        crc.update(covered);
        buf.putInt(at + BatchHeader.CRC, (int) crc.getValue());
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
