package io.gregor.storage.log;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a partition directory back in order before its log is opened: removes files a crash left
 * half-written ({@code .cleaned}, {@code .tmp}, {@code .deleted}, orphan indexes) and completes
 * log-cleaner swaps that were committed ({@code .log.swap}) but not finished.
 */
final class LogDirectoryRepair {
    private static final Logger log = LoggerFactory.getLogger(LogDirectoryRepair.class);

    private LogDirectoryRepair() {
    }

    /**
     * Completes a segment replacement by the log cleaner that a crash interrupted. A
     * {@code .log.swap} file is a cleaned segment that was fully written and flushed before it was
     * renamed, so it supersedes every segment whose base offset falls in its offset range: those
     * are deleted and the swap file takes their place; its indexes are rebuilt.
     *
     * @return base offsets of the completed swaps (their indexes must be rebuilt)
     */
    static java.util.Set<Long> completeInterruptedSwaps(File dir, TopicPartition topicPartition) throws IOException {
        java.util.Set<Long> swapped = new java.util.HashSet<>();
        File[] swaps = dir.listFiles((d, name) -> name.endsWith(LogFiles.LOG_SUFFIX + LogFiles.SWAP_SUFFIX));
        if (swaps == null) {
            return swapped;
        }
        for (File swap : swaps) {
            long base = LogFiles.offsetFromFileName(swap.getName());
            long next = nextOffsetOf(swap, base);
            File[] all = dir.listFiles();
            for (File f : all == null ? new File[0] : all) {
                String name = f.getName();
                if (f.equals(swap) || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                long offset = LogFiles.offsetFromFileName(name);
                boolean segmentFile = name.contains(LogFiles.LOG_SUFFIX) || name.contains(LogFiles.INDEX_SUFFIX)
                    || name.contains(LogFiles.TIME_INDEX_SUFFIX);
                if (segmentFile && offset >= base && (offset < next || offset == base)) {
                    Files.deleteIfExists(f.toPath());
                }
            }
            Files.move(swap.toPath(), LogFiles.logFile(dir, base).toPath(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            swapped.add(base);
            log.info("{}: completed an interrupted log cleaner swap of segment {}", topicPartition, base);
        }
        return swapped;
    }

    /** The offset after the last complete batch of a segment file. */
    private static long nextOffsetOf(File segmentFile, long base) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(segmentFile.toPath(), java.nio.file.StandardOpenOption.READ)) {
            int size = (int) Math.min(Integer.MAX_VALUE, ch.size());
            HeaderReader reader = new HeaderReader(ch, size);
            long next = base;
            for (int position = 0; ; ) {
                int at = reader.locate(position);
                if (at < 0) {
                    return next;
                }
                ByteBuffer buf = reader.buffer();
                int batchSize = BatchHeader.totalSize(buf, at);
                if (batchSize < BatchHeader.SIZE || position + (long) batchSize > size) {
                    return next;
                }
                next = BatchHeader.lastOffset(buf, at) + 1;
                position += batchSize;
            }
        }
    }

    static void removeTemporaryFiles(File dir) throws IOException {
        File[] files = dir.listFiles();
        if (files == null) {
            return;
        }
        for (File f : files) {
            String name = f.getName();
            boolean orphanSwap = name.endsWith(LogFiles.SWAP_SUFFIX) && !name.endsWith(LogFiles.LOG_SUFFIX + LogFiles.SWAP_SUFFIX);
            if (name.endsWith(LogFiles.DELETED_SUFFIX) || name.endsWith(LogFiles.CLEANED_SUFFIX) || name.endsWith(".tmp") || orphanSwap) {
                Files.deleteIfExists(f.toPath());
            }
        }
        for (File f : files) {
            String name = f.getName();
            boolean indexFile = name.endsWith(LogFiles.INDEX_SUFFIX) || name.endsWith(LogFiles.TIME_INDEX_SUFFIX);
            if (indexFile && f.exists()) {
                long base = LogFiles.offsetFromFileName(name);
                if (!LogFiles.logFile(dir, base).exists()) {
                    Files.deleteIfExists(f.toPath());
                }
            }
        }
    }

}
