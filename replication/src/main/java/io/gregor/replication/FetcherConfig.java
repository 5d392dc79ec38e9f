package io.gregor.replication;

/**
 * Replica fetcher settings (Kafka's names).
 *
 * @param fetchMaxBytes          replica.fetch.max.bytes, per partition
 * @param fetchResponseMaxBytes  replica.fetch.response.max.bytes
 * @param fetchWaitMaxMs         replica.fetch.wait.max.ms
 * @param fetchMinBytes          replica.fetch.min.bytes
 * @param fetchBackoffMs         replica.fetch.backoff.ms
 * @param socketTimeoutMs        replica.socket.timeout.ms
 * @param fetchersPerBroker      num.replica.fetchers
 * @param listenerName           the listener brokers use to reach each other
 */
public record FetcherConfig(int fetchMaxBytes, int fetchResponseMaxBytes, int fetchWaitMaxMs, int fetchMinBytes, int fetchBackoffMs,
                            int socketTimeoutMs, int fetchersPerBroker, String listenerName) {
    /**
     * The versions a follower sends, pinned like the handlers' versions (a newer kafka-clients
     * must not change what brokers ask each other): the latest the leader's handlers serve,
     * which the server's tests check.
     */
    public static final short FETCH_VERSION = 18;
    public static final short OFFSET_FOR_LEADER_EPOCH_VERSION = 4;
}
