package io.gregor.storage.log;

import io.gregor.storage.config.LogConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Validates record batches from producers before they are appended, as Kafka's log validator
 * does, without re-encoding them when nothing forces it.
 *
 * <p>Per batch, in this order (Kafka's, so that a producer gets the error Kafka would give):
 * magic v2; framing (at least the 61-byte header, within the request); base offset 0; size
 * within {@code max.message.bytes}; CRC, before any field the CRC covers is believed;
 * record count consistent with the offset delta; no control batches from clients; a sequence
 * number on every idempotent batch; a known compression codec; the timestamp type. Then every
 * record of every batch, compressed or not, is walked ({@link RecordWalk}: framing, offset
 * deltas, the record count, nothing after the last record, for compressed batches each record's
 * decompressed length against {@code max.decompressed.message.bytes}), checking each record's
 * timestamp against {@code message.timestamp.before/after.max.ms} and, on compacted topics, its
 * key. A compressed batch is decompressed as a stream and its keys and values skipped, never
 * held. A topic whose {@code compression.type} names another codec gets the batches rebuilt
 * with that codec at the topic's {@code compression.<codec>.level} (KIP-390), and the rebuilt
 * batches must fit {@code max.message.bytes} too.
 *
 * <p>Errors: damage the CRC can detect is {@link CorruptRecordException} (CORRUPT_MESSAGE, which
 * producers retry); bytes that pass the CRC but break the format or the rules are what the client
 * sent, so {@link InvalidRecordException} (INVALID_RECORD, not retried), as Kafka's record parser
 * answers them.
 *
 * <p>Stateless; thread-safe.
 */
public final class RecordValidator {
    private RecordValidator() {
    }

    /** Validated records ready for offset assignment. */
    public record Validated(MemoryRecords records, int batchCount, int recordCount) {
    }

    /**
     * @throws RecordTooLargeException             a batch above {@code max.message.bytes}, as sent or as rebuilt
     * @throws CorruptRecordException              CRC mismatch or broken batch framing
     * @throws InvalidRecordException              semantic violations (magic, offsets, missing keys, control
     *                                             batches, sequence numbers, record framing)
     * @throws InvalidTimestampException           timestamps outside the allowed window, or a producer's LogAppendTime batch
     * @throws UnsupportedCompressionTypeException a compression codec id that does not exist
     */
    public static Validated validateFromClient(MemoryRecords records, LogConfig config, long nowMs) {
        ByteBuffer buf = records.buffer();
        int start = buf.position();
        int end = buf.limit();
        int batches = 0;
        int count = 0;
        boolean recompress = false;
        String targetCompression = config.compressionType();
        for (int at = start; at < end; ) {
            int size = checkFraming(buf, at, start, end);
            if (BatchHeader.baseOffset(buf, at) != 0) {
                throw new InvalidRecordException("The base offset of a produced record batch must be 0, not "
                    + BatchHeader.baseOffset(buf, at));
            }
            if (size > config.maxMessageBytes()) {
                throw new RecordTooLargeException("Record batch of " + size + " bytes exceeds max.message.bytes "
                    + config.maxMessageBytes());
            }
            MutableRecordBatch batch = MemoryRecords.readableRecords(slice(buf, at, size)).batches().iterator().next();
            batch.ensureValid();
            int recordCount = BatchHeader.recordCount(buf, at);
            if (recordCount <= 0 || BatchHeader.lastOffsetDelta(buf, at) != recordCount - 1) {
                throw new InvalidRecordException("Record batch count " + recordCount + " does not match its last offset delta "
                    + BatchHeader.lastOffsetDelta(buf, at));
            }
            if (BatchHeader.isControl(buf, at)) {
                throw new InvalidRecordException("Clients may not send control batches");
            }
            if (BatchHeader.producerId(buf, at) != RecordBatch.NO_PRODUCER_ID && BatchHeader.baseSequence(buf, at) < 0) {
                throw new InvalidRecordException("Invalid sequence number " + BatchHeader.baseSequence(buf, at)
                    + " in a record batch of producer " + BatchHeader.producerId(buf, at));
            }
            // A producer id needs an epoch (and a transactional batch a producer id): a batch without
            // one cannot be rebuilt for another codec and would confuse the producer state.
            if (BatchHeader.isTransactional(buf, at) && BatchHeader.producerId(buf, at) == RecordBatch.NO_PRODUCER_ID) {
                throw new InvalidRecordException("A transactional record batch needs a producer id");
            }
            if (BatchHeader.producerId(buf, at) != RecordBatch.NO_PRODUCER_ID && BatchHeader.producerEpoch(buf, at) < 0) {
                throw new InvalidRecordException("Invalid producer epoch " + BatchHeader.producerEpoch(buf, at)
                    + " in a record batch of producer " + BatchHeader.producerId(buf, at));
            }
            CompressionType compression = compression(buf, at);
            LogConfig timestampConfig = checkTimestampType(buf, at, config, nowMs) ? config : null;
            RecordWalk.RecordVisitor checks = recordChecks(buf, at, config.compact(), timestampConfig, nowMs);
            if (compression == CompressionType.NONE) {
                RecordWalk.uncompressed(buf, at, size, recordCount, checks);
            } else {
                RecordWalk.compressed(buf, at, size, compression, recordCount, config.maxDecompressedMessageBytes(), checks);
            }
            if (!"producer".equals(targetCompression) && !compressionName(compression).equals(targetCompression)) {
                recompress = true;
            }
            batches++;
            count += recordCount;
            at += size;
        }
        if (batches == 0) {
            throw new InvalidRecordException("Produce request for a partition carried no record batches");
        }
        MemoryRecords result = recompress ? recompress(records, config) : records;
        return new Validated(result, batches, count);
    }

    /** Checks the magic and the length field of the batch at {@code at}; returns its total size. */
    private static int checkFraming(ByteBuffer buf, int at, int start, int end) {
        // Magic first: a legacy message may be shorter than a v2 header and is unsupported, not torn.
        if (end - at > BatchHeader.MAGIC && BatchHeader.magic(buf, at) != RecordBatch.MAGIC_VALUE_V2) {
            throw new InvalidRecordException("Record batch magic " + BatchHeader.magic(buf, at)
                + " is not supported; produce requests must use magic v2");
        }
        if (end - at < BatchHeader.SIZE) {
            throw new CorruptRecordException("Truncated record batch at byte " + (at - start) + " of the produce records");
        }
        int size = BatchHeader.totalSize(buf, at);
        if (size < BatchHeader.SIZE || size > end - at) {
            throw new CorruptRecordException("Record batch size " + size + " at byte " + (at - start) + " is invalid");
        }
        return size;
    }

    private static CompressionType compression(ByteBuffer buf, int at) {
        int id = BatchHeader.attributes(buf, at) & BatchHeader.COMPRESSION_MASK;
        try {
            return CompressionType.forId(id);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedCompressionTypeException("Record batch uses unknown compression codec id " + id);
        }
    }

    /**
     * Applies the rules on the batch's timestamp type; returns whether its records' timestamps
     * still need checking against the window.
     */
    private static boolean checkTimestampType(ByteBuffer buf, int at, LogConfig config, long nowMs) {
        boolean logAppendTimeBatch = (BatchHeader.attributes(buf, at) & BatchHeader.TIMESTAMP_TYPE_MASK) != 0;
        if (config.timestampType() == TimestampType.LOG_APPEND_TIME) {
            if (logAppendTimeBatch) {
                throw new InvalidTimestampException("Invalid timestamp type in a produced batch: producers must not set"
                    + " the timestamp type to LogAppendTime");
            }
            return false;
        }
        if (logAppendTimeBatch) {
            // Each record of a LogAppendTime batch reads as the batch's max timestamp.
            long timestamp = BatchHeader.maxTimestamp(buf, at);
            if (timestamp == RecordBatch.NO_TIMESTAMP) {
                throw new InvalidTimestampException("Invalid timestamp type in a produced batch: LogAppendTime without a timestamp");
            }
            checkTimestamp(timestamp, config, nowMs);
            return false;
        }
        return true;
    }

    private static final RecordWalk.RecordVisitor NO_CHECKS = (index, timestampDelta, hasKey) -> { };

    /** The per-record checks of this topic: keys on compacted topics, timestamps within the window. */
    private static RecordWalk.RecordVisitor recordChecks(ByteBuffer buf, int at, boolean requireKey, LogConfig timestampConfig,
                                                         long nowMs) {
        if (!requireKey && timestampConfig == null) {
            return NO_CHECKS;
        }
        long baseTimestamp = BatchHeader.baseTimestamp(buf, at);
        return (index, timestampDelta, hasKey) -> {
            if (requireKey && !hasKey) {
                throw new InvalidRecordException("Compacted topic cannot accept message without key");
            }
            if (timestampConfig != null) {
                checkTimestamp(baseTimestamp + timestampDelta, timestampConfig, nowMs);
            }
        };
    }

    private static String compressionName(CompressionType type) {
        return type == CompressionType.NONE ? "uncompressed" : type.name;
    }

    private static ByteBuffer slice(ByteBuffer buf, int at, int size) {
        ByteBuffer dup = buf.duplicate();
        dup.position(at).limit(at + size);
        return dup.slice();
    }

    private static void checkTimestamp(long timestamp, LogConfig config, long nowMs) {
        if (timestamp == RecordBatch.NO_TIMESTAMP) {
            return;
        }
        if (timestamp < nowMs && nowMs - timestamp > config.timestampBeforeMaxMs()) {
            throw new InvalidTimestampException("Timestamp " + timestamp + " is more than message.timestamp.before.max.ms ("
                + config.timestampBeforeMaxMs() + ") before the broker's time " + nowMs);
        }
        if (timestamp > nowMs && timestamp - nowMs > config.timestampAfterMaxMs()) {
            throw new InvalidTimestampException("Timestamp " + timestamp + " is more than message.timestamp.after.max.ms ("
                + config.timestampAfterMaxMs() + ") after the broker's time " + nowMs);
        }
    }

    /** The topic's {@code compression.type} at its {@code compression.gzip/lz4/zstd.level} (KIP-390). */
    static Compression targetCompression(LogConfig config) {
        return switch (config.compressionType()) {
            case "gzip" -> Compression.gzip().level(config.gzipLevel()).build();
            case "lz4" -> Compression.lz4().level(config.lz4Level()).build();
            case "zstd" -> Compression.zstd().level(config.zstdLevel()).build();
            case "snappy" -> Compression.snappy().build();
            default -> Compression.NONE;
        };
    }

    /** Rebuilds batches with the topic's {@code compression.type}, keeping producer fields and timestamps. */
    private static MemoryRecords recompress(MemoryRecords records, LogConfig config) {
        String type = config.compressionType();
        Compression compression = targetCompression(config);
        List<ByteBuffer> rebuilt = new ArrayList<>();
        int total = 0;
        for (MutableRecordBatch batch : records.batches()) {
            ByteBuffer out = ByteBuffer.allocate(Math.max(1024, batch.sizeInBytes() * 2));
            MemoryRecordsBuilder builder = new MemoryRecordsBuilder(out, RecordBatch.MAGIC_VALUE_V2, compression,
                batch.timestampType(), 0L, RecordBatch.NO_TIMESTAMP, batch.producerId(), batch.producerEpoch(),
                batch.baseSequence(), batch.isTransactional(), false, batch.partitionLeaderEpoch(), Integer.MAX_VALUE);
            try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                while (it.hasNext()) {
                    Record r = it.next();
                    builder.appendWithOffset(r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
                }
            }
            ByteBuffer built;
            try {
                built = builder.build().buffer();
            } catch (IllegalArgumentException e) {
                // The builder's own checks of the producer fields: what the client sent cannot be stored.
                throw new InvalidRecordException("Record batch cannot be rebuilt as " + type + ": " + e.getMessage());
            }
            if (built.remaining() > config.maxMessageBytes()) {
                throw new RecordTooLargeException("Record batch of " + built.remaining() + " bytes after recompression to " + type
                    + " exceeds max.message.bytes " + config.maxMessageBytes());
            }
            rebuilt.add(built);
            total += built.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        for (ByteBuffer b : rebuilt) {
            all.put(b);
        }
        all.flip();
        return MemoryRecords.readableRecords(all);
    }
}
