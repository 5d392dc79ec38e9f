package io.gregor.storage.log;

import java.io.File;

/**
 * File names inside a partition directory, as Kafka names them: the base offset zero-padded to
 * 20 digits plus a suffix. A partition directory is {@code <topic>-<partition>}.
 */
public final class LogFiles {
    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    public static final String SNAPSHOT_SUFFIX = ".snapshot";
    public static final String DELETED_SUFFIX = ".deleted";
    public static final String CLEANED_SUFFIX = ".cleaned";
    public static final String SWAP_SUFFIX = ".swap";

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
}
