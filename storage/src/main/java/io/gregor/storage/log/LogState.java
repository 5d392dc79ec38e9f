package io.gregor.storage.log;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.epoch.LeaderEpochCache;
import io.gregor.storage.producer.ProducerStateManager;
import io.gregor.storage.util.Scheduler;
import java.io.File;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;

/**
 * What the parts of one {@link Log} share: its segments, the offsets that bound it, its producer
 * state and leader epochs, and the lock. The parts ({@link LogReader}, {@link LogRetention},
 * {@link LogTruncation}, {@link CleanerSegmentSwap} and {@code Log}'s own appends and flushes)
 * each hold the same instance.
 *
 * <p>Offsets: {@code logStartOffset <= highWatermark <= logEndOffset}, and {@code recoveryPoint
 * <= logEndOffset} (everything below the recovery point is fsynced). The log start moves with
 * retention and DeleteRecords, the log end with appends and truncation, the high watermark as
 * the replication layer decides.
 *
 * <p>Thread-safety: one lock ({@link #lock}) serialises every change of the log: appends, rolls,
 * flushes, truncation, retention and log start moves, the cleaner's segment swaps, close. The
 * offsets, config and closed flag are volatile, so reads and lookups need no lock; a reader takes
 * each offset once and works with that value. {@link #producerState} is guarded by the lock;
 * {@link #epochs} is thread-safe by itself.
 */
final class LogState {
    final Object lock = new Object();
    private final TopicPartition topicPartition;
    private volatile File dir;
    private final Time time;
    private final Scheduler scheduler;
    private final LogSegments segments;
    private final ProducerStateManager producerState;
    private final LeaderEpochCache epochs;
    private volatile LogConfig config;
    private volatile LogOffsetMetadata logEndOffsetMetadata;
    private volatile LogOffsetMetadata highWatermarkMetadata;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    private volatile boolean closed;

    LogState(TopicPartition topicPartition, File dir, LogConfig config, Time time, Scheduler scheduler) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.segments = new LogSegments(topicPartition, scheduler);
        this.producerState = new ProducerStateManager(dir);
        this.epochs = new LeaderEpochCache(dir);
    }

    TopicPartition topicPartition() {
        return topicPartition;
    }

    File dir() {
        return dir;
    }

    /** The directory was renamed (for deletion). Caller holds the lock. */
    void dir(File renamed) {
        this.dir = renamed;
    }

    Time time() {
        return time;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    LogSegments segments() {
        return segments;
    }

    /** Guarded by {@link #lock}. */
    ProducerStateManager producerState() {
        return producerState;
    }

    LeaderEpochCache epochs() {
        return epochs;
    }

    LogConfig config() {
        return config;
    }

    void config(LogConfig newConfig) {
        this.config = newConfig;
    }

    /** Settings for a new segment, with a fresh roll jitter drawn from {@code segment.jitter.ms}. */
    SegmentConfig segmentConfig() {
        LogConfig c = config;
        long jitter = c.segmentJitterMs() > 0 ? ThreadLocalRandom.current().nextLong(Math.min(c.segmentJitterMs(), c.segmentMs())) : 0;
        return new SegmentConfig(c.indexIntervalBytes(), c.maxIndexSize(), jitter);
    }

    long logStartOffset() {
        return logStartOffset;
    }

    /** Caller holds the lock. */
    void logStartOffset(long offset) {
        this.logStartOffset = offset;
    }

    long logEndOffset() {
        return logEndOffsetMetadata.offset();
    }

    LogOffsetMetadata logEndOffsetMetadata() {
        return logEndOffsetMetadata;
    }

    /** Caller holds the lock. */
    void logEndOffsetMetadata(LogOffsetMetadata end) {
        this.logEndOffsetMetadata = end;
    }

    long highWatermark() {
        return highWatermarkMetadata.offset();
    }

    LogOffsetMetadata highWatermarkMetadata() {
        return highWatermarkMetadata;
    }

    void highWatermarkMetadata(LogOffsetMetadata hw) {
        this.highWatermarkMetadata = hw;
    }

    long recoveryPoint() {
        return recoveryPoint;
    }

    /** Caller holds the lock. */
    void recoveryPoint(long offset) {
        this.recoveryPoint = offset;
    }

    boolean closed() {
        return closed;
    }

    /** Caller holds the lock. */
    void markClosed() {
        this.closed = true;
    }

    /** Caller holds the lock. */
    void checkOpen() {
        if (closed) {
            throw new KafkaStorageException("Log " + topicPartition + " is closed");
        }
    }
}
