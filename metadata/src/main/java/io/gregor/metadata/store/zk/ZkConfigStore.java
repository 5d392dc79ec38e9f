package io.gregor.metadata.store.zk;

import io.gregor.metadata.store.ConfigStore;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/** {@link ConfigStore} in {@code /config/topics} and {@code /config/brokers}. Thread-safe; calls block on ZooKeeper. */
public final class ZkConfigStore implements ConfigStore {
    private final CuratorFramework zk;

    public ZkConfigStore(CuratorFramework zk) {
        this.zk = zk;
    }

    @Override
    public void setTopicConfig(String topic, Map<String, String> configs) throws Exception {
        setOrCreate(ZkPaths.topicConfig(topic), ZkData.config(configs));
    }

    @Override
    public void setBrokerConfig(String entity, Map<String, String> configs) throws Exception {
        setOrCreate(ZkPaths.BROKER_CONFIGS + "/" + entity, ZkData.config(configs));
    }

    private void setOrCreate(String path, byte[] data) throws Exception {
        try {
            zk.setData().forPath(path, data);
        } catch (KeeperException.NoNodeException e) {
            zk.create().creatingParentsIfNeeded().forPath(path, data);
        }
    }
}
