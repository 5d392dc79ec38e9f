package io.gregor.metadata;

import java.util.Map;
import java.util.SortedMap;
import org.apache.kafka.common.Uuid;

/**
 * A topic in a {@link MetadataImage}: id, partitions by index, its config overrides, and the
 * version of its assignment (for conditional updates, see {@link io.gregor.metadata.store.TopicStore}).
 */
public record TopicImage(String name, Uuid id, SortedMap<Integer, PartitionImage> partitions, Map<String, String> configs,
                         boolean markedForDeletion, int assignmentVersion) {

    public TopicImage(String name, Uuid id, SortedMap<Integer, PartitionImage> partitions, Map<String, String> configs,
                      boolean markedForDeletion) {
        this(name, id, partitions, configs, markedForDeletion, -1);
    }

    public PartitionImage partition(int index) {
        return partitions.get(index);
    }

    public int replicationFactor() {
        return partitions.isEmpty() ? 0 : partitions.get(partitions.firstKey()).replicas().size();
    }

    public boolean isInternal() {
        return name.startsWith("__");
    }
}
