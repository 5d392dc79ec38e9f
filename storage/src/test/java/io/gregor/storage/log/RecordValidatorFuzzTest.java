package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gregor.storage.config.LogConfig;
import io.gregor.testsupport.AllocationBudget;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Coverage-guided fuzzing of the producer path of {@link RecordValidator}: the records of one
 * partition of a produce request, validated as a leader does before appending them.
 *
 * <p>Input: byte 0 picks the topic's configuration (bit 0 {@code cleanup.policy=compact}, bit 1
 * {@code message.timestamp.type=LogAppendTime}, bit 2 {@code message.timestamp.before.max.ms}
 * of a day, bits 3-5 {@code compression.type} producer/uncompressed/gzip/snappy/lz4/zstd, bit 6
 * {@code max.message.bytes=1024}) and bit 7 has the target give every framed batch a valid CRC
 * ({@link FuzzBatches#fixCrcs}); the rest is the records as a producer sends them. Seeds
 * ({@code RecordValidatorFuzzTestInputs}) are batches built by kafka-clients' record builders,
 * with each codec, idempotent and transactional ({@code StorageSeeds}).
 *
 * <p>For every input the validator accepts the records or throws one of its documented
 * exceptions, each of which a produce answers with its error code (CORRUPT_MESSAGE,
 * INVALID_RECORD, INVALID_TIMESTAMP, MESSAGE_TOO_LARGE, UNSUPPORTED_COMPRESSION_TYPE); heap
 * allocation stays within {@link #BUDGET}. What it accepts is what a consumer can read: v2
 * batches with a valid CRC and the record count they declare, and where the validator walked the
 * records (uncompressed batches, compacted topics, batches it recompressed) every record reads,
 * with consecutive offsets, a key on compacted topics, and a CreateTime timestamp inside the
 * topic's window.
 */
class RecordValidatorFuzzTest {
    /** The broker's clock: a minute after the seeds' timestamps. */
    static final long NOW = StorageSeeds.TIMESTAMP + 60_000;
    /**
     * Recompression rebuilds batches in buffers twice their size, and decompressing streams a
     * batch's records (a compressed batch may hold a thousand times its size).
     */
    static final AllocationBudget BUDGET = new AllocationBudget(4 * 1024 * 1024, 1024);
    private static final String[] COMPRESSION = {"producer", "uncompressed", "gzip", "snappy", "lz4", "zstd", "producer", "producer"};
    private static final LogConfig[] CONFIGS = new LogConfig[128];

    static {
        for (int flags = 0; flags < CONFIGS.length; flags++) {
            Map<String, String> overrides = new HashMap<>();
            if ((flags & 1) != 0) {
                overrides.put("cleanup.policy", "compact");
            }
            if ((flags & 2) != 0) {
                overrides.put("message.timestamp.type", "LogAppendTime");
            }
            if ((flags & 4) != 0) {
                overrides.put("message.timestamp.before.max.ms", "86400000");
            }
            overrides.put("compression.type", COMPRESSION[(flags >> 3) & 7]);
            if ((flags & 64) != 0) {
                overrides.put("max.message.bytes", "1024");
            }
            CONFIGS[flags] = LogConfig.create(Map.of(), overrides);
        }
    }

    @FuzzTest
    void validatesOrRejectsAnyProducedRecords(byte[] input) throws Exception {
        if (input.length < 1) {
            return;
        }
        LogConfig config = CONFIGS[input[0] & 0x7f];
        ByteBuffer buf = ByteBuffer.wrap(input, 1, input.length - 1).slice();
        if (FuzzBatches.flag(input[0], 7)) {
            FuzzBatches.fixCrcs(buf);
        }
        MemoryRecords records = MemoryRecords.readableRecords(buf);
        RecordValidator.Validated[] validated = new RecordValidator.Validated[1];
        BUDGET.check(input.length, () -> {
            try {
                validated[0] = RecordValidator.validateFromClient(records, config, NOW);
            } catch (CorruptRecordException | InvalidRecordException | InvalidTimestampException | RecordTooLargeException
                     | UnsupportedCompressionTypeException rejected) {
                validated[0] = null;
            }
        });
        if (validated[0] != null) {
            assertConsumable(validated[0], validated[0].records() != records, config);
        }
    }

    private static void assertConsumable(RecordValidator.Validated validated, boolean rebuilt, LogConfig config) {
        int batches = 0;
        int recordCount = 0;
        for (MutableRecordBatch batch : validated.records().batches()) {
            batches++;
            assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2);
            assertThat(batch.isValid()).as("batch CRC").isTrue();
            assertThat(batch.baseOffset()).isZero();
            assertThat(batch.sizeInBytes()).isLessThanOrEqualTo(config.maxMessageBytes());
            Integer declared = batch.countOrNull();
            assertThat(declared).isNotNull().isPositive();
            recordCount += declared;
            boolean walked = batch.compressionType() == CompressionType.NONE || config.compact() || rebuilt;
            if (walked) {
                assertRecordsRead(batch, declared, config);
            }
        }
        assertThat(batches).isEqualTo(validated.batchCount());
        assertThat(recordCount).isEqualTo(validated.recordCount());
    }

    private static void assertRecordsRead(MutableRecordBatch batch, int declared, LogConfig config) {
        int read = 0;
        for (Record record : batch) {
            assertThat(record.offset()).as("record offset").isEqualTo(batch.baseOffset() + read);
            if (config.compact()) {
                assertThat(record.hasKey()).as("key on a compacted topic").isTrue();
            }
            if (config.timestampType() == TimestampType.CREATE_TIME && batch.timestampType() == TimestampType.CREATE_TIME) {
                assertInWindow(record.timestamp(), config);
            }
            read++;
        }
        assertThat(read).as("records read of %d declared", declared).isEqualTo(declared);
    }

    private static void assertInWindow(long timestamp, LogConfig config) {
        if (timestamp == RecordBatch.NO_TIMESTAMP) {
            return;
        }
        long before = config.timestampBeforeMaxMs();
        long after = config.timestampAfterMaxMs();
        if (before < NOW) {
            assertThat(timestamp).as("timestamp at most message.timestamp.before.max.ms old").isGreaterThanOrEqualTo(NOW - before);
        }
        if (after <= Long.MAX_VALUE - NOW) {
            assertThat(timestamp).as("timestamp at most message.timestamp.after.max.ms ahead").isLessThanOrEqualTo(NOW + after);
        }
    }
}
