package io.gregor.storage.log;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;

/**
 * Walks the records of one v2 batch, as Kafka's record parser reads them but without keeping
 * keys, values or headers (Kafka's {@code skipKeyValueIterator}): for each record its length,
 * attributes, timestamp delta, offset delta, key, value and headers must parse and fill exactly
 * the record's length; offset deltas must count 0, 1, 2, ...; the header's record count must be
 * the number of records, with nothing after the last. An uncompressed batch is read in place;
 * a compressed one through its codec's stream, so that memory stays bounded whatever the batch
 * inflates to, and a record longer than {@code max.decompressed.message.bytes} is refused before
 * its bytes are decompressed.
 *
 * <p>Every violation is {@link InvalidRecordException} (INVALID_RECORD): the batch passed its CRC,
 * so these are the bytes the producer sent. Kafka answers the same, except for compressed data its
 * codec cannot decompress, which Kafka's iterator wraps in a plain KafkaException
 * (UNKNOWN_SERVER_ERROR); here that is INVALID_RECORD too, which producers do not retry.
 *
 * <p>Stateless; the decompression buffers are per thread.
 */
final class RecordWalk {
    /** What the walk reports per record, for the checks that depend on the topic. */
    interface RecordVisitor {
        void record(int index, long timestampDelta, boolean hasKey);
    }

    private static final ThreadLocal<BufferSupplier> DECOMPRESSION_BUFFERS = ThreadLocal.withInitial(BufferSupplier::create);

    private RecordWalk() {
    }

    /**
     * Walks a small batch of every codec once, so that the codecs' classes and native libraries
     * (snappy and zstd unpack and load theirs on first use, with file I/O) are loaded on the
     * calling thread and not on a network thread at the first compressed produce.
     *
     * @return the codecs that failed to load (their batches will be refused when they arrive)
     */
    static java.util.List<String> loadCodecs() {
        java.util.List<String> failed = new java.util.ArrayList<>();
        for (CompressionType type : new CompressionType[] {CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4,
            CompressionType.ZSTD}) {
            try {
                org.apache.kafka.common.record.internal.MemoryRecords batch = org.apache.kafka.common.record.internal.MemoryRecords
                    .withRecords(Compression.of(type).build(), new org.apache.kafka.common.record.internal.SimpleRecord(new byte[64]));
                compressed(batch.buffer(), batch.buffer().position(), batch.sizeInBytes(), type, 1, Integer.MAX_VALUE,
                    (index, timestampDelta, hasKey) -> { });
            } catch (RuntimeException | LinkageError e) {
                failed.add(type.name + " (" + e + ")");
            }
        }
        return failed;
    }

    /** Walks the uncompressed batch at {@code at} of {@code size} bytes in place. */
    static void uncompressed(ByteBuffer buf, int at, int size, int recordCount, RecordVisitor visitor) {
        try {
            walk(new BufferInput(buf, at + BatchHeader.SIZE, at + size), recordCount, Integer.MAX_VALUE, visitor);
        } catch (IOException e) {
            throw new IllegalStateException("An in-place read cannot fail with " + e, e);
        }
    }

    /**
     * Walks the compressed batch at {@code at} of {@code size} bytes through its codec.
     *
     * @param maxRecordBytes the largest decompressed record body accepted ({@code max.decompressed.message.bytes})
     */
    static void compressed(ByteBuffer buf, int at, int size, CompressionType type, int recordCount, int maxRecordBytes,
                           RecordVisitor visitor) {
        ByteBuffer payload = buf.duplicate();
        payload.position(at + BatchHeader.SIZE).limit(at + size);
        BufferSupplier buffers = DECOMPRESSION_BUFFERS.get();
        try (InputStream in = Compression.of(type).build().wrapForInput(payload.slice(), RecordBatch.MAGIC_VALUE_V2, buffers)) {
            walk(new StreamInput(in), recordCount, maxRecordBytes, visitor);
        } catch (ApiException e) {
            // The walk's own findings and the topic's checks (INVALID_RECORD, INVALID_TIMESTAMP), as they are.
            throw e;
        } catch (EOFException e) {
            throw new InvalidRecordException("Incorrect declared batch size: the " + type.name + " data ends inside a record");
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException("The " + type.name + " data of a record batch cannot be decompressed: " + e.getMessage());
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Error e) {
            // snappy-java answers some corrupt input with an Error (SnappyError: INVALID_CHUNK_SIZE);
            // it is the client's bytes, not the VM, that are broken.
            throw new InvalidRecordException("The " + type.name + " data of a record batch cannot be decompressed: " + e);
        }
    }

