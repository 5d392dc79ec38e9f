package io.gregor.faults;

/** One violation of what Gregor promises, found by {@link HistoryChecker} or {@link ReplicaCheck}. */
record Anomaly(Kind kind, String description) {

    /** What went wrong; the order is the report's. */
    enum Kind {
        /** A record acknowledged with acks=all is not in the partition at its acknowledged offset. */
        LOST,
        /** One value at two offsets: written twice, although idempotent producers send each value once. */
        DUPLICATE,
        /** One offset read with two values, or a value read at another offset than the one acknowledged. */
        INCONSISTENT_OFFSET,
        /** A record read that was never written, or whose send failed for certain. */
        PHANTOM,
        /** One consumer read a partition at an offset not above the one it read before, without a new assignment in between. */
        NON_MONOTONIC_READ,
        /** A committed offset lower than one committed (and acknowledged) before. */
        COMMIT_BACKWARDS,
        /** Two members owned one partition in one generation. */
        SPLIT_OWNERSHIP,
        /** Replicas of a partition differ below the high watermark after healing, or one lacks records. */
        REPLICA_DIVERGENCE,
        /** The history cannot be checked completely: no final drain, or the drain did not reach the end. */
        INCOMPLETE
    }
}
