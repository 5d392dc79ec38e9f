package io.gregor.metadata;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * An immutable snapshot of the cluster metadata as this broker last saw it (in ZooKeeper, or in
 * an in-memory model in tests). Handlers read the current image without locks; every change
 * publishes a new one through the {@link MetadataView}.
 *
 * @param version              increases with every published image
 * @param brokerConfigs        dynamic broker configs in effect on this broker (cluster default
 *                             overridden by this broker's own, from {@code /config/brokers})
 * @param defaultBrokerConfigs the cluster-wide dynamic defaults alone ({@code /config/brokers/<default>})
 */
public record MetadataImage(long version, String clusterId, int controllerId, Map<Integer, BrokerRegistration> brokers,
                            Map<String, TopicImage> topics, Map<Uuid, String> topicNames, Map<String, String> brokerConfigs,
                            Map<String, String> defaultBrokerConfigs) {

    public static final MetadataImage EMPTY = new MetadataImage(0, null, -1, Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    public TopicImage topic(String name) {
        return topics.get(name);
    }

    public TopicImage topic(Uuid id) {
        String name = topicNames.get(id);
        return name == null ? null : topics.get(name);
    }

    public PartitionImage partition(TopicPartition tp) {
        TopicImage topic = topics.get(tp.topic());
        return topic == null ? null : topic.partition(tp.partition());
    }

    public boolean isAlive(int brokerId) {
        return brokers.containsKey(brokerId);
    }
}
