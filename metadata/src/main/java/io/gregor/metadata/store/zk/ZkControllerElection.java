package io.gregor.metadata.store.zk;

import io.gregor.metadata.store.ControllerElection;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ControllerElection} as a Curator leader latch in {@code /controller_election}, whose
 * entries carry the broker id (see {@link ZkControllerStore#removeStaleElectionEntries}). The
 * listener runs on Curator's event thread.
 *
 * <p>While it leads, it also watches its own entry: another broker removes it when this
 * broker's endpoint refuses connections ({@link ZkControllerStore#resignDeadController}), and
 * Curator's latch, which watches only its predecessor, would go on believing it leads. When the
 * entry goes, the candidate is told it was deposed and enters the election again with a new
 * latch. Thread-safe.
 */
public final class ZkControllerElection implements ControllerElection {
    private static final Logger log = LoggerFactory.getLogger(ZkControllerElection.class);

    private final CuratorFramework zk;
    private final String id;
    private volatile LeaderLatch latch;
    private volatile Listener listener;
    private volatile boolean closed;

    public ZkControllerElection(CuratorFramework zk, int brokerId) {
        this.zk = zk;
        this.id = Integer.toString(brokerId);
    }

    @Override
    public void start(Listener listener) throws Exception {
        this.listener = listener;
        startLatch();
    }

    private synchronized void startLatch() throws Exception {
        if (closed) {
            return;
        }
        LeaderLatch l = new LeaderLatch(zk, ZkPaths.CONTROLLER_ELECTION, id);
        l.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                listener.elected();
                watchOwnEntry(l, l.getOurPath());
            }

            @Override
            public void notLeader() {
                listener.deposed();
            }
        });
        latch = l;
        l.start();
    }

    private void watchOwnEntry(LeaderLatch l, String path) {
        if (path == null || l != latch) {
            return;
        }
        CuratorWatcher watcher = event -> {
            if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
                maybeRejoin(l, path);
            } else if (event.getType() == Watcher.Event.EventType.None && l == latch && l.hasLeadership()) {
                // A connection event: the watch may be gone with it; set it again.
                watchOwnEntry(l, path);
            }
        };
        try {
            // In the background: this runs on ZooKeeper's event thread (the latch's listener), which must not wait for ZooKeeper.
            zk.checkExists().usingWatcher(watcher).inBackground((client, event) -> {
                if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                    maybeRejoin(l, path);
                }
            }).forPath(path);
        } catch (Exception e) {
            log.warn("Cannot watch the controller-election entry {}: {}", path, e.toString());
        }
    }

    /** The entry {@code path} of latch {@code l} is gone: unless the latch moved on by itself, start again. */
    private synchronized void maybeRejoin(LeaderLatch l, String path) {
        if (closed || l != latch || !path.equals(l.getOurPath())) {
            return;
        }
        log.warn("This broker's controller-election entry {} was removed while it led; stepping down and entering the election again", path);
        boolean wasLeader = l.hasLeadership();
        closeQuietly(l);
        if (wasLeader) {
            listener.deposed();
        }
        try {
            startLatch();
        } catch (Exception e) {
            log.error("Could not enter the controller election again", e);
        }
    }

    @Override
    public boolean hasLeadership() {
        LeaderLatch l = latch;
        return l != null && l.hasLeadership();
    }

    @Override
    public synchronized void close() {
        closed = true;
        LeaderLatch l = latch;
        if (l != null) {
            closeQuietly(l);
        }
    }

    private static void closeQuietly(LeaderLatch l) {
        try {
            l.close(LeaderLatch.CloseMode.SILENT);
        } catch (Exception ignored) {
            // Closing anyway.
        }
    }
}
