package io.gregor.replication;

/**
 * What a leader knows about one follower from its fetches.
 *
 * @param logEndOffset           the follower's log end (its last fetch offset), -1 if unknown
 * @param lastCaughtUpTimeMs     last time the follower had everything the leader had
 * @param lastFetchLeaderLogEnd  the leader's log end at the follower's previous fetch
 * @param lastFetchTimeMs        time of the previous fetch
 */
record FollowerState(long logEndOffset, long lastCaughtUpTimeMs, long lastFetchLeaderLogEnd, long lastFetchTimeMs) {

    static FollowerState initial(long nowMs, boolean inSync) {
        return new FollowerState(-1, inSync ? nowMs : 0, -1, 0);
    }

    /**
     * A fetch at {@code fetchOffset}: the follower is caught up if it asked for the leader's log
     * end, or for at least what the leader had at its previous fetch (then it was caught up as of
     * that previous fetch).
     */
    FollowerState onFetch(long fetchOffset, long leaderLogEnd, long nowMs) {
        long caughtUp = lastCaughtUpTimeMs;
        if (fetchOffset >= leaderLogEnd) {
            caughtUp = Math.max(caughtUp, nowMs);
        } else if (fetchOffset >= lastFetchLeaderLogEnd) {
            caughtUp = Math.max(caughtUp, lastFetchTimeMs);
        }
        return new FollowerState(fetchOffset, caughtUp, leaderLogEnd, nowMs);
    }
}
