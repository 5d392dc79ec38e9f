package io.gregor.metadata;

import java.util.Map;
import java.util.SortedMap;
import org.apache.kafka.common.Uuid;

/** A topic in a {@link MetadataImage}: id, partitions by index, and its config overrides. */
public record TopicImage(String name, Uuid id, SortedMap<Integer, PartitionImage> partitions, Map<String, String> configs,
                         boolean markedForDeletion) {

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
