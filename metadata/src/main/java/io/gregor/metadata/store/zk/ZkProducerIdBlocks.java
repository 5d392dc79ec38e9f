package io.gregor.metadata.store.zk;

import io.gregor.metadata.store.ProducerIdBlocks;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * {@link ProducerIdBlocks} in {@code /latest_producer_id_block}: a block is taken by a write
 * conditional on the node's version, retried when another broker took one meanwhile.
 * Thread-safe; calls block on ZooKeeper.
 */
public final class ZkProducerIdBlocks implements ProducerIdBlocks {
    private final CuratorFramework zk;

    public ZkProducerIdBlocks(CuratorFramework zk) {
        this.zk = zk;
    }

    @Override
    public long allocateProducerIdBlock(int brokerId, int size) throws Exception {
        while (true) {
            Stat stat = new Stat();
            long start;
            try {
                start = ZkData.producerIdBlockEnd(zk.getData().storingStatIn(stat).forPath(ZkPaths.PRODUCER_ID_BLOCK)) + 1;
            } catch (KeeperException.NoNodeException e) {
                stat = null;
                start = 0;
            }
            byte[] block = ZkData.producerIdBlock(brokerId, start, start + size - 1);
            try {
                if (stat == null) {
                    zk.create().forPath(ZkPaths.PRODUCER_ID_BLOCK, block);
                } else {
                    zk.setData().withVersion(stat.getVersion()).forPath(ZkPaths.PRODUCER_ID_BLOCK, block);
                }
                return start;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException raced) {
                // Another broker took a block; retry.
            }
        }
    }
}
