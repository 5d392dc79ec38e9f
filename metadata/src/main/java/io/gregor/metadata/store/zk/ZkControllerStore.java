package io.gregor.metadata.store.zk;

import io.gregor.metadata.store.ControllerEpoch;
import io.gregor.metadata.store.ControllerStore;
import java.util.Arrays;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ControllerStore} in {@code /controller} (ephemeral, owned by the controller's session),
 * {@code /controller_epoch} (whose ZooKeeper version fences writes) and the entries of
 * {@code /controller_election}. Thread-safe; calls block on ZooKeeper.
 */
public final class ZkControllerStore implements ControllerStore {
    private static final Logger log = LoggerFactory.getLogger(ZkControllerStore.class);

    private final CuratorFramework zk;

    public ZkControllerStore(CuratorFramework zk) {
        this.zk = zk;
    }

    @Override
    public ControllerEpoch incrementControllerEpoch() throws Exception {
        while (true) {
            Stat stat = new Stat();
            try {
                byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.CONTROLLER_EPOCH);
                int next = ZkData.controllerEpoch(data) + 1;
                Stat written = zk.setData().withVersion(stat.getVersion()).forPath(ZkPaths.CONTROLLER_EPOCH, ZkData.controllerEpoch(next));
                return new ControllerEpoch(next, written.getVersion());
            } catch (KeeperException.NoNodeException e) {
                try {
                    zk.create().forPath(ZkPaths.CONTROLLER_EPOCH, ZkData.controllerEpoch(1));
                    return new ControllerEpoch(1, 0);
                } catch (KeeperException.NodeExistsException raced) {
                    // Retry.
                }
            } catch (KeeperException.BadVersionException raced) {
                // Another controller; retry and let the election sort it out.
            }
        }
    }

    @Override
    public void registerController(int brokerId, long timestampMs) throws Exception {
        byte[] data = ZkData.controller(brokerId, timestampMs);
        try {
            zk.delete().forPath(ZkPaths.CONTROLLER);
        } catch (KeeperException.NoNodeException ignored) {
            // None yet.
        }
        zk.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.CONTROLLER, data);
    }

    /** An entry is stale when it carries this broker's id but another session owns it. */
    @Override
    public void removeStaleElectionEntries(int brokerId) throws Exception {
        if (zk.checkExists().forPath(ZkPaths.CONTROLLER_ELECTION) == null) {
            return;
        }
        long session = ZkConnection.sessionId(zk);
        byte[] id = ZkData.electionEntry(brokerId);
        for (String child : zk.getChildren().forPath(ZkPaths.CONTROLLER_ELECTION)) {
            String path = ZkPaths.CONTROLLER_ELECTION + "/" + child;
            Stat stat = new Stat();
            byte[] data;
            try {
                data = zk.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            if (Arrays.equals(data, id) && stat.getEphemeralOwner() != session) {
                try {
                    zk.delete().withVersion(stat.getVersion()).forPath(path);
                    log.info("Removed a stale controller-election entry of broker {} left by an earlier session", brokerId);
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException ignored) {
                    // Gone already.
                }
            }
        }
    }
}
