package io.gregor.testkit.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The broker configs of a test cluster: the keys the testkit owns (identity, ports, directories,
 * ZooKeeper) and defaults that keep tests fast, under the user's overrides.
 */
public final class BrokerConfigs {
    /** The replication factor of a production cluster, and so the most a test cluster hands out by default. */
    public static final int MAX_DEFAULT_REPLICATION_FACTOR = 3;

    /**
     * How long a broker's ZooKeeper session outlives the broker: when a broker dies without a
     * clean stop, the controller moves its partitions' leadership after this long. Kafka's 18 s
     * would stall a failover test; the embedded ZooKeeper accepts sessions from 2 s.
     */
    static final int ZOOKEEPER_SESSION_TIMEOUT_MS = 4000;

    /** Set by the testkit for every broker; overriding them would break the cluster. */
    public static final Set<String> RESERVED = Set.of("broker.id", "listeners", "advertised.listeners", "log.dir", "log.dirs",
        "zookeeper.connect", "zookeeper.embedded.port", "zookeeper.embedded.data.dir");

    private BrokerConfigs() {
    }

    /**
     * The defaults for development and tests, differing from Kafka's:
     * <ul>
     * <li>{@code group.initial.rebalance.delay.ms=0}: a group's first member is assigned
     *     partitions at once rather than after 3 s;</li>
     * <li>replication factors (default, {@code __consumer_offsets}, {@code __transaction_state})
     *     of {@link #replicationFactor(int) one replica per broker, at most 3}, so internal
     *     topics are created on small clusters and survive a stopped broker on larger ones; min
     *     ISRs 1, so a test that stops brokers does not stall acks=all writes unless it asks to
     *     (with {@code min.insync.replicas} on its topic);</li>
     * <li>a ZooKeeper session timeout of 4 s instead of 18 s, so that the controller notices a
     *     broker that died without a clean stop within a few seconds;</li>
     * <li>few {@code __consumer_offsets} partitions (one per broker, at most 5) instead of 50,
     *     so the first consumer group starts quickly;</li>
     * <li>two network threads, one recovery thread, and a 4 MB compaction dedupe buffer instead
     *     of 128 MB (it is allocated when the broker starts).</li>
     * </ul>
     */
    public static Map<String, String> devDefaults(int brokers, int partitions) {
        int rf = replicationFactor(brokers);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("num.partitions", Integer.toString(partitions));
        c.put("default.replication.factor", Integer.toString(rf));
        c.put("min.insync.replicas", "1");
        c.put("offsets.topic.replication.factor", Integer.toString(rf));
        c.put("offsets.topic.num.partitions", Integer.toString(Math.min(brokers, 5)));
        c.put("transaction.state.log.replication.factor", Integer.toString(rf));
        c.put("transaction.state.log.min.isr", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("zookeeper.session.timeout.ms", Integer.toString(ZOOKEEPER_SESSION_TIMEOUT_MS));
        c.put("num.network.threads", "2");
        c.put("num.recovery.threads.per.data.dir", "1");
        c.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        return c;
    }

    /** The replication factor of the testkit's topics and of the internal topics: one replica per broker, at most 3. */
    public static int replicationFactor(int brokers) {
        return Math.min(brokers, MAX_DEFAULT_REPLICATION_FACTOR);
    }

    /**
     * The full config of one broker.
     *
     * @param port 0 for a free port (first start), the earlier port on a restart
     */
    public static Map<String, String> forBroker(int brokerId, int port, Path logDir, String zookeeperConnect, int brokers, int partitions,
                                                Map<String, String> overrides) {
        Set<String> reserved = new TreeSet<>(overrides.keySet());
        reserved.retainAll(RESERVED);
        if (!reserved.isEmpty()) {
            throw new IllegalArgumentException("The testkit sets " + reserved + " itself; remove them from the broker properties");
        }
        Map<String, String> c = new LinkedHashMap<>();
        c.put("broker.id", Integer.toString(brokerId));
        c.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        c.put("log.dir", logDir.toString());
        c.put("zookeeper.connect", zookeeperConnect);
        c.putAll(devDefaults(brokers, partitions));
        c.putAll(overrides);
        return c;
    }
}
