package io.gregor.metadata.store.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topic writes against a real (embedded) ZooKeeper with its default 1 MiB request limit. */
class ZkTopicStoreTest {
    @TempDir
    Path dir;

    private ZooKeeperFixture zk;

    @BeforeEach
    void start() throws Exception {
        zk = ZooKeeperFixture.start(dir);
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    @Test
    void shouldCreateATopicTooLargeForOneZooKeeperRequest() throws Exception {
        // 10,000 partitions with states are about 2.7 MB of operations; one transaction would
        // exceed jute.maxbuffer, and ZooKeeper would drop the zk.connection.
        int partitions = 10_000;
        zk.store.createTopic("big", Uuid.randomUuid(), assignment(0, partitions, List.of(0, 1, 2)), Map.of("retention.ms", "1000"),
            states(0, partitions, 0));

        MetadataImage image = zk.cache.await(i -> i.topic("big") != null && i.topic("big").partitions().size() == partitions
            && i.topic("big").partitions().values().stream().allMatch(PartitionImage::hasLeader)).get(30, TimeUnit.SECONDS);

        assertThat(image.topic("big").configs()).containsEntry("retention.ms", "1000");
        assertThat(image.topic("big").partitions().get(9_999).replicas()).containsExactly(0, 1, 2);
        assertThat(image.topic("big").partitions().get(9_999).isr()).containsExactly(0);
    }

    @Test
    void shouldStillReportAnExistingTopic() throws Exception {
        zk.store.createTopic("t", Uuid.randomUuid(), assignment(0, 3_000, List.of(0)), Map.of(), states(0, 3_000, 0));

        assertThatThrownBy(() -> zk.store.createTopic("t", Uuid.randomUuid(), assignment(0, 3_000, List.of(0)), Map.of(), states(0, 3_000, 0)))
            .isInstanceOf(TopicExistsException.class);
    }

    @Test
    void shouldRefuseATopicWhoseAssignmentDoesNotFitInOneNode() throws Exception {
        int partitions = 60_000;

        assertThatThrownBy(() -> zk.store.createTopic("huge", Uuid.randomUuid(), assignment(0, partitions, List.of(100, 101, 102)),
            Map.of(), states(0, partitions, 100)))
            .isInstanceOf(InvalidPartitionsException.class)
            .hasMessageContaining("60000 partitions");
        assertThat(zk.connection.curator().checkExists().forPath(ZkPaths.topic("huge"))).isNull();
    }

    @Test
    void shouldKeepAStateTheControllerWroteFirstWhenAddingManyPartitions() throws Exception {
        Uuid id = Uuid.randomUuid();
        zk.store.createTopic("grow", id, assignment(0, 1, List.of(0)), Map.of(), states(0, 1, 0));
        // The controller got to partition 5,000 first (it saw the assignment before its state).
        PartitionState controllers = new PartitionState(0, 0, List.of(0), 7, 0);
        assertThat(zk.store.createPartitionState("grow", 5_000, controllers)).isTrue();

        int total = 8_000;
        zk.store.addPartitions("grow", id, assignment(0, total, List.of(0)), zk.store.topicVersion("grow"), states(1, total, 0));

        MetadataImage image = zk.cache.await(i -> i.topic("grow") != null && i.topic("grow").partitions().size() == total
            && i.topic("grow").partitions().values().stream().allMatch(PartitionImage::hasLeader)).get(30, TimeUnit.SECONDS);
        assertThat(image.topic("grow").partitions().get(5_000).state().controllerEpoch()).isEqualTo(7);
        assertThat(image.topic("grow").partitions().get(4_999).state().controllerEpoch()).isZero();
    }

    private static Map<Integer, List<Integer>> assignment(int from, int to, List<Integer> replicas) {
        Map<Integer, List<Integer>> m = new TreeMap<>();
        for (int p = from; p < to; p++) {
            m.put(p, replicas);
        }
        return m;
    }

    private static Map<Integer, PartitionState> states(int from, int to, int leader) {
        Map<Integer, PartitionState> m = new TreeMap<>();
        for (int p = from; p < to; p++) {
            m.put(p, new PartitionState(leader, 0, List.of(leader), 0, 0));
        }
        return m;
    }
}
