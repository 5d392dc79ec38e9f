package io.gregor.metadata.store.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataCacheTest {
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
    void shouldNeverPublishANewTopicWithoutTheConfigsItWasCreatedWith() throws Exception {
        // The topic and config nodes reach the cache through separate watches; a DescribeConfigs
        // in between would show a compacted topic as cleanup.policy=delete.
        Set<String> seenWithoutConfigs = ConcurrentHashMap.newKeySet();
        zk.cache.addListener((previous, next) -> next.topics().forEach((name, topic) -> {
            if (!"compact".equals(topic.configs().get("cleanup.policy"))) {
                seenWithoutConfigs.add(name);
            }
        }));

        int topics = 200;
        for (int i = 0; i < topics; i++) {
            zk.store.createTopic("t" + i, Uuid.randomUuid(), Map.of(0, List.of(0)), Map.of("cleanup.policy", "compact"),
                Map.of(0, new PartitionState(0, 0, List.of(0), 0, 0)));
        }
        zk.cache.await(image -> image.topics().size() == topics).get(30, TimeUnit.SECONDS);

        assertThat(seenWithoutConfigs).isEmpty();
        assertThat(zk.cache.image().topic("t0").configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void shouldPublishATopicThatHasNoConfigNode() throws Exception {
        zk.connection.curator().create().creatingParentsIfNeeded()
            .forPath(ZkPaths.topic("legacy"), ("{\"version\":3,\"topic_id\":\"" + Uuid.randomUuid() + "\",\"partitions\":{\"0\":[0]}}").getBytes());

        MetadataImage image = zk.cache.await(i -> i.topic("legacy") != null).get(10, TimeUnit.SECONDS);

        assertThat(image.topic("legacy").configs()).isEmpty();
    }
}
