package io.gregor.metadata.store;

/**
 * Producer ids reserved in blocks ({@code /latest_producer_id_block}), so that ids are unique
 * across brokers and restarts: each block starts after the last one handed out to any broker.
 */
public interface ProducerIdBlocks {

    /** Reserves {@code size} consecutive producer ids for {@code brokerId}; returns the first. */
    long allocateProducerIdBlock(int brokerId, int size) throws Exception;
}
