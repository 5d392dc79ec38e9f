package io.gregor.storage.log;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * File names inside a partition directory, as Kafka names them: the base offset zero-padded to
 * 20 digits plus a suffix. A partition directory is {@code <topic>-<partition>}; one being
 * deleted is {@code <topic>-<partition>.<unique id>-delete} until {@code file.delete.delay.ms}
 * has passed (or the next start, which deletes every such directory).
 */
public final class LogFiles {
    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    public static final String SNAPSHOT_SUFFIX = ".snapshot";
    public static final String DELETED_SUFFIX = ".deleted";
    public static final String CLEANED_SUFFIX = ".cleaned";
    public static final String SWAP_SUFFIX = ".swap";
    public static final String DELETE_DIR_SUFFIX = "-delete";
    private static final int MAX_FILE_NAME_LENGTH = 255;

    private LogFiles() {
    }

    public static String filenamePrefix(long offset) {
        String digits = Long.toString(offset);
        return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
    }

    public static File logFile(File dir, long baseOffset) {
        return new File(dir, filenamePrefix(baseOffset) + LOG_SUFFIX);
    }

    public static File indexFile(File dir, long baseOffset) {
        return new File(dir, filenamePrefix(baseOffset) + INDEX_SUFFIX);
    }

    public static File timeIndexFile(File dir, long baseOffset) {
        return new File(dir, filenamePrefix(baseOffset) + TIME_INDEX_SUFFIX);
    }

    public static File snapshotFile(File dir, long offset) {
        return new File(dir, filenamePrefix(offset) + SNAPSHOT_SUFFIX);
    }

    /** The offset encoded in a file name such as {@code 00000000000000000042.log}. */
    public static long offsetFromFileName(String name) {
        int dot = name.indexOf('.');
        return Long.parseLong(dot < 0 ? name : name.substring(0, dot));
    }

    public static String dirName(String topic, int partition) {
        return topic + "-" + partition;
    }

    /**
     * A fresh name for the directory of a partition being deleted, Kafka's
     * {@code <topic>-<partition>.<uuid without dashes>-delete}, with the topic cut short where the
     * name would pass the file system's 255 bytes (a topic name may have 249 characters).
     */
    public static String deleteDirName(String topic, int partition) {
        String suffix = "-" + partition + "." + UUID.randomUUID().toString().replace("-", "") + DELETE_DIR_SUFFIX;
        return topic.substring(0, Math.min(topic.length(), MAX_FILE_NAME_LENGTH - suffix.length())) + suffix;
    }

    public static boolean isDeleteDir(String name) {
        return name.endsWith(DELETE_DIR_SUFFIX);
    }

    /** Deletes {@code dir} and everything in it; a missing directory is no error. */
    public static void deleteRecursively(File dir) throws IOException {
        if (!dir.exists()) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir.toPath())) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
