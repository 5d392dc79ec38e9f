package io.gregor.metadata.store.zk;

import io.gregor.metadata.store.ClusterIdStore;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/** {@link ClusterIdStore} in {@code /cluster/id}. Thread-safe; calls block on ZooKeeper. */
public final class ZkClusterIdStore implements ClusterIdStore {
    private final CuratorFramework zk;

    public ZkClusterIdStore(CuratorFramework zk) {
        this.zk = zk;
    }

    @Override
    public String getOrCreateClusterId(String proposed) throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(ZkPaths.CLUSTER_ID, ZkData.clusterId(proposed));
            return proposed;
        } catch (KeeperException.NodeExistsException e) {
            return ZkData.clusterId(zk.getData().forPath(ZkPaths.CLUSTER_ID));
        }
    }
}
