package io.gregor.storage.producer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a partition remembers about one producer id: its epoch and its last five batches (the
 * most a client keeps in flight), so that a retried batch is recognised as a duplicate.
 * Mutated only under the owning log's lock.
 */
public final class ProducerStateEntry {
    static final int NUM_BATCHES_TO_RETAIN = 5;

    private final long producerId;
    private short epoch;
    private long lastTimestamp;
    private final Deque<BatchMetadata> batches = new ArrayDeque<>(NUM_BATCHES_TO_RETAIN);

    ProducerStateEntry(long producerId, short epoch) {
        this.producerId = producerId;
        this.epoch = epoch;
    }

    public long producerId() {
        return producerId;
    }

    public short epoch() {
        return epoch;
    }

    public long lastTimestamp() {
        return lastTimestamp;
    }

    public Deque<BatchMetadata> batches() {
        return batches;
    }

    public int lastSeq() {
        BatchMetadata last = batches.peekLast();
        return last == null ? -1 : last.lastSeq();
    }

    public long lastOffset() {
        BatchMetadata last = batches.peekLast();
        return last == null ? -1 : last.lastOffset();
    }

    BatchMetadata findDuplicate(int firstSeq, int lastSeq) {
        for (BatchMetadata batch : batches) {
            if (batch.firstSeq() == firstSeq && batch.lastSeq() == lastSeq) {
                return batch;
            }
        }
        return null;
    }

    void add(short newEpoch, BatchMetadata batch) {
        if (newEpoch != epoch) {
            batches.clear();
            epoch = newEpoch;
        }
        if (batches.size() == NUM_BATCHES_TO_RETAIN) {
            batches.removeFirst();
        }
        batches.addLast(batch);
        lastTimestamp = Math.max(lastTimestamp, batch.timestamp());
    }
}
