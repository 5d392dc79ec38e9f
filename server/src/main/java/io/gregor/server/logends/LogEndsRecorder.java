package io.gregor.server.logends;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.TopicImage;
import io.gregor.metadata.store.LogEndsStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this broker's entry in the {@link LogEndsStore} current: the partitions it hosts whose
 * log end is above 0 and whose only in-sync replica it is, so that nobody else holds their
 * records. {@link EmptyLogCheck} reads the entry at the next start. The first check after a start
 * of a broker that never recorded anything (an upgrade) writes the entry even when it is empty, so
 * that the next start knows the broker records.
 *
 * <p>{@link #maybeRecord} computes the set from the current image and log ends (a pass over the
 * logs with map lookups: about a millisecond for 10,000 partitions) and writes it only when it
 * differs from what was recorded last, which is rare: when a partition gets its first records,
 * or its ISR shrinks to this broker or grows beyond it. The broker runs it every
 * {@link #INTERVAL_MS} and at a clean shutdown; a crash therefore forgets at most the changes of
 * the last interval, such as the first records of a new partition.
 *
 * <p>Thread-safe.
 */
public final class LogEndsRecorder {
    /** How often the broker checks whether the set changed. */
    public static final long INTERVAL_MS = 5_000;
    private static final Logger log = LoggerFactory.getLogger(LogEndsRecorder.class);

    private final int brokerId;
    private final LogEndsStore store;
    private final Supplier<MetadataImage> image;
    private final Supplier<Map<TopicPartition, Long>> logEnds;
    /** What the store holds for this broker, as far as this recorder knows (null: nothing yet); guarded by this. */
    private Map<Uuid, Set<Integer>> recorded;

    /**
     * @param recorded what the store held at start (empty if this broker never recorded anything, so that the first
     *                 check writes even an empty set)
     * @param logEnds  the log end offset of every log this broker has
     */
    public LogEndsRecorder(int brokerId, LogEndsStore store, Optional<Map<Uuid, Set<Integer>>> recorded, Supplier<MetadataImage> image,
                           Supplier<Map<TopicPartition, Long>> logEnds) {
        this.brokerId = brokerId;
        this.store = store;
        this.recorded = recorded.map(Map::copyOf).orElse(null);
        this.image = image;
        this.logEnds = logEnds;
    }

    /** Records the current set if it changed; returns whether it wrote. */
    public synchronized boolean maybeRecord() throws Exception {
        Map<Uuid, Set<Integer>> current = soleReplicasWithRecords(brokerId, image.get(), logEnds.get());
        if (recorded != null && current.equals(recorded)) {
            return false;
        }
        store.record(brokerId, current);
        recorded = current;
        return true;
    }

    /** {@link #maybeRecord} for a scheduler: a failure (ZooKeeper unreachable) is logged and retried next time. */
    public void maybeRecordQuietly() {
        try {
            maybeRecord();
        } catch (Exception e) {
            log.warn("Could not record in ZooKeeper which partitions have records on broker {} alone; retrying in {} ms: {}", brokerId,
                INTERVAL_MS, e.toString());
        }
    }

    /** The partitions with records on {@code brokerId} alone, by topic id. */
    static Map<Uuid, Set<Integer>> soleReplicasWithRecords(int brokerId, MetadataImage image, Map<TopicPartition, Long> logEnds) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        logEnds.forEach((tp, logEnd) -> {
            if (logEnd <= 0) {
                return;
            }
            TopicImage topic = image.topic(tp.topic());
            PartitionImage partition = topic == null || topic.id() == null ? null : topic.partition(tp.partition());
            if (partition != null && partition.state() != null && partition.replicas().contains(brokerId)
                && noOtherInSyncReplica(partition, brokerId)) {
                out.computeIfAbsent(topic.id(), id -> new TreeSet<>()).add(tp.partition());
            }
        });
        return out;
    }

    /** Whether no replica but {@code brokerId} is in the partition's ISR: nobody else is known to have its records. */
    static boolean noOtherInSyncReplica(PartitionImage partition, int brokerId) {
        for (int replica : partition.isr()) {
            if (replica != brokerId) {
                return false;
            }
        }
        return true;
    }
}
