package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.storage.config.LogConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a produce request's records are rejected, with the exception and the error code the
 * producer gets for it (the produce path maps exceptions with {@link Errors#forException}), as
 * Apache Kafka's broker answers the same records.
 */
class RecordValidatorTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private static LogConfig config(String... keyValues) {
        Map<String, String> overrides = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put(keyValues[i], keyValues[i + 1]);
        }
        return LogConfig.create(Map.of(), overrides);
    }

    private static RecordValidator.Validated validate(MemoryRecords records, LogConfig config) {
        return RecordValidator.validateFromClient(records, config, NOW);
    }

    private static void assertRejected(MemoryRecords records, LogConfig config, Class<? extends KafkaException> type, Errors error) {
        assertThatThrownBy(() -> validate(records, config))
            .isInstanceOf(type)
            .satisfies(e -> assertThat(Errors.forException(e)).as("the producer's error code").isEqualTo(error));
    }

    private static SimpleRecord record(long timestamp, String key, String value) {
        return new SimpleRecord(timestamp, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private static MemoryRecords uncompressed(SimpleRecord... records) {
        return TestRecords.copy(MemoryRecords.withRecords(Compression.NONE, records));
    }

    private static MemoryRecords gzip(SimpleRecord... records) {
        return TestRecords.copy(MemoryRecords.withRecords(Compression.gzip().build(), records));
    }

    private static MemoryRecords threeRecords() {
        return uncompressed(record(NOW, "k0", "a"), record(NOW, "k1", "b"), record(NOW, "k2", "c"));
    }

    /** Index in the batch's buffer of the first byte of record {@code index} (its length varint); records shorter than 64 bytes. */
    private static int recordStart(ByteBuffer buf, int index) {
        int at = BatchHeader.SIZE;
        for (int i = 0; i < index; i++) {
            at += 1 + (buf.get(at) >> 1);
        }
        return at;
    }

    /**
     * The records of the uncompressed batch {@code batch}, as they are (a test may have broken
     * them), compressed with {@code codec} under a copy of its header with the codec and a valid
     * CRC: bytes a producer could send, which only the walk over the records can find fault with.
     */
    private static MemoryRecords compressedByHand(MemoryRecords batch, String codec) throws IOException {
        Compression compression = Compression.of(CompressionType.forName(codec)).build();
        ByteBuffer src = batch.buffer().duplicate();
        byte[] records = new byte[src.remaining() - BatchHeader.SIZE];
        src.duplicate().position(BatchHeader.SIZE).get(records);
        ByteBufferOutputStream out = new ByteBufferOutputStream(1024);
        try (OutputStream compressing = compression.wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2)) {
            compressing.write(records);
        }
        ByteBuffer payload = out.buffer().flip();
        ByteBuffer result = ByteBuffer.allocate(BatchHeader.SIZE + payload.remaining());
        result.put(src.limit(src.position() + BatchHeader.SIZE)).put(payload).flip();
        result.putInt(BatchHeader.LENGTH, result.remaining() - BatchHeader.LOG_OVERHEAD);
        short attributes = result.getShort(BatchHeader.ATTRIBUTES);
        result.putShort(BatchHeader.ATTRIBUTES, (short) ((attributes & ~BatchHeader.COMPRESSION_MASK) | compression.type().id));
        TestRecords.rewriteCrc(result, 0);
        return MemoryRecords.readableRecords(result);
    }

    /** Sets the header's record count and last offset delta together (so that only the walk can tell). */
    private static void declareRecords(ByteBuffer buf, int count) {
        buf.putInt(BatchHeader.RECORD_COUNT, count);
        buf.putInt(BatchHeader.LAST_OFFSET_DELTA, count - 1);
        TestRecords.rewriteCrc(buf, 0);
    }

    // ---- what passes ----

    @Test
    void shouldAcceptValidBatchesAndCountTheirRecords() {
        RecordValidator.Validated validated = validate(threeRecords(), config());

        assertThat(validated.batchCount()).isEqualTo(1);
        assertThat(validated.recordCount()).isEqualTo(3);
    }

    @Test
    void shouldRecompressToTheTopicsCompressionTypeKeepingTheRecords() {
        RecordValidator.Validated validated = validate(threeRecords(), config("compression.type", "gzip"));

        RecordBatch batch = validated.records().batches().iterator().next();
        assertThat(batch.compressionType().name).isEqualTo("gzip");
        assertThat(batch.countOrNull()).isEqualTo(3);
    }

    @Test
    void shouldNotCheckTimestampsOnALogAppendTimeTopic() {
        MemoryRecords old = uncompressed(record(NOW - 48 * HOUR, "k", "v"));

        assertThat(validate(old, config("message.timestamp.type", "LogAppendTime", "message.timestamp.before.max.ms", "1000"))
            .recordCount()).isEqualTo(1);
    }

    // ---- framing ----

    @Test
    void shouldRejectRecordsWithoutAnyBatch() {
        assertRejected(MemoryRecords.EMPTY, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectBytesTooFewForABatchHeaderAsCorrupt() {
        assertRejected(TestRecords.cut(threeRecords(), BatchHeader.SIZE - 1), config(), CorruptRecordException.class,
            Errors.CORRUPT_MESSAGE);
    }

    @Test
    void shouldRejectABatchLongerThanTheRequestsRecordsAsCorrupt() {
        MemoryRecords records = threeRecords();
        assertRejected(TestRecords.cut(records, records.sizeInBytes() - 1), config(), CorruptRecordException.class,
            Errors.CORRUPT_MESSAGE);
    }

    @Test
    void shouldRejectABatchSizeFieldBelowTheHeaderSizeAsCorrupt() {
        MemoryRecords records = threeRecords();
        records.buffer().putInt(BatchHeader.LENGTH, BatchHeader.SIZE - BatchHeader.LOG_OVERHEAD - 1);

        assertRejected(records, config(), CorruptRecordException.class, Errors.CORRUPT_MESSAGE);
    }

    @Test
    void shouldRejectMagicV1AsInvalid() {
        MemoryRecords records = threeRecords();
        records.buffer().put(BatchHeader.MAGIC, RecordBatch.MAGIC_VALUE_V1);

        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectAMagicV0MessageShorterThanABatchHeaderAsInvalidNotCorrupt() {
        // offset, size, crc, magic 0, attributes, key length -1, value length 1, value: 27 bytes
        ByteBuffer v0 = ByteBuffer.allocate(27);
        v0.putLong(0).putInt(15).putInt(0).put(RecordBatch.MAGIC_VALUE_V0).put((byte) 0).putInt(-1).putInt(1).put((byte) 'v').flip();

        assertRejected(MemoryRecords.readableRecords(v0), config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectABatchOverMaxMessageBytesAsTooLarge() {
        MemoryRecords big = uncompressed(record(NOW, "k", "x".repeat(2000)));

        assertRejected(big, config("max.message.bytes", "1000"), RecordTooLargeException.class, Errors.MESSAGE_TOO_LARGE);
    }

    @Test
    void shouldRejectABaseOffsetOtherThanZero() {
        MemoryRecords records = TestRecords.copy(MemoryRecords.withRecords(5L, Compression.NONE, record(NOW, "k", "v")));

        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectACrcMismatchAsCorrupt() {
        MemoryRecords records = threeRecords();
        records.buffer().put(records.sizeInBytes() - 2, (byte) 0x33);

        assertRejected(records, config(), CorruptRecordException.class, Errors.CORRUPT_MESSAGE);
    }

    @Test
    void shouldRejectACorruptedRecordCountAsCorruptSoThatTheProducerRetries() {
        // The CRC covers the count: a flipped bit there is damage in transit, not a client error.
        MemoryRecords records = threeRecords();
        records.buffer().putInt(BatchHeader.RECORD_COUNT, 2);

        assertRejected(records, config(), CorruptRecordException.class, Errors.CORRUPT_MESSAGE);
    }

    @Test
    void shouldRejectACorruptedControlFlagAsCorrupt() {
        MemoryRecords records = threeRecords();
        ByteBuffer buf = records.buffer();
        buf.putShort(BatchHeader.ATTRIBUTES, (short) (buf.getShort(BatchHeader.ATTRIBUTES) | BatchHeader.CONTROL_MASK));

        assertRejected(records, config(), CorruptRecordException.class, Errors.CORRUPT_MESSAGE);
    }

    // ---- batch header ----

    @Test
    void shouldRejectABatchWithoutRecords() {
        MemoryRecords records = threeRecords();
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        header.put(records.buffer().duplicate().limit(BatchHeader.SIZE)).flip();
        header.putInt(BatchHeader.LENGTH, BatchHeader.SIZE - BatchHeader.LOG_OVERHEAD);
        header.putInt(BatchHeader.LAST_OFFSET_DELTA, 0);
        header.putInt(BatchHeader.RECORD_COUNT, 0);
        TestRecords.rewriteCrc(header, 0);

        assertRejected(MemoryRecords.readableRecords(header), config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectARecordCountThatDisagreesWithTheLastOffsetDelta() {
        MemoryRecords records = threeRecords();
        records.buffer().putInt(BatchHeader.RECORD_COUNT, 2);
        TestRecords.rewriteCrc(records.buffer(), 0);

        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectAControlBatchFromAClient() {
        MemoryRecords marker = TestRecords.copy(MemoryRecords.withEndTransactionMarker(NOW, 7L, (short) 0,
            new EndTransactionMarker(ControlRecordType.COMMIT, 0)));

        assertRejected(marker, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectAnIdempotentBatchWithoutASequenceNumber() {
        MemoryRecords records = TestRecords.copy(MemoryRecords.withIdempotentRecords(Compression.NONE, 7L, (short) 0, 0,
            record(NOW, "k", "v")));
        records.buffer().putInt(BatchHeader.BASE_SEQUENCE, RecordBatch.NO_SEQUENCE);
        TestRecords.rewriteCrc(records.buffer(), 0);

        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectAnUnknownCompressionCodecAsUnsupported() {
        MemoryRecords records = threeRecords();
        ByteBuffer buf = records.buffer();
        buf.putShort(BatchHeader.ATTRIBUTES, (short) (buf.getShort(BatchHeader.ATTRIBUTES) | 5));
        TestRecords.rewriteCrc(buf, 0);

        assertRejected(records, config(), UnsupportedCompressionTypeException.class, Errors.UNSUPPORTED_COMPRESSION_TYPE);
    }

    @Test
    void shouldRejectABatchThatRecompressionMakesLargerThanMaxMessageBytes() {
        MemoryRecords compressible = gzip(record(NOW, "k", "x".repeat(10_000)));
        assertThat(compressible.sizeInBytes()).isLessThan(1000);

        assertRejected(compressible, config("compression.type", "uncompressed", "max.message.bytes", "2000"),
            RecordTooLargeException.class, Errors.MESSAGE_TOO_LARGE);
    }

    // ---- records of an uncompressed batch ----

    @Test
    void shouldRejectNonSequentialRecordOffsetDeltas() {
        MemoryRecords records = threeRecords();
        ByteBuffer buf = records.buffer();
        // Record 1: length, attributes, timestamp delta 0, then its offset delta 1 (zigzag 2) becomes 2 (zigzag 4).
        int offsetDelta = recordStart(buf, 1) + 3;
        assertThat(buf.get(offsetDelta)).isEqualTo((byte) 2);
        buf.put(offsetDelta, (byte) 4);
        TestRecords.rewriteCrc(buf, 0);

        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectARecordLengthOverrunningTheBatchAsInvalid() {
        // The CRC is right, so the client sent these bytes: Kafka answers INVALID_RECORD, which is not retried.
        MemoryRecords records = threeRecords();
        ByteBuffer buf = records.buffer();
        buf.put(recordStart(buf, 2), (byte) 100);
        TestRecords.rewriteCrc(buf, 0);

        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectBytesAfterTheLastRecordAsInvalid() {
        MemoryRecords records = threeRecords();
        ByteBuffer longer = ByteBuffer.allocate(records.sizeInBytes() + 3);
        longer.put(records.buffer().duplicate()).put(new byte[] {1, 2, 3}).flip();
        longer.putInt(BatchHeader.LENGTH, longer.getInt(BatchHeader.LENGTH) + 3);
        TestRecords.rewriteCrc(longer, 0);

        assertRejected(MemoryRecords.readableRecords(longer), config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectAMalformedVarintInARecordAsInvalid() {
        MemoryRecords records = threeRecords();
        ByteBuffer buf = records.buffer();
        // Record 0's timestamp delta and everything after it: continuation bits to the end of the record.
        for (int i = recordStart(buf, 0) + 2; i < recordStart(buf, 1); i++) {
            buf.put(i, (byte) 0xff);
        }
        TestRecords.rewriteCrc(buf, 0);

        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectARecordWithoutAKeyOnACompactedTopic() {
        MemoryRecords records = uncompressed(record(NOW, "k", "v"), record(NOW, null, "no key"));

        assertRejected(records, config("cleanup.policy", "compact"), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectARecordOlderThanTimestampBeforeMaxMs() {
        MemoryRecords records = uncompressed(record(NOW, "k0", "fresh"), record(NOW - 2 * HOUR, "k1", "stale"));

        assertRejected(records, config("message.timestamp.before.max.ms", String.valueOf(HOUR)), InvalidTimestampException.class,
            Errors.INVALID_TIMESTAMP);
    }

    @Test
    void shouldRejectARecordLaterThanTimestampAfterMaxMs() {
        MemoryRecords records = uncompressed(record(NOW + 2 * HOUR, "k", "from the future"));

        assertRejected(records, config(), InvalidTimestampException.class, Errors.INVALID_TIMESTAMP);
    }

    @Test
    void shouldRejectALogAppendTimeBatchFromAProducerOnALogAppendTimeTopic() {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256), RecordBatch.MAGIC_VALUE_V2, Compression.NONE,
            TimestampType.LOG_APPEND_TIME, 0L, NOW);
        builder.append(NOW, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));

        assertRejected(builder.build(), config("message.timestamp.type", "LogAppendTime"), InvalidTimestampException.class,
            Errors.INVALID_TIMESTAMP);
    }

    @Test
    void shouldCheckTheTimestampOfALogAppendTimeBatchOnACreateTimeTopic() {
        // Every record of a LogAppendTime batch reads as the batch's max timestamp: that is what the window applies to.
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256), RecordBatch.MAGIC_VALUE_V2, Compression.NONE,
            TimestampType.LOG_APPEND_TIME, 0L, NOW - 2 * HOUR);
        builder.append(NOW, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));

        assertRejected(builder.build(), config("message.timestamp.before.max.ms", String.valueOf(HOUR)),
            InvalidTimestampException.class, Errors.INVALID_TIMESTAMP);
    }

    // ---- compressed batches ----

    @Test
    void shouldRejectACompressedRecordWithoutAKeyOnACompactedTopic() {
        MemoryRecords records = gzip(record(NOW, "k", "v"), record(NOW, null, "no key"));

        assertRejected(records, config("cleanup.policy", "compact"), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectACompressedBatchWhoseFirstRecordIsTooOld() {
        MemoryRecords records = gzip(record(NOW - 2 * HOUR, "k0", "stale"), record(NOW, "k1", "fresh"));

        assertRejected(records, config("message.timestamp.before.max.ms", String.valueOf(HOUR)), InvalidTimestampException.class,
            Errors.INVALID_TIMESTAMP);
    }

    @Test
    void shouldRejectACompressedBatchWithATooOldRecordAfterItsFirst() {
        // Neither the first (base) nor the max timestamp of the header shows the middle record's.
        MemoryRecords records = gzip(record(NOW, "k0", "fresh"), record(NOW - 2 * HOUR, "k1", "stale"), record(NOW, "k2", "fresh"));

        assertRejected(records, config("message.timestamp.before.max.ms", String.valueOf(HOUR)), InvalidTimestampException.class,
            Errors.INVALID_TIMESTAMP);
    }

    @Test
    void shouldRejectACompressedBatchWithARecordTooFarInTheFuture() {
        MemoryRecords records = gzip(record(NOW, "k0", "now"), record(NOW + 2 * HOUR, "k1", "later"), record(NOW, "k2", "now"));

        assertRejected(records, config(), InvalidTimestampException.class, Errors.INVALID_TIMESTAMP);
    }

    // ---- records of compressed batches: every record walked, whatever the topic ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void shouldWalkAndAcceptAValidCompressedBatchOfEveryCodec(String codec) throws IOException {
        MemoryRecords records = compressedByHand(threeRecords(), codec);

        RecordValidator.Validated validated = validate(records, config());

        assertThat(validated.recordCount()).isEqualTo(3);
        assertThat(validated.records()).isSameAs(records);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void shouldRejectACompressedBatchWithNonSequentialOffsetDeltasUnderAValidCrc(String codec) throws IOException {
        MemoryRecords records = threeRecords();
        ByteBuffer buf = records.buffer();
        buf.put(recordStart(buf, 1) + 3, (byte) 4); // record 1's offset delta 1 (zigzag 2) becomes 2

        assertRejected(compressedByHand(records, codec), config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void shouldRejectACompressedRecordWhoseLengthRunsPastTheDecompressedData(String codec) throws IOException {
        MemoryRecords records = threeRecords();
        ByteBuffer buf = records.buffer();
        buf.put(recordStart(buf, 2), (byte) 100);

        assertRejected(compressedByHand(records, codec), config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectACompressedBatchHoldingMoreRecordsThanItsHeaderCounts() throws IOException {
        MemoryRecords records = compressedByHand(threeRecords(), "gzip");
        declareRecords(records.buffer(), 2);

        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectACompressedBatchHoldingFewerRecordsThanItsHeaderCounts() throws IOException {
        MemoryRecords records = compressedByHand(threeRecords(), "lz4");
        declareRecords(records.buffer(), 4);

        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectACompressedRecordWhoseValueLengthDisagreesWithItsLength() throws IOException {
        // Record 0: length, attributes, timestamp delta, offset delta, key length 2 (zigzag 4), "k0", then its value length.
        MemoryRecords records = threeRecords();
        ByteBuffer buf = records.buffer();
        int valueLength = recordStart(buf, 0) + 4 + 1 + 2;
        assertThat(buf.get(valueLength)).isEqualTo((byte) 2);
        buf.put(valueLength, (byte) 0); // a value of 0 bytes: the record's declared length is then 1 byte too long

        assertRejected(compressedByHand(records, "zstd"), config(), InvalidRecordException.class, Errors.INVALID_RECORD);
        TestRecords.rewriteCrc(buf, 0);
        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectCompressedDataTheCodecCannotDecompressAsInvalid() {
        // A gzip batch whose payload is not gzip, under a valid CRC: the client's bytes, not damage on the way.
        MemoryRecords records = gzip(record(NOW, "k", "v".repeat(100)));
        ByteBuffer buf = records.buffer();
        for (int i = BatchHeader.SIZE; i < buf.limit(); i++) {
            buf.put(i, (byte) 0x5a);
        }
        TestRecords.rewriteCrc(buf, 0);

        assertRejected(records, config(), InvalidRecordException.class, Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectAHighlyCompressibleHugeRecordAboveMaxDecompressedMessageBytes() {
        // 16 MiB of zeros compress to a few KiB: max.message.bytes cannot see it, max.decompressed.message.bytes does.
        MemoryRecords bomb = gzip(new SimpleRecord(NOW, "k".getBytes(StandardCharsets.UTF_8), new byte[16 << 20]));
        assertThat(bomb.sizeInBytes()).isLessThan(64 * 1024);

        assertRejected(bomb, config("max.decompressed.message.bytes", Integer.toString(1 << 20)), InvalidRecordException.class,
            Errors.INVALID_RECORD);
        assertThat(validate(bomb, config("max.decompressed.message.bytes", Integer.toString(17 << 20))).recordCount()).isEqualTo(1);
    }

    @Test
    void shouldRejectACompressedRecordDeclaringAGigabyteTheDataDoesNotHold() throws IOException {
        // Record 0 claims 2^30 bytes (varint 0x80 0x80 0x80 0x80 0x08): the walk ends at the data's end, allocating nothing for it.
        MemoryRecords records = uncompressed(record(NOW, "k", "v"));
        ByteBuffer buf = records.buffer();
        ByteBuffer claimed = ByteBuffer.allocate(buf.remaining() + 4);
        claimed.put(buf.duplicate().limit(BatchHeader.SIZE)).put(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08})
            .put(buf.duplicate().position(BatchHeader.SIZE + 1)).flip();

        assertRejected(compressedByHand(MemoryRecords.readableRecords(claimed), "gzip"), config(), InvalidRecordException.class,
            Errors.INVALID_RECORD);
    }

    // ---- recompression at the topic's level (KIP-390) ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip:1:9", "lz4:1:17", "zstd:1:19"})
    void shouldRecompressAtTheTopicsCompressionLevel(String codecAndLevels) {
        String[] parts = codecAndLevels.split(":");
        String codec = parts[0];
        Random random = new Random(42);
        List<String> words = List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda");
        List<SimpleRecord> sent = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            StringBuilder value = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                value.append(words.get(random.nextInt(words.size()))).append(random.nextInt(100)).append(' ');
            }
            sent.add(record(NOW, "key-" + random.nextInt(500), value.toString()));
        }
        MemoryRecords produced = uncompressed(sent.toArray(SimpleRecord[]::new));
        String levelKey = "compression." + codec + ".level";

        MemoryRecords fast = validate(produced, config("compression.type", codec, levelKey, parts[1])).records();
        MemoryRecords small = validate(TestRecords.copy(produced), config("compression.type", codec, levelKey, parts[2])).records();

        assertThat(small.sizeInBytes()).as("%s at level %s vs %s", codec, parts[2], parts[1]).isLessThan(fast.sizeInBytes());
        for (MemoryRecords rebuilt : List.of(fast, small)) {
            RecordBatch batch = rebuilt.batches().iterator().next();
            assertThat(batch.compressionType().name).isEqualTo(codec);
            List<String> values = new ArrayList<>();
            for (Record r : batch) {
                values.add(TestRecords.value(r));
            }
            assertThat(values).hasSize(2000).first().isEqualTo(StandardCharsets.UTF_8.decode(sent.get(0).value().duplicate()).toString());
        }
    }
}