    private static void walk(Input in, int recordCount, int maxRecordBytes, RecordVisitor visitor) throws IOException {
        for (int i = 0; i < recordCount; i++) {
            int length = in.varint();
            if (length <= 0) {
                throw new InvalidRecordException("Record " + i + " of a batch has invalid length " + length);
            }
            if (length > maxRecordBytes) {
                throw new InvalidRecordException("Record " + i + " of a batch is " + length + " bytes decompressed, more than "
                    + "max.decompressed.message.bytes (" + maxRecordBytes + ")");
            }
            long end = in.position() + length;
            in.readByte(); // attributes: no record-level attribute is in use
            long timestampDelta = in.varlong();
            int offsetDelta = in.varint();
            if (offsetDelta != i) {
                throw new InvalidRecordException("Record " + i + " of a batch has offset delta " + offsetDelta);
            }
            int keyLength = in.varint();
            skip(in, keyLength, end, i, "key");
            skip(in, in.varint(), end, i, "value");
            int headers = in.varint();
            if (headers < 0) {
                throw new InvalidRecordException("Record " + i + " of a batch has an invalid number of headers " + headers);
            }
            for (int h = 0; h < headers; h++) {
                int keySize = in.varint();
                if (keySize < 0) {
                    throw new InvalidRecordException("Record " + i + " of a batch has a header with negative key size " + keySize);
                }
                skip(in, keySize, end, i, "header key");
                skip(in, in.varint(), end, i, "header value");
            }
            if (in.position() != end) {
                throw new InvalidRecordException("Record " + i + " of a batch declares " + length + " bytes but its fields take "
                    + (in.position() - (end - length)));
            }
            visitor.record(i, timestampDelta, keyLength >= 0);
        }
        if (!in.atEnd()) {
            throw new InvalidRecordException("Incorrect declared batch size: bytes remain after its " + recordCount + " records");
        }
    }

    /** Skips a field of {@code length} bytes (-1: null), which must end within the record. */
    private static void skip(Input in, int length, long recordEnd, int index, String field) throws IOException {
        if (length < 0) {
            if (length != -1) {
                throw new InvalidRecordException("Record " + index + " of a batch has " + field + " length " + length);
            }
            return;
        }
        if (length > recordEnd - in.position()) {
            throw new InvalidRecordException("Record " + index + " of a batch has a " + field + " of " + length
                + " bytes running past the record's end");
        }
        in.skip(length);
    }

    /** Bytes of the records, with a position counted from the first record. */
    private interface Input {
        byte readByte() throws IOException;

        void skip(int n) throws IOException;

        long position();

        boolean atEnd() throws IOException;

        default int varint() throws IOException {
            int value = 0;
            for (int shift = 0; shift <= 28; shift += 7) {
                byte b = readByte();
                value |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
            }
            throw new InvalidRecordException("Malformed varint in a record");
        }

        default long varlong() throws IOException {
            long value = 0;
            for (int shift = 0; shift <= 63; shift += 7) {
                byte b = readByte();
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
            }
            throw new InvalidRecordException("Malformed varlong in a record");
        }
    }

    /** The batch's own buffer, read by index: no copy, no allocation. */
    private static final class BufferInput implements Input {
        private final ByteBuffer buf;
        private final int start;
        private final int end;
        private int at;

        BufferInput(ByteBuffer buf, int start, int end) {
            this.buf = buf;
            this.start = start;
            this.end = end;
            this.at = start;
        }

        @Override
        public byte readByte() {
            if (at >= end) {
                throw new InvalidRecordException("Record batch ends inside a record");
            }
            return buf.get(at++);
        }

        @Override
        public void skip(int n) {
            if (n > end - at) {
                throw new InvalidRecordException("Record batch ends inside a record");
            }
            at += n;
        }

        @Override
        public long position() {
            return at - start;
        }

        @Override
        public boolean atEnd() {
            return at == end;
        }
    }

    /** A codec's decompressing stream; skipping still decompresses, but into the codec's own buffers. */
    private static final class StreamInput implements Input {
        private final InputStream in;
        private long position;

        StreamInput(InputStream in) {
            this.in = in;
        }

        @Override
        public byte readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            position++;
            return (byte) b;
        }

        @Override
        public void skip(int n) throws IOException {
            long left = n;
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    readByte();
                    left--;
                } else {
                    left -= skipped;
                    position += skipped;
                }
            }
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public boolean atEnd() throws IOException {
            return in.read() < 0;
        }
    }
}
