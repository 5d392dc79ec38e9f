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
    /**
     * The largest replication factor a test cluster hands out. Replication between brokers is
     * not implemented yet (issue 6), so it is 1 whatever the number of brokers; once it is,
     * this becomes the number of brokers.
     */
    public static final int MAX_REPLICATION_FACTOR = 1;

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
     *     capped at the brokers there are (and at {@link #MAX_REPLICATION_FACTOR}), min ISRs 1,
     *     so internal topics are created and transactions cannot wait for absent replicas;</li>
     * <li>few {@code __consumer_offsets} partitions (one per broker, at most 5) instead of 50,
     *     so the first consumer group starts quickly;</li>
     * <li>two network threads, one recovery thread, and a 4 MB compaction dedupe buffer instead
     *     of 128 MB (it is allocated when the broker starts).</li>
     * </ul>
     */
    public static Map<String, String> devDefaults(int brokers, int partitions) {
        int rf = Math.min(brokers, MAX_REPLICATION_FACTOR);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("num.partitions", Integer.toString(partitions));
        c.put("default.replication.factor", Integer.toString(rf));
        c.put("min.insync.replicas", "1");
        c.put("offsets.topic.replication.factor", Integer.toString(rf));
        c.put("offsets.topic.num.partitions", Integer.toString(Math.min(brokers, 5)));
        c.put("transaction.state.log.replication.factor", Integer.toString(rf));
        c.put("transaction.state.log.min.isr", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("num.network.threads", "2");
        c.put("num.recovery.threads.per.data.dir", "1");
        c.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        return c;
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
