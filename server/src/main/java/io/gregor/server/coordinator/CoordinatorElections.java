package io.gregor.server.coordinator;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataListener;
import io.gregor.metadata.TopicImage;
import io.gregor.replication.Partition;
import io.gregor.replication.ReplicaManager;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells the group coordinator which {@code __consumer_offsets} partitions this broker leads, at
 * which leader epoch, from each metadata image: a partition it now leads is loaded (reloaded at a
 * new epoch), one it no longer leads (or that is gone) is unloaded. Registered after the replica
 * manager, so the partitions' roles are already those of the image.
 *
 * <p>Runs on the metadata thread.
 */
public final class CoordinatorElections implements MetadataListener {
    private final ReplicaManager replicaManager;
    private final GroupCoordinator groups;
    private volatile boolean closed;

    public CoordinatorElections(ReplicaManager replicaManager, GroupCoordinator groups) {
        this.replicaManager = replicaManager;
        this.groups = groups;
    }

    @Override
    public void onMetadataUpdate(MetadataImage previous, MetadataImage current) {
        if (closed) {
            return;
        }
        TopicImage topic = current.topic(GroupCoordinator.OFFSETS_TOPIC);
        int count = topic == null ? 0 : topic.partitions().size();
        groups.setNumPartitions(count);
        Set<Integer> led = new HashSet<>();
        for (int p = 0; p < count; p++) {
            Partition partition = replicaManager.partition(new TopicPartition(GroupCoordinator.OFFSETS_TOPIC, p));
            if (partition != null && partition.isLeader()) {
                led.add(p);
                groups.onElection(p, partition.leaderEpoch(), partition.log());
            }
        }
        for (int p : groups.coordinatedPartitions()) {
            if (!led.contains(p)) {
                groups.onResignation(p);
            }
        }
    }

    /** Stops following the metadata (the cache outlives the coordinator during shutdown). */
    public void close() {
        closed = true;
    }
}
