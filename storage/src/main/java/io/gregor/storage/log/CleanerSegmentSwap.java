package io.gregor.storage.log;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the log cleaner gets of one {@link Log}: the segments it may rewrite, the producers whose
 * last batch it must keep, a fresh segment to write into, and the swap of its output for the
 * segments it read.
 *
 * <p>Files of a swap, in order, each step a rename:
 * <ol>
 *   <li>the cleaner writes {@code <base>.log.cleaned} (and its indexes) and flushes them;</li>
 *   <li>{@code .cleaned} becomes {@code .swap}: from here on the swap is committed, and a crash
 *       makes {@link LogDirectoryRepair} finish it at the next start;</li>
 *   <li>the old segments are renamed to {@code .deleted} and deleted after
 *       {@code file.delete.delay.ms} ({@link LogSegments#removeAndDeleteLater});</li>
 *   <li>{@code .swap} loses its suffix and the cleaned segment takes the first old one's name.</li>
 * </ol>
 *
 * <p>Thread-safety: the swap runs under the log's lock and checks that the old segments are still
 * in the log (retention or truncation may have removed them while the cleaner worked). The
 * cleaned segment enters the segment map before the old ones leave it, so a lock-free read never
 * finds a hole where the cleaned offsets belong. Cleaned segments themselves are owned by the
 * cleaner thread until they are swapped in.
 */
final class CleanerSegmentSwap {
    private final LogState state;

    CleanerSegmentSwap(LogState state) {
        this.state = state;
    }

    /** The segments other than the active one, in offset order (a snapshot). */
    List<LogSegment> inactiveSegments() {
        return state.segments().inactive();
    }

    /** Producer id → offset of its last batch, for the cleaner to keep each producer's last batch. */
    Map<Long, Long> lastProducerBatchOffsets() {
        synchronized (state.lock) {
            Map<Long, Long> out = new HashMap<>();
            state.producerState().producers().forEach((pid, entry) -> out.put(pid, entry.lastOffset()));
            return out;
        }
    }

    /** Opens a new segment file set with the {@code .cleaned} suffix, removing a stale one first. */
    LogSegment newCleanedSegment(long baseOffset) throws IOException {
        File dir = state.dir();
        Files.deleteIfExists(new File(LogFiles.logFile(dir, baseOffset).getPath() + LogFiles.CLEANED_SUFFIX).toPath());
        Files.deleteIfExists(new File(LogFiles.indexFile(dir, baseOffset).getPath() + LogFiles.CLEANED_SUFFIX).toPath());
        Files.deleteIfExists(new File(LogFiles.timeIndexFile(dir, baseOffset).getPath() + LogFiles.CLEANED_SUFFIX).toPath());
        return LogSegment.open(dir, baseOffset, state.segmentConfig(), state.time(), true, LogFiles.CLEANED_SUFFIX);
    }

    /**
     * Replaces {@code old} (consecutive segments, the first with the cleaned segment's base
     * offset) with the flushed, cleaned segment.
     *
     * @return false (and nothing changed) if the log was closed or the old segments were meanwhile
     *         removed or replaced
     */
    boolean replaceSegments(List<LogSegment> old, LogSegment cleaned) throws IOException {
        synchronized (state.lock) {
            LogSegments segments = state.segments();
            if (state.closed()) {
                return false;
            }
            for (LogSegment s : old) {
                if (!segments.contains(s)) {
                    return false;
                }
            }
            cleaned.changeSuffix(LogFiles.CLEANED_SUFFIX, LogFiles.SWAP_SUFFIX);
            segments.add(cleaned);
            segments.removeAndDeleteLater(old, state.config().fileDeleteDelayMs());
            cleaned.changeSuffix(LogFiles.SWAP_SUFFIX, "");
            return true;
        }
    }
}
