package io.gregor.metadata.store.zk;

import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.store.BrokerRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BrokerRegistry} as ephemeral nodes {@code /brokers/ids/<id>}, owned by the session of
 * the client that registered. Thread-safe; calls block on ZooKeeper.
 */
public final class ZkBrokerRegistry implements BrokerRegistry {
    private static final Logger log = LoggerFactory.getLogger(ZkBrokerRegistry.class);

    private final CuratorFramework zk;

    public ZkBrokerRegistry(CuratorFramework zk) {
        this.zk = zk;
    }

    /**
     * A leftover registration of the same id from an earlier session with the same endpoints is
     * our own previous incarnation (e.g. after a crash, until its session expires) and is
     * replaced; one of our own session is kept; one with other endpoints is another live broker
     * using our id, which is a configuration error.
     */
    @Override
    public void register(BrokerRegistration registration) throws Exception {
        String path = ZkPaths.broker(registration.id());
        byte[] data = ZkData.brokerRegistration(registration);
        for (int attempt = 0; ; attempt++) {
            try {
                zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
                return;
            } catch (KeeperException.NodeExistsException e) {
                Stat stat = new Stat();
                byte[] existing;
                try {
                    existing = zk.getData().storingStatIn(stat).forPath(path);
                } catch (KeeperException.NoNodeException gone) {
                    continue;
                }
                if (stat.getEphemeralOwner() == ZkConnection.sessionId(zk)) {
                    return;
                }
                BrokerRegistration old = ZkData.brokerRegistration(registration.id(), existing);
                if (old.endpoints().equals(registration.endpoints()) || attempt > 0) {
                    log.info("Replacing a stale registration of broker {} left by an earlier session", registration.id());
                    try {
                        zk.delete().withVersion(stat.getVersion()).forPath(path);
                    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException ignored) {
                        // Someone else changed it; retry.
                    }
                    continue;
                }
                throw new IllegalStateException("Broker id " + registration.id() + " is already registered by a live broker at "
                    + old.endpoints() + "; every broker needs a unique broker.id");
            }
        }
    }

    @Override
    public void deregister(int brokerId) {
        try {
            zk.delete().forPath(ZkPaths.broker(brokerId));
        } catch (Exception ignored) {
            // Gone with the session anyway.
        }
    }
}
