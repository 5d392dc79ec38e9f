package io.gregor.replication;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/** One partition of a fetch request. */
public record PartitionFetch(TopicPartition topicPartition, Uuid topicId, long fetchOffset, int maxBytes,
                             int currentLeaderEpoch, long followerLogStartOffset) {
}
