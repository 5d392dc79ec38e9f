package io.gregor.metadata.store.zk;

import io.gregor.common.Threads;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;

/**
 * This broker's ZooKeeper session (one Curator client), shared by the {@code Zk*} stores and the
 * {@link MetadataCache}. Whatever a store writes as ephemeral lasts as long as this session.
 * Thread-safe.
 */
public final class ZkConnection implements AutoCloseable {
    private final CuratorFramework zk;
    private final ExecutorService safeNotifyService;

    private ZkConnection(CuratorFramework zk, ExecutorService safeNotifyService) {
        this.zk = zk;
        this.safeNotifyService = safeNotifyService;
    }

    /**
     * Connects and waits for the session.
     *
     * @throws IllegalStateException when ZooKeeper is not reachable within the connection timeout
     */
    public static ZkConnection connect(String connectString, int sessionTimeoutMs, int connectionTimeoutMs) throws InterruptedException {
        // Curator (through 5.9.0) never shuts down the executor it makes for runSafe() when it
        // is closed, leaking one thread per client (apache/curator#1277); so we own that executor.
        ExecutorService safeNotifyService = Executors.newSingleThreadExecutor(Threads.singleDaemonFactory("gregor-curator-safe-notify"));
        CuratorFramework zk = CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs(sessionTimeoutMs)
            .connectionTimeoutMs(connectionTimeoutMs)
            .retryPolicy(new ExponentialBackoffRetry(100, 10, 2000))
            .runSafeService(safeNotifyService)
            .build();
        zk.start();
        if (!zk.blockUntilConnected(connectionTimeoutMs, TimeUnit.MILLISECONDS)) {
            zk.close();
            safeNotifyService.shutdownNow();
            throw new IllegalStateException("Could not connect to ZooKeeper at " + connectString + " within "
                + connectionTimeoutMs + " ms (zookeeper.connection.timeout.ms)");
        }
        return new ZkConnection(zk, safeNotifyService);
    }

    public CuratorFramework curator() {
        return zk;
    }

    /** Creates the persistent top-level nodes if missing. */
    public void ensurePaths() throws Exception {
        for (String path : List.of(ZkPaths.BROKER_IDS, ZkPaths.TOPICS, ZkPaths.TOPIC_CONFIGS, ZkPaths.BROKER_CONFIGS,
            ZkPaths.DELETE_TOPICS, "/cluster")) {
            try {
                zk.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
            } catch (KeeperException.NodeExistsException ignored) {
                // Already there.
            }
        }
    }

    /** The id of the current session, which owns this broker's ephemeral nodes. */
    static long sessionId(CuratorFramework zk) throws Exception {
        return zk.getZookeeperClient().getZooKeeper().getSessionId();
    }

    @Override
    public void close() {
        zk.close();
        safeNotifyService.shutdown();
    }
}
