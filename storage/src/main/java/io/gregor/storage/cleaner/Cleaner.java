package io.gregor.storage.cleaner;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.BatchHeader;
import io.gregor.storage.log.Log;
import io.gregor.storage.log.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts one log: keeps, for every key, only its latest record in the cleanable part of the
 * log.
 *
 * <ol>
 *   <li>The cleanable range ends at the first uncleanable offset: the active segment, the high
 *       watermark, and segments younger than {@code min.compaction.lag.ms}.</li>
 *   <li>The dirty part (from the last clean point) is scanned into an {@link OffsetMap} of
 *       key → latest offset, stopping early if the map fills up.</li>
 *   <li>Every segment below that point is rewritten, in groups that fit one segment, keeping a
 *       record if it is the latest of its key. Batches are filtered with kafka-clients'
 *       {@code MemoryRecords.filterTo}, which keeps offsets, producer id/epoch/sequence and
 *       control batches; a batch all of whose records go is dropped, except the last batch of
 *       each producer (its sequence number must survive).</li>
 *   <li>Tombstones are kept for {@code delete.retention.ms} after the cleaning that first sees
 *       them (the batch records that moment as its delete horizon, KIP-534), then dropped.</li>
 *   <li>Each rewritten group replaces its segments crash-safely (see {@link Log#replaceSegments}).</li>
 * </ol>
 * Not thread-safe: one per cleaner thread.
 */
final class Cleaner {
    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);

    private final long mapMemoryBytes;
    private OffsetMap map;
    private final int ioBufferBytes;
    private final Throttler throttler;
    private final Time time;

    /**
     * @param mapMemoryBytes the most memory the key map may take ({@code log.cleaner.dedupe.buffer.size}
     *                       per thread); each pass allocates only what its dirty range needs
     */
    Cleaner(long mapMemoryBytes, int ioBufferBytes, Throttler throttler, Time time) {
        this.mapMemoryBytes = mapMemoryBytes;
        this.ioBufferBytes = ioBufferBytes;
        this.throttler = throttler;
        this.time = time;
    }

    /** The first offset the cleaner must not touch. */
    static long firstUncleanableOffset(Log l, long now) {
        LogConfig c = l.config();
        long upper = Math.min(l.activeSegment().baseOffset(), l.highWatermark());
        if (c.minCompactionLagMs() > 0) {
            for (LogSegment s : l.inactiveSegments()) {
                if (s.largestTimestamp() > now - c.minCompactionLagMs()) {
                    upper = Math.min(upper, s.baseOffset());
                    break;
                }
            }
        }
        return upper;
    }

    /**
     * Cleans the log from {@code firstDirtyOffset}.
     *
     * @return the new clean point (offsets below it are deduplicated), or {@code firstDirtyOffset}
     *         when nothing was done
     */
    long clean(Log l, long firstDirtyOffset) throws IOException, InterruptedException {
        long now = time.milliseconds();
        long upper = firstUncleanableOffset(l, now);
        long dirty = Math.max(firstDirtyOffset, l.logStartOffset());
        if (dirty >= upper) {
            return firstDirtyOffset;
        }
        long endOffset = buildOffsetMap(l, dirty, upper);
        if (endOffset <= dirty) {
            return firstDirtyOffset;
        }
        List<LogSegment> toClean = new ArrayList<>();
        for (LogSegment s : l.inactiveSegments()) {
            if (s.baseOffset() < endOffset) {
                toClean.add(s);
            }
        }
        Map<Long, Long> lastProducerBatches = l.lastProducerBatchOffsets();
        long bytesBefore = 0;
        long bytesAfter = 0;
        for (List<LogSegment> group : groupBySize(toClean, l.config())) {
            LogSegment cleaned = l.newCleanedSegment(group.get(0).baseOffset());
            boolean swapped = false;
            try {
                for (LogSegment source : group) {
                    bytesBefore += source.size();
                    copyRetained(source, cleaned, l.config(), now, lastProducerBatches);
                }
                cleaned.seal();
                cleaned.flushAndTrim();
                bytesAfter += cleaned.size();
                swapped = l.replaceSegments(group, cleaned);
                if (!swapped) {
                    log.info("{}: segments changed while cleaning (retention or truncation); this pass is abandoned", l.topicPartition());
                    return firstDirtyOffset;
                }
            } finally {
                // A swap that failed after the cleaned segment entered the log leaves it there: it holds the data now.
                if (!swapped && !l.segments().contains(cleaned)) {
                    cleaned.close();
                    java.nio.file.Files.deleteIfExists(cleaned.logFile().toPath());
                    deleteIndexes(cleaned);
                }
            }
        }
        log.info("{}: cleaned offsets {}..{} in {} segments, {} -> {} bytes, {} keys", l.topicPartition(), dirty, endOffset,
            toClean.size(), bytesBefore, bytesAfter, map.size());
        if (map.memoryBytes() > 16L * 1024 * 1024) {
            map = null; // Large maps are not kept between passes.
        }
        return endOffset;
    }

    private static void deleteIndexes(LogSegment cleaned) throws IOException {
        String logPath = cleaned.logFile().getPath();
        String base = logPath.substring(0, logPath.indexOf(".log"));
        java.nio.file.Files.deleteIfExists(new java.io.File(base + ".index.cleaned").toPath());
        java.nio.file.Files.deleteIfExists(new java.io.File(base + ".timeindex.cleaned").toPath());
    }

    /** Indexes the latest offset of each key in [from, upper); returns where the map stopped. */
    private long buildOffsetMap(Log l, long from, long upper) throws IOException, InterruptedException {
        // Size the map for this pass: at most one key per record of the dirty range, so an idle
        // broker does not hold the full dedupe buffer.
        long slots = Math.max(16, Long.highestOneBit((long) ((upper - from) / 0.9) + 1) * 2);
        long bytes = Math.min(mapMemoryBytes, slots * 24);
        if (map == null || map.memoryBytes() != bytes) {
            map = new OffsetMap(bytes, 0.9);
        }
        map.clear();
        long end = from;
        for (LogSegment s : l.inactiveSegments()) {
            if (s.baseOffset() >= upper) {
                break;
            }
            Long nextBase = nextBase(l, s);
            if (nextBase != null && nextBase <= from) {
                continue;
            }
            BatchStream stream = new BatchStream(s, ioBufferBytes);
            ByteBuffer batchBytes;
            while ((batchBytes = stream.next()) != null) {
                throttler.maybeThrottle(batchBytes.remaining());
                long lastOffset = BatchHeader.lastOffset(batchBytes, 0);
                if (lastOffset < from) {
                    continue;
                }
                if (BatchHeader.baseOffset(batchBytes, 0) >= upper) {
                    return end;
                }
                MutableRecordBatch batch = MemoryRecords.readableRecords(batchBytes).batches().iterator().next();
                if (!batch.isControlBatch()) {
                    int count = BatchHeader.recordCount(batchBytes, 0);
                    if (map.size() + count > map.capacity()) {
                        return end;
                    }
                    try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                        while (records.hasNext()) {
                            Record r = records.next();
                            if (r.hasKey() && r.offset() >= from) {
                                map.put(r.key(), r.offset());
                            }
                        }
                    }
                }
                end = lastOffset + 1;
            }
        }
        return Math.min(end, upper);
    }

    private static Long nextBase(Log l, LogSegment s) {
        for (LogSegment other : l.segments()) {
            if (other.baseOffset() > s.baseOffset()) {
                return other.baseOffset();
            }
        }
        return null;
    }

    private void copyRetained(LogSegment source, LogSegment target, LogConfig config, long now, Map<Long, Long> lastProducerBatches)
        throws IOException, InterruptedException {
        MemoryRecords.RecordFilter filter = new MemoryRecords.RecordFilter(now, config.deleteRetentionMs()) {
            @Override
            protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
                boolean lastOfProducer = batch.hasProducerId()
                    && Long.valueOf(batch.lastOffset()).equals(lastProducerBatches.get(batch.producerId()));
                if (batch.isControlBatch() || lastOfProducer) {
                    return new BatchRetentionResult(BatchRetention.RETAIN_EMPTY, false);
                }
                return new BatchRetentionResult(BatchRetention.DELETE_EMPTY, false);
            }

            @Override
            protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
                if (batch.isControlBatch()) {
                    return true;
                }
                if (!record.hasKey()) {
                    return false;
                }
                long latest = map.get(record.key());
                if (latest >= 0 && record.offset() < latest) {
                    return false;
                }
                if (!record.hasValue()) {
                    java.util.OptionalLong horizon = batch.deleteHorizonMs();
                    return horizon.isEmpty() || now < horizon.getAsLong();
                }
                return true;
            }
        };
        BatchStream stream = new BatchStream(source, ioBufferBytes);
        ByteBuffer chunk;
        ByteBuffer out = ByteBuffer.allocate(ioBufferBytes);
        while ((chunk = stream.nextChunk()) != null) {
            throttler.maybeThrottle(chunk.remaining());
            out.clear();
            MemoryRecords.FilterResult result = MemoryRecords.readableRecords(chunk).filterTo(filter, out, BufferSupplier.NO_CACHING,
                Integer.MAX_VALUE);
            ByteBuffer written = result.outputBuffer();
            written.flip();
            if (written.hasRemaining()) {
                target.appendCleaned(written);
            }
            if (written.capacity() > out.capacity()) {
                out = ByteBuffer.allocate(written.capacity());
            }
        }
    }

    /** Consecutive segments whose cleaned output fits one segment (size, index, relative offsets). */
    static List<List<LogSegment>> groupBySize(List<LogSegment> segments, LogConfig config) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> current = new ArrayList<>();
        long size = 0;
        for (LogSegment s : segments) {
            boolean fits = current.isEmpty() || (size + s.size() <= config.segmentBytes()
                && s.baseOffset() - current.get(0).baseOffset() < Integer.MAX_VALUE / 2);
            if (!fits) {
                groups.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(s);
            size += s.size();
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }
}
