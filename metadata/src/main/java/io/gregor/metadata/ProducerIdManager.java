package io.gregor.metadata;

/**
 * Hands out producer ids from blocks reserved in ZooKeeper, so that ids are unique across the
 * cluster and across restarts. Thread-safe; a new block costs one ZooKeeper round trip per
 * {@value #BLOCK_SIZE} ids, so callers must not be on a network thread.
 */
public final class ProducerIdManager {
    static final int BLOCK_SIZE = 1000;

    private final ZkMetadataStore store;
    private final int brokerId;
    private long next;
    private long blockEnd = -1;

    public ProducerIdManager(ZkMetadataStore store, int brokerId) {
        this.store = store;
        this.brokerId = brokerId;
    }

    public synchronized long nextProducerId() throws Exception {
        if (next > blockEnd) {
            long start = store.allocateProducerIdBlock(brokerId, BLOCK_SIZE);
            next = start;
            blockEnd = start + BLOCK_SIZE - 1;
        }
        return next++;
    }
}
