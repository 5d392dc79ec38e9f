package io.gregor.server.logends;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.TopicImage;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** The one-line refusal: the dirs, the first few partitions and their count, and what to do. */
    public static String refusal(int brokerId, List<File> logDirs, List<TopicPartition> lost) {
        String named = lost.stream().limit(NAMED).map(TopicPartition::toString).collect(Collectors.joining(", "))
            + (lost.size() > NAMED ? " and " + (lost.size() - NAMED) + " more" : "");
        return "Broker " + brokerId + " refuses to start: its log dirs " + logDirs + " hold no records of " + lost.size()
            + (lost.size() == 1 ? " partition" : " partitions") + " whose records, as recorded in ZooKeeper, were on this broker alone ("
            + named + "). If those logs are elsewhere, point log.dirs at them (or zookeeper.connect or "
            + "zookeeper.embedded.data.dir at the metadata of these dirs); to accept the loss and start with them empty, start once "
            + "with --accept-empty-logs (accept.empty.logs=true)";
    }
}
