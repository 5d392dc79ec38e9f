package io.gregor.metadata.store.zk;

import io.gregor.metadata.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real (embedded) ZooKeeper with the metadata paths, a connection, a topic store and a started cache over it. */
final class ZooKeeperFixture implements AutoCloseable {
    final EmbeddedZooKeeper zookeeper;
    final ZkConnection connection;
    final ZkTopicStore store;
    final MetadataCache cache;

    private ZooKeeperFixture(EmbeddedZooKeeper zookeeper, ZkConnection connection, MetadataCache cache) {
        this.zookeeper = zookeeper;
        this.connection = connection;
        this.store = new ZkTopicStore(connection.curator());
        this.cache = cache;
    }

    static ZooKeeperFixture start(Path dir) throws Exception {
        EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(dir.toFile(), "127.0.0.1", 0);
        ZkConnection connection = ZkConnection.connect(zookeeper.connectString(), 10_000, 10_000);
        connection.ensurePaths();
        MetadataCache cache = new MetadataCache(connection.curator(), 0);
        cache.start().get(10, TimeUnit.SECONDS);
        return new ZooKeeperFixture(zookeeper, connection, cache);
    }

    @Override
    public void close() {
        cache.close();
        connection.close();
        zookeeper.close();
    }
}
