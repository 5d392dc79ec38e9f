package io.gregor.server.logends;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.TopicImage;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The check a broker makes at start, once its logs are loaded and before the replica manager
 * sees the metadata (which creates the missing logs empty and deletes stray ones): which
 * partitions had records on this broker alone when it last recorded them (its
 * {@link io.gregor.metadata.store.LogEndsStore} entry), are still on it alone by the metadata
 * (no other replica in the ISR), and have no records in its log dirs now. Each of those would
 * start again empty, at offset 0, as if its records had never been written: the broker refuses to
 * start unless told to accept that ({@code accept.empty.logs}).
 *
 * <p>A partition with another in-sync replica is not one of them: the broker starts with it
 * empty and copies it from the leader, as Kafka does.
 */
public final class EmptyLogCheck {
    /** How many partitions the refusal names before it counts the rest. */
    static final int NAMED = 5;

    private EmptyLogCheck() {
    }

    /**
     * The partitions that lost their records, ordered by topic and partition.
     *
     * @param recorded what this broker recorded of its partitions with records it alone held
     * @param logEnds  the log end offset of every log this broker loaded
     */
    public static List<TopicPartition> lostPartitions(int brokerId, MetadataImage image, Map<Uuid, Set<Integer>> recorded,
                                                      Map<TopicPartition, Long> logEnds) {
        List<TopicPartition> lost = new ArrayList<>();
        recorded.forEach((topicId, partitions) -> {
            TopicImage topic = image.topic(topicId);
            if (topic == null) {
                return;
            }
            for (int p : partitions) {
                PartitionImage partition = topic.partition(p);
                TopicPartition tp = new TopicPartition(topic.name(), p);
                if (partition != null && partition.replicas().contains(brokerId)
                    && LogEndsRecorder.noOtherInSyncReplica(partition, brokerId) && logEnds.getOrDefault(tp, 0L) <= 0) {
                    lost.add(tp);
                }
            }
        });
        lost.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        return lost;
    }

    /**
     * What to check when this broker never recorded anything (it last ran a Gregor version that
     * did not record) and starts on a log dir it never used: every partition of this broker that
     * has no other in-sync replica, since nothing says which of them had records. Such a dir next
     * to metadata that already places partitions on this broker alone is what an upgraded install
     * started on the wrong {@code log.dirs} looks like.
     */
    public static Map<Uuid, Set<Integer>> soleReplicas(int brokerId, MetadataImage image) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        for (TopicImage topic : image.topics().values()) {
            for (PartitionImage partition : topic.partitions().values()) {
                if (topic.id() != null && partition.state() != null && partition.replicas().contains(brokerId)
                    && LogEndsRecorder.noOtherInSyncReplica(partition, brokerId)) {
                    out.computeIfAbsent(topic.id(), id -> new TreeSet<>()).add(partition.partition());
                }
            }
        }
        return out;
    }

    /**
     * The one-line refusal: the dirs, the first few partitions and their count, and what to do.
     *
     * @param assumed whether the partitions come from {@link #soleReplicas} rather than from what the broker recorded
     */
    public static String refusal(int brokerId, List<File> logDirs, List<TopicPartition> lost, boolean assumed) {
        String named = lost.stream().limit(NAMED).map(TopicPartition::toString).collect(Collectors.joining(", "))
            + (lost.size() > NAMED ? " and " + (lost.size() - NAMED) + " more" : "");
        String partitions = lost.size() + (lost.size() == 1 ? " partition" : " partitions");
        String which = assumed
            ? " that the metadata in ZooKeeper places on this broker alone (" + named + "), which may have had records: this broker has"
                + " not recorded yet which had (it last ran an older Gregor)"
            : " whose records, as recorded in ZooKeeper, were on this broker alone (" + named + ")";
        return "Broker " + brokerId + " refuses to start: its log dirs " + logDirs + " hold no records of " + partitions + which
            + ". If those logs are elsewhere, point log.dirs at them (or zookeeper.connect or "
            + "zookeeper.embedded.data.dir at the metadata of these dirs); to accept the loss and start with them empty, start once "
            + "with --accept-empty-logs (accept.empty.logs=true)";
    }
}
