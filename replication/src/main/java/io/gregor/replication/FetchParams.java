package io.gregor.replication;

import io.gregor.storage.log.FetchIsolation;

/**
 * Request-level parameters of a fetch.
 *
 * @param replicaId  -1 for consumers, the broker id of a follower otherwise
 * @param maxWaitMs  how long to wait for {@code minBytes}
 * @param minBytes   bytes to accumulate before answering
 * @param maxBytes   response byte budget (the first batch is always returned whole)
 * @param isolation  how far reads may go
 */
public record FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes, FetchIsolation isolation) {
    public boolean isFromFollower() {
        return replicaId >= 0;
    }
}
