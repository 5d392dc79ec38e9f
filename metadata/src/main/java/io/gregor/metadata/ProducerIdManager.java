package io.gregor.metadata;

import io.gregor.metadata.store.ProducerIdBlocks;

/**
 * Hands out producer ids from blocks reserved in the {@link ProducerIdBlocks}, so that ids are
 * unique across the cluster and across restarts. Thread-safe; a new block costs one ZooKeeper
 * round trip per {@value #BLOCK_SIZE} ids, so callers must not be on a network thread.
 */
public final class ProducerIdManager {
    static final int BLOCK_SIZE = 1000;

    private final ProducerIdBlocks blocks;
    private final int brokerId;
    private long next;
    private long blockEnd = -1;

    public ProducerIdManager(ProducerIdBlocks blocks, int brokerId) {
        this.blocks = blocks;
        this.brokerId = brokerId;
    }

    public synchronized long nextProducerId() throws Exception {
        if (next > blockEnd) {
            long start = blocks.allocateProducerIdBlock(brokerId, BLOCK_SIZE);
            next = start;
            blockEnd = start + BLOCK_SIZE - 1;
        }
        return next++;
    }
}
