package io.gregor.replication;

/**
 * Something waiting on a partition (a long-polling fetch, an acks=all produce). Told when the
 * partition's high watermark or log end moves; it re-checks its condition on its own thread.
 */
interface PartitionWatcher {
    /** Called from the thread that changed the partition; must only schedule work. */
    void onPartitionChange();

    /** Completed watchers are dropped from the partition's list. */
    boolean isCompleted();
}
