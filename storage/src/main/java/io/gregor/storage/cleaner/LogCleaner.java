package io.gregor.storage.cleaner;

import io.gregor.common.Threads;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.Log;
import io.gregor.storage.log.LogSegment;
import io.gregor.storage.log.OffsetCheckpointFile;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background compaction of logs whose {@code cleanup.policy} includes {@code compact}.
 *
 * <p>{@code log.cleaner.threads} threads each pick the log with the highest dirty ratio (bytes
 * written since its last cleaning over its cleanable bytes) above {@code min.cleanable.dirty.ratio}
 * — or any log with data older than {@code max.compaction.lag.ms} still uncleaned — and clean it
 * with a {@link Cleaner}. Where each log was cleaned up to is kept in
 * {@code cleaner-offset-checkpoint} in its log directory, so a restart does not redo the work.
 * Memory is bounded by {@code log.cleaner.dedupe.buffer.size} (split between threads) and I/O by
 * {@code log.cleaner.io.max.bytes.per.second}.
 */
public final class LogCleaner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);
    static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";

    private final CleanerConfig config;
    private final Supplier<Collection<Log>> logs;
    private final List<File> logDirs;
    private final Time time;
    private final Map<TopicPartition, Long> cleanPoints = new ConcurrentHashMap<>();
    private final Set<TopicPartition> inProgress = new HashSet<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Object wakeup = new Object();
    private volatile boolean running;

    public LogCleaner(CleanerConfig config, Supplier<Collection<Log>> logs, List<File> logDirs, Time time) {
        this.config = config;
        this.logs = logs;
        this.logDirs = logDirs;
        this.time = time;
        for (File dir : logDirs) {
            cleanPoints.putAll(new OffsetCheckpointFile(new File(dir, CHECKPOINT_FILE))
                .readIfValid("the compacted logs of " + dir + " are cleaned again from their start").orElse(Map.of()));
        }
    }

    public void start() {
        if (!config.enabled() || config.threads() <= 0) {
            return;
        }
        running = true;
        long perThread = config.dedupeBufferBytes() / config.threads();
        for (int i = 0; i < config.threads(); i++) {
            Cleaner cleaner = new Cleaner(perThread, config.ioBufferBytes(),
                new Throttler(config.ioMaxBytesPerSecond(), time), time);
            Thread t = Threads.daemon("gregor-log-cleaner-" + i, () -> loop(cleaner));
            threads.add(t);
            t.start();
        }
    }

    private void loop(Cleaner cleaner) {
        while (running) {
            boolean cleaned = false;
            try {
                cleaned = cleanOnce(cleaner);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | IOException e) {
                log.error("Log cleaner pass failed; will retry after the backoff", e);
            }
            if (!cleaned) {
                synchronized (wakeup) {
                    try {
                        wakeup.wait(config.backoffMs());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** Runs one cleaning pass on the dirtiest eligible log; returns whether any log was cleaned. */
    private boolean cleanOnce(Cleaner cleaner) throws IOException, InterruptedException {
        Log target = pickDirtiest();
        if (target == null) {
            return false;
        }
        TopicPartition tp = target.topicPartition();
        try {
            long from = cleanPoints.getOrDefault(tp, 0L);
            long to = cleaner.clean(target, from);
            if (to > from) {
                cleanPoints.put(tp, to);
                checkpoint();
                return true;
            }
            return false;
        } finally {
            synchronized (inProgress) {
                inProgress.remove(tp);
            }
        }
    }

    /** Cleans every eligible log once on the calling thread (tests, tools). */
    public int cleanAllNow() throws IOException, InterruptedException {
        Cleaner cleaner = new Cleaner(Math.max(1 << 20, config.dedupeBufferBytes() / Math.max(1, config.threads())),
            config.ioBufferBytes(), new Throttler(config.ioMaxBytesPerSecond(), time), time);
        int n = 0;
        Set<TopicPartition> done = new HashSet<>();
        while (true) {
            Log next = pickDirtiest(done);
            if (next == null) {
                return n;
            }
            done.add(next.topicPartition());
            try {
                long from = cleanPoints.getOrDefault(next.topicPartition(), 0L);
                long to = cleaner.clean(next, from);
                if (to > from) {
                    cleanPoints.put(next.topicPartition(), to);
                    n++;
                }
            } finally {
                synchronized (inProgress) {
                    inProgress.remove(next.topicPartition());
                }
            }
            checkpoint();
        }
    }

    private Log pickDirtiest() {
        return pickDirtiest(Set.of());
    }

    private Log pickDirtiest(Set<TopicPartition> exclude) {
        long now = time.milliseconds();
        Log best = null;
        double bestRatio = -1;
        synchronized (inProgress) {
            for (Log l : logs.get()) {
                LogConfig c = l.config();
                if (!c.compact() || inProgress.contains(l.topicPartition()) || exclude.contains(l.topicPartition())) {
                    continue;
                }
                Ratio r = dirtyRatio(l, now);
                boolean due = r.dirtyBytes > 0 && (r.ratio >= c.minCleanableDirtyRatio() || r.overdue);
                if (due && r.ratio > bestRatio) {
                    best = l;
                    bestRatio = r.ratio;
                }
            }
            if (best != null) {
                inProgress.add(best.topicPartition());
            }
        }
        return best;
    }

    private record Ratio(long dirtyBytes, double ratio, boolean overdue) {
    }

    private Ratio dirtyRatio(Log l, long now) {
        long firstDirty = Math.max(cleanPoints.getOrDefault(l.topicPartition(), 0L), l.logStartOffset());
        long upper = Cleaner.firstUncleanableOffset(l, now);
        long clean = 0;
        long dirty = 0;
        boolean overdue = false;
        List<LogSegment> segments = l.inactiveSegments();
        for (int i = 0; i < segments.size(); i++) {
            LogSegment s = segments.get(i);
            long next = i + 1 < segments.size() ? segments.get(i + 1).baseOffset() : l.activeSegment().baseOffset();
            if (s.baseOffset() >= upper) {
                break;
            }
            if (next <= firstDirty) {
                clean += s.size();
            } else {
                dirty += s.size();
                if (l.config().maxCompactionLagMs() < Long.MAX_VALUE && s.size() > 0
                    && now - s.largestTimestamp() > l.config().maxCompactionLagMs()) {
                    overdue = true;
                }
            }
        }
        double ratio = clean + dirty == 0 ? 0 : (double) dirty / (clean + dirty);
        return new Ratio(dirty, ratio, overdue);
    }

    /** Forgets a deleted log. */
    public void remove(TopicPartition tp) {
        cleanPoints.remove(tp);
    }

    private synchronized void checkpoint() throws IOException {
        Map<File, Map<TopicPartition, Long>> byDir = new HashMap<>();
        for (File dir : logDirs) {
            byDir.put(dir.getAbsoluteFile(), new HashMap<>());
        }
        for (Log l : logs.get()) {
            Long point = cleanPoints.get(l.topicPartition());
            Map<TopicPartition, Long> m = byDir.get(l.dir().getParentFile().getAbsoluteFile());
            if (point != null && m != null) {
                m.put(l.topicPartition(), point);
            }
        }
        for (Map.Entry<File, Map<TopicPartition, Long>> e : byDir.entrySet()) {
            new OffsetCheckpointFile(new File(e.getKey(), CHECKPOINT_FILE)).write(e.getValue());
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
