package io.gregor.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReplicationQuotaTest {
    @Test
    void shouldThrottleOnlyListedReplicasAndOnlyOnceTheWindowIsSpent() {
        Map<TopicPartition, Set<Integer>> replicas = new HashMap<>();
        ReplicationQuota.parse("t", "0:1, 1:2", 3, replicas);
        ReplicationQuota quota = new ReplicationQuota();
        quota.update(1000, replicas);

        assertThat(quota.isThrottled(new TopicPartition("t", 0), 1)).isTrue();
        assertThat(quota.isThrottled(new TopicPartition("t", 0), 2)).isFalse();
        assertThat(quota.isThrottled(new TopicPartition("t", 2), 1)).isFalse();

        quota.record(600, 10_000);
        assertThat(quota.isExceeded(10_100)).isFalse();
        quota.record(600, 10_200);
        assertThat(quota.isExceeded(10_300)).isTrue();
        assertThat(quota.isExceeded(11_001)).as("a new window").isFalse();
    }

    @Test
    void shouldThrottleEveryReplicaWithAStarAndNothingWithoutARate() {
        Map<TopicPartition, Set<Integer>> replicas = new HashMap<>();
        ReplicationQuota.parse("t", "*", 2, replicas);
        ReplicationQuota quota = new ReplicationQuota();
        quota.update(Long.MAX_VALUE, replicas);
        assertThat(quota.isThrottled(new TopicPartition("t", 1), 7)).isFalse();
        quota.update(10, replicas);
        assertThat(quota.isThrottled(new TopicPartition("t", 1), 7)).isTrue();
    }
}
