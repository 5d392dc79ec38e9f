package io.gregor.storage.log;

import io.gregor.storage.util.Scheduler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments of one partition log by base offset, and the one way a segment leaves a live log.
 *
 * <p>Invariants: segments hold ascending, non-overlapping offset ranges, each starting at or
 * after its base offset; the last segment is the active one and takes the appends. From the
 * moment {@link LogLoader} has filled it, the set is never empty, except inside
 * {@link LogTruncation#truncateFullyAndStartAt} (under the log's lock) and after
 * {@link Log#deleteRenamed}.
 *
 * <p>Removal ({@link #removeAndDeleteLater}): the segment leaves the map, its files are renamed
 * to {@code .deleted}, and it is closed and deleted after {@code file.delete.delay.ms}. A reader
 * that looked the segment up just before (or is still sending a {@link FileRecordsSlice} of it)
 * keeps an open channel until then. A crash before the delete leaves {@code .deleted} files that
 * {@link LogDirectoryRepair} removes at the next start.
 *
 * <p>Thread-safety: lookups are lock-free (a {@link ConcurrentSkipListMap}, whose views are weakly
 * consistent) and see each change whole. Changes ({@link #add}, removal) are made only by the
 * owning {@link Log}'s parts, under its lock, or by {@link LogLoader} before the log is shared.
 */
final class LogSegments {
    private static final Logger log = LoggerFactory.getLogger(LogSegments.class);

    private final TopicPartition topicPartition;
    private final Scheduler scheduler;
    private final ConcurrentSkipListMap<Long, LogSegment> byBaseOffset = new ConcurrentSkipListMap<>();

    LogSegments(TopicPartition topicPartition, Scheduler scheduler) {
        this.topicPartition = topicPartition;
        this.scheduler = scheduler;
    }

    /** Adds a segment, replacing the one with the same base offset if any (without deleting it). */
    void add(LogSegment segment) {
        byBaseOffset.put(segment.baseOffset(), segment);
    }

    /** Whether {@code segment} itself (not a replacement at its base offset) is in the log. */
    boolean contains(LogSegment segment) {
        return byBaseOffset.get(segment.baseOffset()) == segment;
    }

    boolean isEmpty() {
        return byBaseOffset.isEmpty();
    }

    int count() {
        return byBaseOffset.size();
    }

    long firstBaseOffset() {
        return byBaseOffset.firstKey();
    }

    /** The last segment, which takes appends. */
    LogSegment active() {
        return byBaseOffset.lastEntry().getValue();
    }

    /** The segment that would hold {@code offset} (the last one based at or below it), or null. */
    LogSegment floor(long offset) {
        Map.Entry<Long, LogSegment> entry = byBaseOffset.floorEntry(offset);
        return entry == null ? null : entry.getValue();
    }

    /** The segment after {@code segment}, or null when it is the last. */
    LogSegment next(LogSegment segment) {
        Map.Entry<Long, LogSegment> entry = byBaseOffset.higherEntry(segment.baseOffset());
        return entry == null ? null : entry.getValue();
    }

    /** Every segment in offset order (a live, weakly consistent view). */
    Collection<LogSegment> all() {
        return byBaseOffset.values();
    }

    /** The segments based at or after {@code baseOffset}, in offset order (a live view). */
    Collection<LogSegment> from(long baseOffset) {
        return byBaseOffset.tailMap(baseOffset, true).values();
    }

    /** The segments based strictly after {@code offset}, in offset order (a live view). */
    Collection<LogSegment> after(long offset) {
        return byBaseOffset.tailMap(offset, false).values();
    }

    /** The segments holding offsets in {@code [from, to)}, in offset order (a live view). */
    Collection<LogSegment> holding(long from, long to) {
        Long first = byBaseOffset.floorKey(from);
        return byBaseOffset.subMap(first == null ? byBaseOffset.firstKey() : first, true, to, false).values();
    }

    /** The segments other than the active one, in offset order (a snapshot). */
    List<LogSegment> inactive() {
        List<LogSegment> out = new ArrayList<>(byBaseOffset.values());
        if (!out.isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    long sizeInBytes() {
        long total = 0;
        for (LogSegment s : byBaseOffset.values()) {
            total += s.size();
        }
        return total;
    }

    /**
     * Takes {@code segments} out of the log: renames their files to {@code .deleted} and closes and
     * deletes them after {@code delayMs}. A segment whose base offset already maps to a replacement
     * (a cleaned segment) leaves the map untouched. Caller holds the log's lock.
     */
    void removeAndDeleteLater(Collection<LogSegment> segments, long delayMs) throws IOException {
        List<LogSegment> doomed = List.copyOf(segments);
        // All renames first: should one fail, the map still holds every segment it held.
        for (LogSegment segment : doomed) {
            segment.addSuffix(LogFiles.DELETED_SUFFIX);
        }
        for (LogSegment segment : doomed) {
            byBaseOffset.remove(segment.baseOffset(), segment);
            scheduler.scheduleOnce("delete-segment", () -> deleteQuietly(segment), delayMs);
        }
    }

    /** Takes a segment out and deletes its files at once: only while loading, before anyone reads. */
    void removeAndDeleteNow(LogSegment segment) throws IOException {
        byBaseOffset.remove(segment.baseOffset(), segment);
        segment.delete();
    }

    /** Forgets every segment without touching the files (the log directory is being deleted). */
    void clear() {
        byBaseOffset.clear();
    }

    private void deleteQuietly(LogSegment segment) {
        try {
            segment.delete();
        } catch (IOException e) {
            log.warn("{}: could not delete {}: {}", topicPartition, segment.logFile(), e.toString());
        }
    }
}
