package io.gregor.metadata.store.zk;

import io.gregor.metadata.store.ControllerElection;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;

/**
 * {@link ControllerElection} as a Curator leader latch in {@code /controller_election}, whose
 * entries carry the broker id (see {@link ZkControllerStore#removeStaleElectionEntries}). The
 * listener runs on Curator's event thread. Thread-safe.
 */
public final class ZkControllerElection implements ControllerElection {
    private final LeaderLatch latch;

    public ZkControllerElection(CuratorFramework zk, int brokerId) {
        this.latch = new LeaderLatch(zk, ZkPaths.CONTROLLER_ELECTION, Integer.toString(brokerId));
    }

    @Override
    public void start(Listener listener) throws Exception {
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                listener.elected();
            }

            @Override
            public void notLeader() {
                listener.deposed();
            }
        });
        latch.start();
    }

    @Override
    public boolean hasLeadership() {
        return latch.hasLeadership();
    }

    @Override
    public void close() {
        try {
            latch.close(LeaderLatch.CloseMode.SILENT);
        } catch (Exception ignored) {
            // Closing anyway.
        }
    }
}
