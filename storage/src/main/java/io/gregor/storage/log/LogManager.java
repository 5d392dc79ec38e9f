package io.gregor.storage.log;

import io.gregor.common.Threads;
import io.gregor.storage.cleaner.CleanerConfig;
import io.gregor.storage.cleaner.LogCleaner;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.util.Scheduler;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All partition logs of a broker, across its log directories ({@code log.dirs}).
 *
 * <p>Per directory it keeps Kafka's bookkeeping files: {@code recovery-point-offset-checkpoint},
 * {@code log-start-offset-checkpoint}, {@code replication-offset-checkpoint} (high watermarks), a
 * {@code .lock} file held while the broker runs, and a clean-shutdown marker written last on a
 * clean stop. At startup, logs of a directory without the marker are recovered from their
 * recovery point (scan, validate, truncate torn tails, rebuild indexes).
 *
 * <p>Background tasks: retention every {@code log.retention.check.interval.ms}, time-based flushes,
 * checkpoints every {@code log.flush.offset.checkpoint.interval.ms}, producer id expiration.
 *
 * <p>Thread-safe.
 */
public final class LogManager implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(LogManager.class);
    public static final String CLEAN_SHUTDOWN_FILE = ".gregor_cleanshutdown";
    private static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    private static final String LOG_START_CHECKPOINT = "log-start-offset-checkpoint";
    private static final String HIGH_WATERMARK_CHECKPOINT = "replication-offset-checkpoint";

    /** Broker-level settings of the log manager (Kafka's names in the comments). */
    public record Config(List<File> logDirs,
                         int recoveryThreadsPerDir,            // num.recovery.threads.per.data.dir
                         long retentionCheckIntervalMs,        // log.retention.check.interval.ms
                         long flushCheckIntervalMs,            // log.flush.scheduler.interval.ms
                         long checkpointIntervalMs,            // log.flush.offset.checkpoint.interval.ms
                         long producerIdExpirationMs,          // producer.id.expiration.ms
                         long producerIdExpirationCheckMs,     // producer.id.expiration.check.interval.ms
                         long initialTaskDelayMs,              // log.initial.task.delay.ms
                         CleanerConfig cleaner) {              // log.cleaner.*
    }

    private final Config config;
    private final Function<String, LogConfig> topicConfigs;
    private final Time time;
    private final Scheduler scheduler;
    private final ConcurrentHashMap<TopicPartition, Log> logs = new ConcurrentHashMap<>();
    /** Logs renamed for deletion whose delay has not passed yet; {@link #close} deletes them. */
    private final Set<Log> pendingDeletion = ConcurrentHashMap.newKeySet();
    private final Map<File, FileChannel> lockChannels = new HashMap<>();
    private final List<FileLock> locks = new ArrayList<>();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private volatile boolean closed;
    private LogCleaner cleaner;
    private Thread codecLoader;

    public LogManager(Config config, Function<String, LogConfig> topicConfigs, Time time, Scheduler scheduler) {
        this.config = config;
        this.topicConfigs = topicConfigs;
        this.time = time;
        this.scheduler = scheduler;
    }

    /** Locks the directories and loads (recovering where needed) every partition log in them. */
    public void startup() throws IOException {
        // Off the start's path: nothing produces before the broker is ready, which takes longer.
        codecLoader = Threads.daemon("gregor-codec-loader", () -> {
            for (String codec : RecordWalk.loadCodecs()) {
                log.warn("Compression codec {} cannot be loaded; batches using it will be refused", codec);
            }
        });
        codecLoader.start();
        for (File dir : config.logDirs()) {
            Files.createDirectories(dir.toPath());
            lockDir(dir);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, config.recoveryThreadsPerDir() * config.logDirs().size()),
            Threads.daemonFactory("gregor-log-loader"));
        try {
            List<Future<Log>> loading = new ArrayList<>();
            for (File dir : config.logDirs()) {
                File marker = new File(dir, CLEAN_SHUTDOWN_FILE);
                // A damaged checkpoint falls back on the safe side, with a warning naming the file and the line.
                Optional<Map<TopicPartition, Long>> recoveryRead = new OffsetCheckpointFile(new File(dir, RECOVERY_POINT_CHECKPOINT))
                    .readIfValid("every log of " + dir + " is recovered from its first segment");
                boolean clean = marker.exists() && recoveryRead.isPresent();
                Map<TopicPartition, Long> recoveryPoints = recoveryRead.orElse(Map.of());
                Map<TopicPartition, Long> logStarts = new OffsetCheckpointFile(new File(dir, LOG_START_CHECKPOINT))
                    .readIfValid("the logs of " + dir + " start at their first segment's base offset").orElse(Map.of());
                Map<TopicPartition, Long> highWatermarks = new OffsetCheckpointFile(new File(dir, HIGH_WATERMARK_CHECKPOINT))
                    .readIfValid("the high watermarks of " + dir + " start at the log start offsets, and grow again as the replicas"
                        + " confirm their records").orElse(Map.of());
                int loadingBefore = loading.size();
                File[] children = dir.listFiles(File::isDirectory);
                if (children == null) {
                    continue;
                }
                for (File child : children) {
                    if (LogFiles.isDeleteDir(child.getName())) {
                        // A deletion the last run did not finish; nobody reads it now.
                        try {
                            LogFiles.deleteRecursively(child);
                            log.info("Deleted {}, a partition directory whose deletion the last run did not finish", child);
                        } catch (IOException e) {
                            log.warn("Could not delete {}: {}", child, e.toString());
                        }
                        continue;
                    }
                    TopicPartition tp = parseDirName(child.getName());
                    if (tp == null) {
                        continue;
                    }
                    loading.add(pool.submit(() -> Log.open(tp, child, topicConfigs.apply(tp.topic()), time, scheduler, clean,
                        recoveryPoints.getOrDefault(tp, 0L), logStarts.getOrDefault(tp, -1L), highWatermarks.getOrDefault(tp, -1L))));
                }
                if (!clean && loading.size() > loadingBefore) {
                    log.info("Log directory {} was not shut down cleanly; recovering unflushed data", dir);
                }
            }
            for (Future<Log> f : loading) {
                Log l = f.get();
                logs.put(l.topicPartition(), l);
            }
        } catch (Exception e) {
            throw new IOException("Failed to load logs: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        for (File dir : config.logDirs()) {
            Files.deleteIfExists(new File(dir, CLEAN_SHUTDOWN_FILE).toPath());
        }
        checkpoint();
        long delay = config.initialTaskDelayMs();
        tasks.add(scheduler.schedule("log-retention", this::cleanupLogs, delay, config.retentionCheckIntervalMs()));
        tasks.add(scheduler.schedule("log-flusher", this::flushDirtyLogs, delay, Math.min(config.flushCheckIntervalMs(), 1000L)));
        tasks.add(scheduler.schedule("log-checkpoints", this::checkpointQuietly, delay, config.checkpointIntervalMs()));
        tasks.add(scheduler.schedule("producer-id-expiration", () -> {
            for (Log l : logs.values()) {
                l.removeExpiredProducers(config.producerIdExpirationMs());
            }
        }, config.producerIdExpirationCheckMs(), config.producerIdExpirationCheckMs()));
        cleaner = new LogCleaner(config.cleaner(), logs::values, config.logDirs(), time);
        cleaner.start();
        log.info("Loaded {} partition logs from {}", logs.size(), config.logDirs());
    }

    /** The log cleaner (compaction of compacted topics). */
    public LogCleaner cleaner() {
        return cleaner;
    }

    private void lockDir(File dir) throws IOException {
        FileChannel channel = FileChannel.open(new File(dir, ".lock").toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IOException("Log directory " + dir + " is in use by another process (could not lock " + dir + "/.lock)");
        }
        lockChannels.put(dir, channel);
        locks.add(lock);
    }

    /** Parses {@code topic-partition}; null for anything else. */
    static TopicPartition parseDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        try {
            int partition = Integer.parseInt(name.substring(dash + 1));
            return partition < 0 ? null : new TopicPartition(name.substring(0, dash), partition);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public Optional<Log> log(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<Log> allLogs() {
        return logs.values();
    }

    /** The topic id recorded in a log's directory, if any. */
    public Uuid topicIdOf(Log l) {
        return PartitionMetadataFile.read(l.dir());
    }

    /** Returns the log of {@code tp}, creating it in the least-loaded directory if it does not exist. */
    public Log getOrCreateLog(TopicPartition tp, Uuid topicId) {
        if (closed) {
            throw new KafkaStorageException("The log manager is shut down");
        }
        return logs.computeIfAbsent(tp, key -> {
            File dir = new File(leastLoadedDir(), LogFiles.dirName(tp.topic(), tp.partition()));
            try {
                Log created = Log.open(tp, dir, topicConfigs.apply(tp.topic()), time, scheduler, true, 0L, 0L, 0L);
                if (topicId != null) {
                    PartitionMetadataFile.write(dir, topicId);
                }
                log.info("Created log for {} in {}", tp, dir.getParent());
                return created;
            } catch (IOException e) {
                throw new KafkaStorageException("Error creating log for " + tp + " in " + dir, e);
            }
        });
    }

    private File leastLoadedDir() {
        if (config.logDirs().size() == 1) {
            // Counting is O(logs) per new log: quadratic when a topic of 10,000 partitions arrives.
            return config.logDirs().get(0);
        }
        Map<File, Integer> counts = new HashMap<>();
        for (File dir : config.logDirs()) {
            counts.put(dir.getAbsoluteFile(), 0);
        }
        for (Log l : logs.values()) {
            counts.merge(l.dir().getParentFile().getAbsoluteFile(), 1, Integer::sum);
        }
        return counts.entrySet().stream().min(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
            .orElse(config.logDirs().get(0));
    }

    /**
     * Removes a log (topic deleted, replica moved away, or an earlier topic's log in the way) as
     * Kafka does: its directory is renamed to {@link LogFiles#deleteDirName} at once, so that a
     * new log of the partition can be created right away in a fresh directory, and is deleted
     * {@code file.delete.delay.ms} later (the topic's, 60 s by default), once the reads that
     * still hold its segments have finished. Unmapping an index while a lookup reads it would
     * crash the JVM. A start deletes what a stop left of such directories.
     */
    public void deleteLog(TopicPartition tp) {
        Log removed = logs.remove(tp);
        if (removed == null) {
            return;
        }
        if (cleaner != null) {
            cleaner.remove(tp);
        }
        File renamed = new File(removed.dir().getParentFile(), LogFiles.deleteDirName(tp.topic(), tp.partition()));
        try {
            removed.renameForDeletion(renamed);
        } catch (IOException e) {
            // Deleting in place later could delete a new log of the partition; deleting now risks a running read.
            log.error("Could not rename {} for deletion ({}); deleting it now", removed.dir(), e.toString());
            deleteNow(tp, removed);
            return;
        }
        pendingDeletion.add(removed);
        scheduler.scheduleOnce("delete-log-" + tp, () -> deleteNow(tp, removed), removed.config().fileDeleteDelayMs());
    }

    private void deleteNow(TopicPartition tp, Log removed) {
        if (!pendingDeletion.remove(removed) && !removed.dir().exists()) {
            return;
        }
        try {
            removed.deleteRenamed();
            log.info("Deleted log for {} ({})", tp, removed.dir().getName());
        } catch (IOException e) {
            log.warn("Could not delete log directory {}: {}", removed.dir(), e.toString());
        }
    }

    public void updateTopicConfig(String topic, LogConfig logConfig) {
        for (Log l : logs.values()) {
            if (l.topicPartition().topic().equals(topic)) {
                l.updateConfig(logConfig);
            }
        }
    }

    /** One retention pass over all logs. */
    public void cleanupLogs() {
        for (Log l : logs.values()) {
            try {
                l.deleteOldSegments();
            } catch (RuntimeException e) {
                log.warn("Retention failed for {}: {}", l.topicPartition(), e.toString());
            }
        }
    }

    private void flushDirtyLogs() {
        for (Log l : logs.values()) {
            try {
                l.maybeFlushByTime();
            } catch (RuntimeException e) {
                log.warn("Flush failed for {}: {}", l.topicPartition(), e.toString());
            }
        }
    }

    private void checkpointQuietly() {
        try {
            checkpoint();
        } catch (IOException e) {
            log.warn("Checkpointing failed: {}", e.toString());
        }
    }

    /** Writes the recovery point, log start and high watermark checkpoints of every directory. */
    public synchronized void checkpoint() throws IOException {
        for (File dir : config.logDirs()) {
            Map<TopicPartition, Long> recovery = new HashMap<>();
            Map<TopicPartition, Long> starts = new HashMap<>();
            Map<TopicPartition, Long> hws = new HashMap<>();
            for (Log l : logs.values()) {
                if (l.dir().getParentFile().getAbsoluteFile().equals(dir.getAbsoluteFile())) {
                    recovery.put(l.topicPartition(), l.recoveryPoint());
                    starts.put(l.topicPartition(), l.logStartOffset());
                    hws.put(l.topicPartition(), l.highWatermark());
                }
            }
            new OffsetCheckpointFile(new File(dir, RECOVERY_POINT_CHECKPOINT)).write(recovery);
            new OffsetCheckpointFile(new File(dir, LOG_START_CHECKPOINT)).write(starts);
            new OffsetCheckpointFile(new File(dir, HIGH_WATERMARK_CHECKPOINT)).write(hws);
        }
    }

    /** Closes all logs (flushing them), checkpoints, and marks each directory as cleanly shut down. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (codecLoader != null) {
            try {
                codecLoader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (cleaner != null) {
            cleaner.close();
        }
        for (ScheduledFuture<?> task : tasks) {
            task.cancel(false);
        }
        for (Log pending : new ArrayList<>(pendingDeletion)) {
            // Nothing reads any more; what is not deleted now, the next start deletes.
            deleteNow(pending.topicPartition(), pending);
        }
        IOException failure = null;
        for (Log l : logs.values()) {
            try {
                l.close();
            } catch (IOException | RuntimeException e) {
                log.error("Error closing {}", l, e);
                failure = failure == null ? new IOException(e) : failure;
            }
        }
        checkpoint();
        if (failure == null) {
            for (File dir : config.logDirs()) {
                Files.writeString(new File(dir, CLEAN_SHUTDOWN_FILE).toPath(), "");
            }
        }
        for (FileLock lock : locks) {
            lock.release();
        }
        for (FileChannel channel : lockChannels.values()) {
            channel.close();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
