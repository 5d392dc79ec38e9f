package io.gregor.storage.log;

import io.gregor.storage.util.FileChannels;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * One segment of a partition log: a file of record batches ({@code .log}) starting at
 * {@code baseOffset}, with its offset index and time index.
 *
 * <p>Batches are stored exactly as they were validated (magic v2, offsets assigned, CRC intact),
 * so the file is byte-compatible with Kafka's segments. Appends go to the end of the file with
 * positional writes; {@link #size()} is published only after the bytes are written, and index
 * entries only after the size, so a reader that sees an index entry or a size never reads past
 * written data.
 *
 * <p>Thread-safety: appends, truncation and rolling are done by the owning {@link Log} under its
 * lock. Reads are lock-free. The file channel stays open until {@link #close()}, which the log
 * delays for deleted segments so that in-flight zero-copy reads complete.
 */
public final class LogSegment implements Closeable {
    private final long baseOffset;
    private final SegmentConfig config;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final long createdMs;
    private volatile File logFile;
    private volatile int size;
    private int bytesSinceLastIndexEntry;
    private volatile long maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestampSoFar;
    private long rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;

    private LogSegment(File logFile, FileChannel channel, OffsetIndex offsetIndex, TimeIndex timeIndex,
                       long baseOffset, SegmentConfig config, long createdMs) throws IOException {
        this.logFile = logFile;
        this.channel = channel;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.baseOffset = baseOffset;
        this.config = config;
        this.createdMs = createdMs;
        this.size = (int) Math.min(Integer.MAX_VALUE, channel.size());
        this.offsetOfMaxTimestampSoFar = baseOffset;
        TimestampOffset lastTime = timeIndex.lastEntry();
        if (timeIndex.entries() > 0) {
            this.maxTimestampSoFar = lastTime.timestamp();
            this.offsetOfMaxTimestampSoFar = lastTime.offset();
        }
    }

    /**
     * Opens (or creates) the segment with this base offset in {@code dir}.
     *
     * @param active whether appends will follow (indexes get room to grow)
     */
    public static LogSegment open(File dir, long baseOffset, SegmentConfig config, Time time, boolean active) throws IOException {
        return open(dir, baseOffset, config, time, active, "");
    }

    /**
     * Opens segment files whose names carry {@code suffix} (e.g. {@code .cleaned} for a segment
     * being written by the log cleaner, {@code .swap} for one about to replace others).
     */
    public static LogSegment open(File dir, long baseOffset, SegmentConfig config, Time time, boolean active, String suffix) throws IOException {
        File log = new File(LogFiles.logFile(dir, baseOffset).getPath() + suffix);
        FileChannel channel = FileChannel.open(log.toPath(), StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        OffsetIndex offsetIndex = new OffsetIndex(new File(LogFiles.indexFile(dir, baseOffset).getPath() + suffix), baseOffset,
            config.maxIndexSize(), active);
        TimeIndex timeIndex = new TimeIndex(new File(LogFiles.timeIndexFile(dir, baseOffset).getPath() + suffix), baseOffset,
            config.maxIndexSize(), active);
        return new LogSegment(log, channel, offsetIndex, timeIndex, baseOffset, config, time.milliseconds());
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Committed bytes in the log file. */
    public int size() {
        return size;
    }

    public File logFile() {
        return logFile;
    }

    public long maxTimestampSoFar() {
        return maxTimestampSoFar;
    }

    public long offsetOfMaxTimestampSoFar() {
        return offsetOfMaxTimestampSoFar;
    }

    /** The segment's largest record timestamp, or the file's modification time when it has none. */
    public long largestTimestamp() {
        long ts = maxTimestampSoFar;
        return ts >= 0 ? ts : logFile.lastModified();
    }

    boolean indexesFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    boolean canHold(long offset) {
        return fitsRelativeOffset(offset, baseOffset);
    }

    /** Whether {@code offset} can be indexed in a segment based at {@code baseOffset} (a 4-byte relative offset). */
    static boolean fitsRelativeOffset(long offset, long baseOffset) {
        return offset - baseOffset >= 0 && offset - baseOffset <= Integer.MAX_VALUE;
    }

    /** Milliseconds this segment has been waiting to be rolled by time ({@code segment.ms}). */
    long timeWaitedForRoll(long now) throws IOException {
        if (rollingBasedTimestamp == RecordBatch.NO_TIMESTAMP && size > 0) {
            HeaderReader reader = new HeaderReader(channel, size);
            int at = reader.locate(0);
            if (at >= 0) {
                rollingBasedTimestamp = BatchHeader.maxTimestamp(reader.buffer(), at);
            }
        }
        long since = rollingBasedTimestamp >= 0 ? rollingBasedTimestamp : createdMs;
        return now - since;
    }

    long rollJitterMs() {
        return config.rollJitterMs();
    }

    /**
     * Appends offset-assigned, validated batches. Caller holds the log lock.
     *
     * @param records whole v2 batches between position and limit (not consumed)
     */
    void append(ByteBuffer records) throws IOException {
        int physicalPosition = size;
        int start = records.position();
        int length = records.remaining();
        ByteBuffer toWrite = records.duplicate();
        long filePosition = physicalPosition;
        while (toWrite.hasRemaining()) {
            filePosition += channel.write(toWrite, filePosition);
        }
        if (size == 0 && rollingBasedTimestamp == RecordBatch.NO_TIMESTAMP) {
            rollingBasedTimestamp = BatchHeader.maxTimestamp(records, start);
        }
        size = physicalPosition + length;
        for (int at = start; at < start + length; ) {
            int batchSize = BatchHeader.totalSize(records, at);
            indexBatch(BatchHeader.lastOffset(records, at), BatchHeader.maxTimestamp(records, at),
                physicalPosition + (at - start), batchSize);
            at += batchSize;
        }
    }

    private void indexBatch(long lastOffset, long maxTimestamp, int position, int batchSize) {
        if (maxTimestamp > maxTimestampSoFar) {
            maxTimestampSoFar = maxTimestamp;
            offsetOfMaxTimestampSoFar = lastOffset;
        }
        if (bytesSinceLastIndexEntry > config.indexIntervalBytes()) {
            offsetIndex.append(lastOffset, position);
            timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, false);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    /**
     * Finds the first batch whose last offset is {@code >= offset}, scanning from the index.
     *
     * @return its position and size, or {@code null} if this segment holds no such batch
     */
    BatchPosition translateOffset(long offset) throws IOException {
        OffsetPosition from = offsetIndex.lookup(offset);
        int end = size;
        HeaderReader reader = new HeaderReader(channel, end);
        int position = from.position();
        while (true) {
            int at = reader.locate(position);
            if (at < 0) {
                return null;
            }
            ByteBuffer buf = reader.buffer();
            int batchSize = BatchHeader.totalSize(buf, at);
            if (BatchHeader.lastOffset(buf, at) >= offset) {
                return new BatchPosition(BatchHeader.baseOffset(buf, at), BatchHeader.lastOffset(buf, at), position, batchSize);
            }
            position += batchSize;
        }
    }

    /** Position and size of one batch in the file. */
    record BatchPosition(long baseOffset, long lastOffset, int position, int size) {
    }

    /**
     * Reads from the batch holding {@code startOffset}.
     *
     * @param maxSize        byte budget
     * @param maxPosition    exclusive file position not to read beyond (the high watermark's)
     * @param minOneMessage  return the first batch whole even when it exceeds {@code maxSize}
     * @return the data, or {@code null} when this segment has nothing at or after {@code startOffset}
     */
    public FetchDataInfo read(long startOffset, int maxSize, long maxPosition, boolean minOneMessage) throws IOException {
        BatchPosition first = translateOffset(startOffset);
        if (first == null) {
            return null;
        }
        LogOffsetMetadata at = new LogOffsetMetadata(startOffset, baseOffset, first.position());
        long limit = Math.min(maxPosition, size);
        int budget = minOneMessage ? Math.max(maxSize, first.size()) : maxSize;
        if (budget <= 0 || limit <= first.position()) {
            return FetchDataInfo.empty(at);
        }
        int length = (int) Math.min(limit - first.position(), budget);
        return new FetchDataInfo(at, new FileRecordsSlice(channel, first.position(), length));
    }

    /** Reads {@code length} bytes at {@code position} into a heap buffer (for record-level work). */
    public ByteBuffer readBytes(int position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        FileChannels.readUpTo(channel, buffer, position);
        buffer.flip();
        return buffer;
    }

    /**
     * The first record at or after {@code startingOffset} whose timestamp is {@code >= timestamp},
     * or {@code null}.
     */
    public TimestampOffset findOffsetByTimestamp(long timestamp, long startingOffset) throws IOException {
        TimestampOffset hint = timeIndex.lookup(timestamp);
        int position = offsetIndex.lookup(Math.max(hint.offset(), startingOffset)).position();
        int end = size;
        HeaderReader reader = new HeaderReader(channel, end);
        while (true) {
            int at = reader.locate(position);
            if (at < 0) {
                return null;
            }
            ByteBuffer buf = reader.buffer();
            int batchSize = BatchHeader.totalSize(buf, at);
            if (BatchHeader.maxTimestamp(buf, at) >= timestamp && BatchHeader.lastOffset(buf, at) >= startingOffset) {
                TimestampOffset found = firstRecordAtOrAfter(readBytes(position, batchSize), timestamp, startingOffset);
                if (found != null) {
                    return found;
                }
            }
            position += batchSize;
        }
    }

    /** The offset and timestamp of the record with the largest timestamp in this segment. */
    public TimestampOffset maxTimestampRecord() throws IOException {
        long maxTs = maxTimestampSoFar;
        if (maxTs < 0) {
            return null;
        }
        BatchPosition batch = translateOffset(offsetOfMaxTimestampSoFar);
        if (batch == null) {
            return new TimestampOffset(maxTs, offsetOfMaxTimestampSoFar);
        }
        TimestampOffset exact = firstRecordAtOrAfter(readBytes(batch.position(), batch.size()), maxTs, batch.baseOffset());
        return exact != null ? exact : new TimestampOffset(maxTs, offsetOfMaxTimestampSoFar);
    }

    private static TimestampOffset firstRecordAtOrAfter(ByteBuffer batchBytes, long timestamp, long startingOffset) {
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(batchBytes).batches()) {
            if (batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME) {
                if (batch.maxTimestamp() >= timestamp && batch.lastOffset() >= startingOffset) {
                    return new TimestampOffset(batch.maxTimestamp(), Math.max(batch.baseOffset(), startingOffset));
                }
                continue;
            }
            try (CloseableIterator<Record> records = batch.streamingIterator(org.apache.kafka.common.utils.internals.BufferSupplier.NO_CACHING)) {
                while (records.hasNext()) {
                    Record record = records.next();
                    if (record.timestamp() >= timestamp && record.offset() >= startingOffset) {
                        return new TimestampOffset(record.timestamp(), record.offset());
                    }
                }
            }
        }
        return null;
    }

    /** Receives each valid batch found while recovering a segment. */
    public interface RecoveryListener {
        /** @param batch the whole batch; its bytes are only valid during the call */
        void onBatch(RecordBatch batch);
    }

    /**
     * Rebuilds the indexes by reading the whole file, validating every batch (see
     * {@link SegmentRecoveryScan}), and truncates the file at the first invalid or torn batch.
     *
     * @return the number of bytes truncated
     */
    public int recover(int maxBatchSize, RecoveryListener listener) throws IOException {
        offsetIndex.reset();
        timeIndex.reset();
        offsetIndex.resizeForAppends();
        timeIndex.resizeForAppends();
        bytesSinceLastIndexEntry = 0;
        maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestampSoFar = baseOffset;
        rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
        long fileSize = channel.size();
        int validBytes = SegmentRecoveryScan.validBytes(channel, baseOffset, maxBatchSize, (batch, position, batchSize) -> {
            if (position == 0) {
                rollingBasedTimestamp = batch.maxTimestamp();
            }
            indexBatch(batch.lastOffset(), batch.maxTimestamp(), position, batchSize);
            listener.onBatch(batch);
        });
        int truncated = (int) (fileSize - validBytes);
        if (truncated > 0) {
            channel.truncate(validBytes);
        }
        size = validBytes;
        return truncated;
    }

    /** Whether both indexes pass their sanity checks (after loading a segment from disk). */
    boolean indexesSane() {
        return offsetIndex.isSane() && timeIndex.isSane()
            && (offsetIndex.entries() == 0 || offsetIndex.lastEntry().position() < Math.max(1, size));
    }

    /**
     * Removes every batch at or after the one holding {@code offset}.
     *
     * @return bytes removed
     */
    int truncateTo(long offset) throws IOException {
        BatchPosition batch = translateOffset(offset);
        if (batch == null) {
            return 0;
        }
        int newSize = batch.position();
        int removed = size - newSize;
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        offsetIndex.resizeForAppends();
        timeIndex.resizeForAppends();
        channel.truncate(newSize);
        size = newSize;
        bytesSinceLastIndexEntry = 0;
        maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestampSoFar = baseOffset;
        if (newSize == 0) {
            rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
        }
        HeaderReader reader = new HeaderReader(channel, newSize);
        for (int position = 0; ; ) {
            int at = reader.locate(position);
            if (at < 0) {
                break;
            }
            ByteBuffer buf = reader.buffer();
            if (BatchHeader.maxTimestamp(buf, at) > maxTimestampSoFar) {
                maxTimestampSoFar = BatchHeader.maxTimestamp(buf, at);
                offsetOfMaxTimestampSoFar = BatchHeader.lastOffset(buf, at);
            }
            position += BatchHeader.totalSize(buf, at);
        }
        return removed;
    }

    /**
     * The offset after the last batch in this segment, or {@code baseOffset} when empty. Reads
     * forward from the last index entry.
     */
    public long readNextOffset() throws IOException {
        OffsetPosition last = offsetIndex.lastEntry();
        int end = size;
        HeaderReader reader = new HeaderReader(channel, end);
        long next = baseOffset;
        for (int position = last.position(); ; ) {
            int at = reader.locate(position);
            if (at < 0) {
                return next;
            }
            ByteBuffer buf = reader.buffer();
            next = BatchHeader.lastOffset(buf, at) + 1;
            position += BatchHeader.totalSize(buf, at);
        }
    }

    /** Iterates batch headers from the start of the segment, for rebuilding producer state. */
    public void forEachBatchHeader(long fromOffset, HeaderVisitor visitor) throws IOException {
        int position = offsetIndex.lookup(fromOffset).position();
        HeaderReader reader = new HeaderReader(channel, size);
        while (true) {
            int at = reader.locate(position);
            if (at < 0) {
                return;
            }
            ByteBuffer buf = reader.buffer();
            if (BatchHeader.lastOffset(buf, at) >= fromOffset) {
                visitor.visit(buf, at);
            }
            position += BatchHeader.totalSize(buf, at);
        }
    }

    /** Sees one batch header in a buffer at an index. */
    public interface HeaderVisitor {
        void visit(ByteBuffer buffer, int at);
    }

    /** Finishes the segment when a newer one takes over: records the final max timestamp, trims indexes. */
    void onBecomeInactive() throws IOException {
        timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, true);
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    public void flush() throws IOException {
        channel.force(false);
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Renames all files of this segment by appending {@code suffix} (e.g. {@code .deleted}). */
    void addSuffix(String suffix) throws IOException {
        changeSuffix("", suffix);
    }

    /** Renames all files of this segment, replacing the name suffix {@code from} with {@code to}. */
    public void changeSuffix(String from, String to) throws IOException {
        File target = withSuffix(logFile, from, to);
        Files.move(logFile.toPath(), target.toPath(), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        logFile = target;
        offsetIndex.renameTo(withSuffix(offsetIndex.file(), from, to));
        timeIndex.renameTo(withSuffix(timeIndex.file(), from, to));
    }

    private static File withSuffix(File file, String from, String to) {
        String path = file.getPath();
        if (!path.endsWith(from)) {
            throw new IllegalArgumentException(file + " does not end with " + from);
        }
        return new File(path.substring(0, path.length() - from.length()) + to);
    }

    /** Ensures everything written so far is durable (cleaned segments before they are swapped in). */
    public void flushAndTrim() throws IOException {
        flush();
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /** Appends batches that already carry offsets (log cleaner output). Caller owns the segment. */
    public void appendCleaned(ByteBuffer records) throws IOException {
        append(records);
    }

    /** Stops index growth and finalizes the time index (a cleaned segment that will never take appends). */
    public void seal() throws IOException {
        onBecomeInactive();
    }

    /** Closes and deletes the segment's files. */
    void delete() throws IOException {
        channel.close();
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
        Files.deleteIfExists(logFile.toPath());
    }

    /**
     * Closes the channel and unmaps the indexes without touching the files (their directory was
     * renamed for deletion, and the old names may belong to a new log by now).
     */
    void release() throws IOException {
        channel.close();
        offsetIndex.unmap();
        timeIndex.unmap();
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, true);
        }
        offsetIndex.close();
        timeIndex.close();
        channel.close();
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + size + ")";
    }
}
