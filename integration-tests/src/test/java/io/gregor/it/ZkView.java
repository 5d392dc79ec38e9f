package io.gregor.it;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;

/**
 * Reads the cluster's state straight from ZooKeeper (the layout is in {@code io.gregor.metadata.store.zk.ZkPaths}):
 * partition states, the controller and the registered brokers. Unlike a Metadata request, it
 * cannot end up waiting on a broker that is frozen with SIGSTOP.
 */
final class ZkView implements AutoCloseable {
    private final CuratorFramework curator;

    private ZkView(CuratorFramework curator) {
        this.curator = curator;
    }

    static ZkView connect(String connectString) {
        CuratorFramework curator = CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs(30_000)
            .connectionTimeoutMs(10_000)
            .retryPolicy(new ExponentialBackoffRetry(100, 3))
            .build();
        curator.start();
        return new ZkView(curator);
    }

    /** The {@code state} node of a partition. */
    record PartitionState(int leader, int leaderEpoch, List<Integer> isr) {
    }

    PartitionState partitionState(String topic, int partition) throws Exception {
        Map<String, Object> state = JSON.std.mapFrom(curator.getData().forPath("/brokers/topics/" + topic + "/partitions/" + partition + "/state"));
        List<Integer> isr = new ArrayList<>();
        for (Object id : (List<?>) state.get("isr")) {
            isr.add(((Number) id).intValue());
        }
        return new PartitionState(((Number) state.get("leader")).intValue(), ((Number) state.get("leader_epoch")).intValue(), isr);
    }

    /** The broker id in {@code /controller}, -1 when no broker is controller. */
    int controllerId() throws Exception {
        try {
            return ((Number) JSON.std.mapFrom(curator.getData().forPath("/controller")).get("brokerid")).intValue();
        } catch (KeeperException.NoNodeException e) {
            return -1;
        }
    }

    /** The ids of the brokers registered in {@code /brokers/ids} (those whose session is alive). */
    List<Integer> registeredBrokers() throws Exception {
        return curator.getChildren().forPath("/brokers/ids").stream().map(Integer::valueOf).sorted().toList();
    }

    /** Whether a node exists. */
    boolean exists(String path) throws Exception {
        return curator.checkExists().forPath(path) != null;
    }

    /** Deletes a node and everything below it, as a broker of an older version would never have written it. */
    void deleteRecursively(String path) throws Exception {
        curator.delete().deletingChildrenIfNeeded().forPath(path);
    }

    @Override
    public void close() {
        curator.close();
    }
}
