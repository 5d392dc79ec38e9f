package io.gregor.testkit.internal;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.TopicImage;
import java.util.Collection;
import java.util.Set;
import java.util.function.Predicate;

/** When a broker's view of the cluster is ready for clients, as predicates over its metadata image. */
public final class Readiness {
    private Readiness() {
    }

    /**
     * Exactly the {@code running} brokers are registered, one of them is the controller, every
     * partition with a live replica has a live leader (so a produce to it does not fail with
     * NOT_LEADER or LEADER_NOT_AVAILABLE), and the in-sync replicas of those partitions are all
     * live (so acks=all and {@code min.insync.replicas} count only brokers that are there).
     */
    public static Predicate<MetadataImage> settled(Set<Integer> running) {
        return image -> image.brokers().keySet().equals(running) && running.contains(image.controllerId()) && allLed(image);
    }

    /** The topics exist with at least one partition each and are not being deleted. */
    public static Predicate<MetadataImage> topicsExist(Collection<String> topics) {
        return image -> topics.stream().allMatch(name -> {
            TopicImage topic = image.topic(name);
            return topic != null && !topic.markedForDeletion() && !topic.partitions().isEmpty();
        });
    }

    /**
     * Every partition's in-sync replicas include all its live replicas (except replicas that a
     * reassignment is still adding, which may take as long as the reassignment is throttled to).
     */
    public static Predicate<MetadataImage> inSync() {
        return image -> {
            for (TopicImage topic : image.topics().values()) {
                if (topic.markedForDeletion()) {
                    continue;
                }
                for (PartitionImage p : topic.partitions().values()) {
                    if (p.replicas().stream().anyMatch(r -> image.isAlive(r) && !p.isr().contains(r) && !p.addingReplicas().contains(r))) {
                        return false;
                    }
                }
            }
            return true;
        };
    }

    private static boolean allLed(MetadataImage image) {
        for (TopicImage topic : image.topics().values()) {
            if (topic.markedForDeletion()) {
                continue;
            }
            for (PartitionImage p : topic.partitions().values()) {
                boolean replicaAlive = p.replicas().stream().anyMatch(image::isAlive);
                if (replicaAlive && !(p.hasLeader() && image.isAlive(p.leader()) && p.isr().stream().allMatch(image::isAlive))) {
                    return false;
                }
            }
        }
        return true;
    }
}
