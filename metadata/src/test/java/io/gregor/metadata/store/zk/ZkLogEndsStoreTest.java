package io.gregor.metadata.store.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.metadata.EmbeddedZooKeeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.Uuid;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bucketed {@code /gregor/log_ends/<id>} nodes on a real (embedded) ZooKeeper: what is written, and when. */
class ZkLogEndsStoreTest {
    @TempDir
    Path dir;

    private EmbeddedZooKeeper zookeeper;
    private ZkConnection connection;
    private CuratorFramework curator;

    @BeforeEach
    void start() throws Exception {
        zookeeper = EmbeddedZooKeeper.start(dir.toFile(), "127.0.0.1", 0);
        connection = ZkConnection.connect(zookeeper.connectString(), 10_000, 10_000);
        curator = connection.curator();
    }

    @AfterEach
    void stop() {
        connection.close();
        zookeeper.close();
    }

    @Test
    void shouldRewriteOnlyTheBucketsWhoseTopicsChanged() throws Exception {
        // Given two topics in different buckets
        Uuid a = topicInBucket(3);
        Uuid b = topicInBucket(7);
        ZkLogEndsStore store = new ZkLogEndsStore(curator);
        store.record(2, Map.of(a, Set.of(0, 1), b, Set.of(0)));
        int versionOfA = version("/gregor/log_ends/2/3");
        int versionOfB = version("/gregor/log_ends/2/7");

        // When
        store.record(2, Map.of(a, Set.of(0, 1), b, Set.of(0, 1)));
        store.record(2, Map.of(a, Set.of(0, 1), b, Set.of(0, 1)));

        // Then
        assertThat(version("/gregor/log_ends/2/3")).as("bucket of the unchanged topic").isEqualTo(versionOfA);
        assertThat(version("/gregor/log_ends/2/7")).as("bucket of the changed topic, written once").isEqualTo(versionOfB + 1);
        assertThat(new String(curator.getData().forPath("/gregor/log_ends/2/7"), StandardCharsets.UTF_8))
            .isEqualTo("{\"version\":1,\"partitions\":{\"" + b + "\":\"0-1\"}}");
    }

    @Test
    void shouldDeleteBucketsLeftEmptyEvenWhenWrittenByAnEarlierProcess() throws Exception {
        Uuid a = topicInBucket(3);
        Uuid b = topicInBucket(7);
        new ZkLogEndsStore(curator).record(2, Map.of(a, Set.of(0), b, Set.of(0)));

        new ZkLogEndsStore(curator).record(2, Map.of(b, Set.of(0)));

        assertThat(curator.getChildren().forPath("/gregor/log_ends/2")).containsExactly("7");
    }

    @Test
    void shouldKeepEachBucketFarBelowTheNodeLimitWithTensOfThousandsOfTopics() throws Exception {
        Map<Uuid, Set<Integer>> partitions = new HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            partitions.put(Uuid.randomUuid(), Set.of(0));
        }

        new ZkLogEndsStore(curator).record(0, partitions);

        List<String> buckets = curator.getChildren().forPath("/gregor/log_ends/0");
        assertThat(buckets).hasSize(ZkLogEndsStore.BUCKETS);
        int largest = 0;
        for (String bucket : buckets) {
            largest = Math.max(largest, curator.getData().forPath("/gregor/log_ends/0/" + bucket).length);
        }
        System.out.printf("30,000 single-partition topics: largest bucket %,d bytes%n", largest);
        assertThat(largest).isLessThan(100 * 1024);
    }

    @Test
    void shouldIgnoreABucketThatIsNotAListOfPartitions() throws Exception {
        Uuid a = topicInBucket(3);
        ZkLogEndsStore store = new ZkLogEndsStore(curator);
        store.record(1, Map.of(a, Set.of(4)));
        curator.create().forPath("/gregor/log_ends/1/9", "{\"version\":1,\"partitions\":{\"x\":\"3-1\"}}".getBytes(StandardCharsets.UTF_8));

        assertThat(new ZkLogEndsStore(curator).recorded(1)).contains(Map.of(a, Set.of(4)));
    }

    @Test
    void shouldWritePartitionNumbersAsRanges() {
        assertThat(ZkData.ranges(new TreeSet<>(List.of(0, 1, 2, 3, 7, 9, 10)))).isEqualTo("0-3,7,9-10");
        assertThat(ZkData.ranges(new TreeSet<>())).isEmpty();
        assertThat(ZkData.parseRanges("0-3,7,9-10")).containsExactly(0, 1, 2, 3, 7, 9, 10);
        assertThatThrownBy(() -> ZkData.parseRanges("0-2147483647")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZkData.parseRanges("a")).isInstanceOf(IllegalArgumentException.class);
    }

    private int version(String path) throws Exception {
        Stat stat = new Stat();
        curator.getData().storingStatIn(stat).forPath(path);
        return stat.getVersion();
    }

    private static Uuid topicInBucket(int bucket) {
        for (int i = 0; i < 100_000; i++) {
            Uuid id = Uuid.randomUuid();
            if (ZkLogEndsStore.bucketOf(id) == bucket) {
                return id;
            }
        }
        throw new AssertionError("no topic id in bucket " + bucket);
    }
}
