package io.gregor.server;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.DOUBLE;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.SHORT;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import io.gregor.metadata.Endpoint;
import io.gregor.storage.config.TopicConfigDef;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The broker's static configuration ({@code server.properties} plus {@code --override}s), with
 * Kafka's key names and defaults wherever Gregor has the same concept.
 *
 * <p>Topic defaults ({@code log.retention.hours}, {@code message.max.bytes}, ...) are defined by
 * {@link TopicConfigDef#SYNONYMS}; this class only validates them. Keys that Kafka knows but that
 * have no meaning in Gregor are accepted with a log line ({@link #IGNORED_KAFKA_KEYS}); any
 * other unknown key is reported by {@link #unknownKeys()} so that the launcher can warn.
 */
public final class BrokerConfig {
    public static final String BROKER_ID = "broker.id";
    public static final String BROKER_RACK = "broker.rack";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String ZOOKEEPER_CONNECT = "zookeeper.connect";
    public static final String ZOOKEEPER_SESSION_TIMEOUT_MS = "zookeeper.session.timeout.ms";
    public static final String ZOOKEEPER_CONNECTION_TIMEOUT_MS = "zookeeper.connection.timeout.ms";
    public static final String ZOOKEEPER_EMBEDDED_PORT = "zookeeper.embedded.port";
    public static final String ZOOKEEPER_EMBEDDED_DATA_DIR = "zookeeper.embedded.data.dir";
    public static final String ACCEPT_EMPTY_LOGS = "accept.empty.logs";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String QUEUED_MAX_REQUEST_BYTES = "queued.max.request.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String SOCKET_REQUEST_RECEIVE_TIMEOUT_MS = "socket.request.receive.timeout.ms";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String NUM_RECOVERY_THREADS = "num.recovery.threads.per.data.dir";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_INITIAL_TASK_DELAY_MS = "log.initial.task.delay.ms";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSETS_COMMIT_TIMEOUT_MS = "offsets.commit.timeout.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String TRANSACTION_STATE_LOG_REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    public static final String TRANSACTION_STATE_LOG_MIN_ISR = "transaction.state.log.min.isr";
    public static final String CONTROLLED_SHUTDOWN_ENABLE = "controlled.shutdown.enable";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_FETCH_MIN_BYTES = "replica.fetch.min.bytes";
    public static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String REPLICA_SOCKET_TIMEOUT_MS = "replica.socket.timeout.ms";
    public static final String NUM_REPLICA_FETCHERS = "num.replica.fetchers";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    public static final String LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = "leader.imbalance.per.broker.percentage";
    public static final String LEADER_REPLICATION_THROTTLED_RATE = "leader.replication.throttled.rate";
    public static final String FOLLOWER_REPLICATION_THROTTLED_RATE = "follower.replication.throttled.rate";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_THREADS = "log.cleaner.threads";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_SIZE = "log.cleaner.io.buffer.size";
    public static final String LOG_CLEANER_IO_MAX_BYTES_PER_SECOND = "log.cleaner.io.max.bytes.per.second";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";

    /** Kafka keys that are valid in a Kafka server.properties but mean nothing to Gregor. */
    public static final Set<String> IGNORED_KAFKA_KEYS = Set.of(
        "queued.max.requests", "socket.listen.backlog.size",
        "log.cleaner.io.buffer.load.factor", "zookeeper.set.acl", "zookeeper.max.in.flight.requests",
        "listener.security.protocol.map", "inter.broker.listener.name", "security.inter.broker.protocol",
        "group.coordinator.threads", "group.coordinator.rebalance.protocols", "metric.reporters",
        "num.replica.alter.log.dirs.threads", "replica.high.watermark.checkpoint.interval.ms",
        "transaction.state.log.num.partitions", "transaction.state.log.segment.bytes", "reserved.broker.max.id",
        "broker.id.generation.enable", "inter.broker.protocol.version", "log.message.format.version");

    public static final ConfigDef DEF = definitions();

    private final Map<String, Object> values;
    private final Map<String, String> originals;
    private final List<String> unknownKeys;

    private BrokerConfig(Map<String, Object> values, Map<String, String> originals, List<String> unknownKeys) {
        this.values = values;
        this.originals = originals;
        this.unknownKeys = unknownKeys;
    }

    private static ConfigDef definitions() {
        ConfigDef def = new ConfigDef()
            .define(BROKER_ID, INT, 0, atLeast(0), HIGH, "Unique id of this broker in the cluster.")
            .define(BROKER_RACK, STRING, null, MEDIUM, "Rack of the broker, for rack-aware replica placement.")
            .define(LISTENERS, LIST, "PLAINTEXT://:9092", HIGH,
                "Comma-separated listeners NAME://host:port to bind. An empty host binds all interfaces; port 0 picks a free port.")
            .define(ADVERTISED_LISTENERS, LIST, null, HIGH,
                "Listeners published to clients, if different from listeners. With an empty listener host, 'localhost' is advertised.")
            .define(LOG_DIRS, LIST, null, HIGH, "Directories holding the partition logs (comma-separated); overrides log.dir.")
            .define(LOG_DIR, STRING, "data/logs", HIGH, "Directory holding the partition logs when log.dirs is not set (relative to the working directory).")
            .define(ZOOKEEPER_CONNECT, STRING, null, HIGH,
                "ZooKeeper ensemble host:port[,host:port...][/chroot]. When unset, the broker runs an embedded ZooKeeper server.")
            .define(ZOOKEEPER_SESSION_TIMEOUT_MS, INT, 18000, atLeast(2000), HIGH, "ZooKeeper session timeout.")
            .define(ZOOKEEPER_CONNECTION_TIMEOUT_MS, INT, null, HIGH, "How long to wait for the ZooKeeper connection; defaults to the session timeout.")
            .define(ZOOKEEPER_EMBEDDED_PORT, INT, 2181, between(0, 65535), MEDIUM,
                "Client port of the embedded ZooKeeper server on 127.0.0.1 (0 = any free port).")
            .define(ZOOKEEPER_EMBEDDED_DATA_DIR, STRING, null, MEDIUM,
                "Data directory of the embedded ZooKeeper server. When unset, 'zookeeper' in the first log dir, so that the metadata "
                    + "follows log.dir/log.dirs (data/zookeeper of the working directory while it holds the data of an older install).")
            .define(ACCEPT_EMPTY_LOGS, BOOLEAN, false, HIGH,
                "Start even though the log dirs hold no records of partitions that had records on this broker alone (it was their "
                    + "only in-sync replica): those records are lost, and the partitions start again empty. For one start after "
                    + "a deliberate wipe ('bin/gregor start --accept-empty-logs'); never leave it in server.properties.")
            .define(NUM_PARTITIONS, INT, 1, atLeast(1), MEDIUM, "Default number of partitions of new topics.")
            .define(DEFAULT_REPLICATION_FACTOR, SHORT, (short) 1, atLeast(1), MEDIUM, "Default replication factor of new topics.")
            .define(AUTO_CREATE_TOPICS_ENABLE, BOOLEAN, true, HIGH, "Create topics on first use by a producer or consumer.")
            .define(DELETE_TOPIC_ENABLE, BOOLEAN, true, HIGH, "Allow deleting topics.")
            .define(SOCKET_REQUEST_MAX_BYTES, INT, 104857600, atLeast(1), HIGH, "Largest request accepted; larger ones close the connection.")
            .define(SOCKET_SEND_BUFFER_BYTES, INT, 102400, HIGH, "SO_SNDBUF of client connections (-1: OS default).")
            .define(SOCKET_RECEIVE_BUFFER_BYTES, INT, 102400, HIGH, "SO_RCVBUF of client connections (-1: OS default).")
            .define(QUEUED_MAX_REQUEST_BYTES, LONG, null, MEDIUM,
                "Bytes of requests the broker holds at once, across all connections: requests still arriving and requests being "
                    + "handled. When they are used up, connections stop reading until memory is released (one request at a time "
                    + "may go past the bound, so that a request larger than the bound is still served). -1 (Kafka's default): "
                    + "no bound. Unset: a quarter of the maximum heap.")
            .define(CONNECTIONS_MAX_IDLE_MS, LONG, 600000L, MEDIUM,
                "Close connections on which nothing was read or written for this long (-1: never).")
            .define(SOCKET_REQUEST_RECEIVE_TIMEOUT_MS, LONG, 30000L, MEDIUM,
                "Gregor-only: close a connection whose request is still incomplete this long after its first byte, so that a "
                    + "peer that announces a request and stalls gives back its memory (-1: never). The default is the clients' "
                    + "request.timeout.ms, after which a client gives up on the request anyway.")
            .define(NUM_NETWORK_THREADS, INT, Runtime.getRuntime().availableProcessors(), atLeast(1), HIGH,
                "Event-loop threads. Gregor processes requests on them; defaults to the number of cores.")
            .define(NUM_IO_THREADS, INT, Runtime.getRuntime().availableProcessors(), atLeast(1), MEDIUM,
                "Threads for the appends that must not run on an event loop (a segment roll, an fsync for flush.messages); "
                    + "each partition maps to one of them. Started on demand. Defaults to the number of cores.")
            .define(NUM_RECOVERY_THREADS, INT, 2, atLeast(1), HIGH, "Threads per log directory that load and recover logs at startup.")
            .define(LOG_RETENTION_CHECK_INTERVAL_MS, LONG, 300000L, atLeast(1), MEDIUM, "How often retention runs.")
            .define(LOG_FLUSH_SCHEDULER_INTERVAL_MS, LONG, Long.MAX_VALUE, HIGH, "Default flush.ms of topics (see log.flush.interval.ms).")
            .define(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, INT, 60000, atLeast(0), HIGH, "How often recovery points are checkpointed.")
            .define("log.flush.start.offset.checkpoint.interval.ms", INT, 60000, atLeast(0), HIGH, "Accepted for compatibility; log start offsets are checkpointed with the recovery points.")
            .define(LOG_INITIAL_TASK_DELAY_MS, LONG, 30000L, atLeast(0), LOW, "Delay before the first retention and flush passes after startup.")
            .define(PRODUCER_ID_EXPIRATION_MS, INT, 86400000, atLeast(1), LOW, "Idle time after which a producer id's state is forgotten.")
            .define(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, INT, 600000, atLeast(1), LOW, "How often idle producer ids are expired.")
            .define(OFFSETS_TOPIC_NUM_PARTITIONS, INT, 50, atLeast(1), HIGH, "Partitions of __consumer_offsets.")
            .define(OFFSETS_TOPIC_REPLICATION_FACTOR, SHORT, (short) 3, atLeast(1), HIGH,
                "Replication factor of __consumer_offsets, capped at the number of live brokers when it is created.")
            .define(OFFSETS_TOPIC_SEGMENT_BYTES, INT, 104857600, atLeast(1), HIGH, "Segment size of __consumer_offsets.")
            .define(OFFSETS_RETENTION_MINUTES, INT, 10080, atLeast(1), HIGH, "How long committed offsets of an empty group are kept.")
            .define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, LONG, 600000L, atLeast(1), HIGH, "How often expired offsets are removed.")
            .define(OFFSETS_COMMIT_TIMEOUT_MS, INT, 5000, atLeast(1), HIGH, "How long an offset commit waits for replication.")
            .define(OFFSET_METADATA_MAX_BYTES, INT, 4096, atLeast(0), HIGH, "Largest metadata string of a committed offset.")
            .define(GROUP_MIN_SESSION_TIMEOUT_MS, INT, 6000, atLeast(0), MEDIUM, "Smallest session timeout a consumer may ask for.")
            .define(GROUP_MAX_SESSION_TIMEOUT_MS, INT, 1800000, atLeast(0), MEDIUM, "Largest session timeout a consumer may ask for.")
            .define(GROUP_INITIAL_REBALANCE_DELAY_MS, INT, 3000, atLeast(0), MEDIUM,
                "How long a new group waits for more members before its first rebalance.")
            .define(GROUP_MAX_SIZE, INT, Integer.MAX_VALUE, atLeast(1), MEDIUM, "Most members a group may have.")
            .define(TRANSACTION_STATE_LOG_REPLICATION_FACTOR, SHORT, (short) 3, atLeast(1), HIGH, "Replication factor of __transaction_state.")
            .define(TRANSACTION_STATE_LOG_MIN_ISR, INT, 2, atLeast(1), HIGH, "min.insync.replicas of __transaction_state.")
            .define(CONTROLLED_SHUTDOWN_ENABLE, BOOLEAN, true, MEDIUM, "Move leadership away before shutting down.")
            .define(REPLICA_LAG_TIME_MAX_MS, LONG, 30000L, atLeast(1), HIGH, "A follower that has not caught up for this long leaves the ISR.")
            .define(REPLICA_FETCH_MAX_BYTES, INT, 1048576, atLeast(0), MEDIUM, "Bytes a follower fetches per partition.")
            .define(REPLICA_FETCH_WAIT_MAX_MS, INT, 500, atLeast(0), HIGH, "Long-poll wait of follower fetches.")
            .define(REPLICA_FETCH_MIN_BYTES, INT, 1, atLeast(0), HIGH, "Minimum bytes of a follower fetch response.")
            .define(REPLICA_FETCH_RESPONSE_MAX_BYTES, INT, 10485760, atLeast(0), MEDIUM, "Bytes a follower fetches per request.")
            .define(REPLICA_FETCH_BACKOFF_MS, INT, 1000, atLeast(0), MEDIUM, "Pause after a failed follower fetch.")
            .define(REPLICA_SOCKET_TIMEOUT_MS, INT, 30000, atLeast(1), HIGH, "Socket timeout of follower fetches.")
            .define(NUM_REPLICA_FETCHERS, INT, 1, atLeast(1), HIGH, "Fetcher threads per source broker.")
            .define(AUTO_LEADER_REBALANCE_ENABLE, BOOLEAN, true, HIGH, "Move leadership back to preferred replicas.")
            .define(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, LONG, 300L, atLeast(1), HIGH, "How often leader balance is checked.")
            .define(LEADER_IMBALANCE_PER_BROKER_PERCENTAGE, INT, 10, between(0, 100), HIGH,
                "Leader imbalance a broker tolerates before leadership is moved back to preferred replicas.")
            .define(LEADER_REPLICATION_THROTTLED_RATE, LONG, Long.MAX_VALUE, atLeast(0), MEDIUM,
                "Bytes/s a leader sends to followers of throttled replicas (set by reassignment tools).")
            .define(FOLLOWER_REPLICATION_THROTTLED_RATE, LONG, Long.MAX_VALUE, atLeast(0), MEDIUM,
                "Bytes/s a follower fetches for throttled replicas (set by reassignment tools).")
            .define("replica.alter.log.dirs.io.max.bytes.per.second", LONG, Long.MAX_VALUE, atLeast(0), MEDIUM,
                "Accepted for compatibility with the reassignment tool; Gregor does not move replicas between log directories.")
            .define(LOG_CLEANER_ENABLE, BOOLEAN, true, MEDIUM, "Run the log cleaner, which compacts topics with cleanup.policy=compact.")
            .define(LOG_CLEANER_THREADS, INT, 1, atLeast(0), MEDIUM, "Log cleaner threads.")
            .define(LOG_CLEANER_DEDUPE_BUFFER_SIZE, LONG, 134217728L, atLeast(1024 * 1024), MEDIUM,
                "Memory for deduplicating keys during cleaning, shared by all cleaner threads (24 bytes per key).")
            .define(LOG_CLEANER_IO_BUFFER_SIZE, INT, 524288, atLeast(0), MEDIUM, "Read buffer of each cleaner thread.")
            .define(LOG_CLEANER_IO_MAX_BYTES_PER_SECOND, DOUBLE, Double.MAX_VALUE, MEDIUM, "Cleaner I/O limit (read plus write).")
            .define(LOG_CLEANER_BACKOFF_MS, LONG, 15000L, atLeast(0), MEDIUM, "Pause of a cleaner thread when no log needs cleaning.")
            .define("unclean.leader.election.enable", BOOLEAN, false, HIGH, "Default of the topic config.")
            .define("min.insync.replicas", INT, 1, atLeast(1), HIGH, "Default of the topic config.");
        // Broker-level defaults of topic configs (log.retention.hours, message.max.bytes, ...).
        Map<String, ConfigDef.ConfigKey> topicKeys = TopicConfigDef.DEF.configKeys();
        for (Map.Entry<String, List<TopicConfigDef.Synonym>> e : TopicConfigDef.SYNONYMS.entrySet()) {
            ConfigDef.ConfigKey topicKey = topicKeys.get(e.getKey());
            for (TopicConfigDef.Synonym synonym : e.getValue()) {
                if (def.configKeys().containsKey(synonym.brokerKey())) {
                    continue;
                }
                ConfigDef.Type type = synonym.converts() ? INT : topicKey.type;
                Object defaultValue = brokerDefault(synonym.brokerKey(), topicKey);
                ConfigDef.Validator validator = synonym.converts() || defaultValue == null ? null : topicKey.validator;
                def.define(synonym.brokerKey(), type, defaultValue, validator, MEDIUM,
                    "Broker default of the topic config " + e.getKey() + ". " + topicKey.documentation);
            }
        }
        return def;
    }

    /** Kafka's broker-level defaults where they differ from "unset" (the hour-based ones). */
    private static Object brokerDefault(String brokerKey, ConfigDef.ConfigKey topicKey) {
        switch (brokerKey) {
            case "log.retention.hours":
            case "log.roll.hours":
                return 168;
            case "log.roll.jitter.hours":
                return 0;
            case "log.retention.ms":
            case "log.retention.minutes":
            case "log.roll.ms":
            case "log.roll.jitter.ms":
            case "log.flush.interval.ms":
            case "log.flush.scheduler.interval.ms":
                return null;
            default:
                return topicKey.defaultValue;
        }
    }

    /**
     * Parses and validates.
     *
     * @throws ConfigException naming the offending key and value
     */
    public static BrokerConfig from(Map<String, String> properties) {
        Map<String, String> originals = new LinkedHashMap<>(properties);
        Map<String, Object> values = DEF.parse(new HashMap<>(originals));
        List<String> unknown = new ArrayList<>();
        for (String key : new TreeSet<>(originals.keySet())) {
            if (!DEF.configKeys().containsKey(key) && !IGNORED_KAFKA_KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        BrokerConfig config = new BrokerConfig(values, Collections.unmodifiableMap(originals), List.copyOf(unknown));
        config.validate();
        return config;
    }

    private void validate() {
        List<Endpoint> listeners = listeners();
        if (listeners.isEmpty()) {
            throw new ConfigException(LISTENERS, values.get(LISTENERS), "at least one listener is required");
        }
        for (Endpoint e : listeners) {
            if (!e.listenerName().equals("PLAINTEXT")) {
                throw new ConfigException(LISTENERS, values.get(LISTENERS),
                    "only PLAINTEXT listeners are supported by Gregor so far (got " + e.listenerName() + ")");
            }
        }
        requireDistinctNames(LISTENERS, listeners);
        requireDistinctNames(ADVERTISED_LISTENERS, advertisedListeners(listeners));
        List<File> dirs = logDirs();
        if (dirs.isEmpty()) {
            throw new ConfigException(LOG_DIRS, values.get(LOG_DIRS), "at least one log directory is required");
        }
        if (new HashSet<>(dirs).size() != dirs.size()) {
            throw new ConfigException(LOG_DIRS, originals.get(LOG_DIRS), "a log directory is listed twice");
        }
        validatePairs();
    }

    /** Kafka's "Each listener must have a different name": a name identifies the listener in the metadata. */
    private void requireDistinctNames(String key, List<Endpoint> endpoints) {
        Set<String> names = new HashSet<>();
        for (Endpoint e : endpoints) {
            if (!names.add(e.listenerName())) {
                throw new ConfigException(key, originals.getOrDefault(key, String.valueOf(values.get(key))),
                    "each listener must have a different name, but "
                    + e.listenerName() + " is given twice");
            }
        }
    }

    /**
     * Settings that are each valid but contradict each other, refused as Kafka refuses them
     * (KafkaConfig's and GroupCoordinatorConfig's checks). Kafka allows min.insync.replicas above
     * default.replication.factor (acks=all then fails on such topics), and so does Gregor.
     */
    private void validatePairs() {
        requireAtMost(GROUP_MIN_SESSION_TIMEOUT_MS, GROUP_MAX_SESSION_TIMEOUT_MS, "the smallest session timeout a member may ask for "
            + "cannot be above the largest");
        // A follower's long poll must end before its socket times out, and before it counts as lagging.
        requireAtMost(REPLICA_FETCH_WAIT_MAX_MS, REPLICA_SOCKET_TIMEOUT_MS, "a follower's fetch would time out while the leader holds it");
        requireAtMost(REPLICA_FETCH_WAIT_MAX_MS, REPLICA_LAG_TIME_MAX_MS, "followers waiting that long for data would keep leaving the ISR");
        long dedupe = longValue(LOG_CLEANER_DEDUPE_BUFFER_SIZE);
        int threads = intValue(LOG_CLEANER_THREADS);
        if (threads > 0 && dedupe / threads < 1024 * 1024) {
            throw new ConfigException(LOG_CLEANER_DEDUPE_BUFFER_SIZE, dedupe, "must be at least 1 MiB per cleaner thread ("
                + LOG_CLEANER_THREADS + "=" + threads + ")");
        }
    }

    private void requireAtMost(String smallerKey, String largerKey, String why) {
        long smaller = longValue(smallerKey);
        long larger = longValue(largerKey);
        if (smaller > larger) {
            throw new ConfigException(smallerKey, values.get(smallerKey), "must not be above " + largerKey + " (" + larger + "): " + why);
        }
    }

    public List<String> unknownKeys() {
        return unknownKeys;
    }

    public List<String> ignoredKeysPresent() {
        List<String> present = new ArrayList<>();
        for (String key : originals.keySet()) {
            if (IGNORED_KAFKA_KEYS.contains(key)) {
                present.add(key);
            }
        }
        Collections.sort(present);
        return present;
    }

    /** The string values as given (file and overrides). */
    public Map<String, String> originals() {
        return originals;
    }

    public Object value(String key) {
        return values.get(key);
    }

    public int brokerId() {
        return (Integer) values.get(BROKER_ID);
    }

    public String rack() {
        return (String) values.get(BROKER_RACK);
    }

    @SuppressWarnings("unchecked")
    public List<Endpoint> listeners() {
        List<Endpoint> out = new ArrayList<>();
        for (String uri : (List<String>) values.get(LISTENERS)) {
            try {
                out.add(Endpoint.parse(uri));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(LISTENERS, uri, e.getMessage());
            }
        }
        return out;
    }

    /** Advertised listeners; bound ports replace 0 ports once the sockets are bound. */
    @SuppressWarnings("unchecked")
    public List<Endpoint> advertisedListeners(List<Endpoint> bound) {
        List<String> advertised = (List<String>) values.get(ADVERTISED_LISTENERS);
        List<Endpoint> out = new ArrayList<>();
        if (advertised == null || advertised.isEmpty()) {
            for (Endpoint e : bound) {
                String host = e.host() == null || e.host().isEmpty() || e.host().equals("0.0.0.0") ? "localhost" : e.host();
                out.add(new Endpoint(e.listenerName(), host, e.port()));
            }
            return out;
        }
        for (String uri : advertised) {
            Endpoint e;
            try {
                e = Endpoint.parse(uri);
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(ADVERTISED_LISTENERS, uri, ex.getMessage());
            }
            if (e.port() == 0) {
                for (Endpoint b : bound) {
                    if (b.listenerName().equals(e.listenerName())) {
                        e = new Endpoint(e.listenerName(), e.host(), b.port());
                    }
                }
            }
            out.add(e);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public List<File> logDirs() {
        List<String> dirs = (List<String>) values.get(LOG_DIRS);
        List<File> out = new ArrayList<>();
        if (dirs != null && !dirs.isEmpty()) {
            for (String d : dirs) {
                out.add(new File(d.trim()).getAbsoluteFile());
            }
        } else {
            out.add(new File((String) values.get(LOG_DIR)).getAbsoluteFile());
        }
        return out;
    }

    public String zookeeperConnect() {
        return (String) values.get(ZOOKEEPER_CONNECT);
    }

    public int zookeeperSessionTimeoutMs() {
        return (Integer) values.get(ZOOKEEPER_SESSION_TIMEOUT_MS);
    }

    public int zookeeperConnectionTimeoutMs() {
        Integer v = (Integer) values.get(ZOOKEEPER_CONNECTION_TIMEOUT_MS);
        return v == null ? zookeeperSessionTimeoutMs() : v;
    }

    /**
     * {@code queued.max.request.bytes}: as set (0 or less: unbounded, as in Kafka), or a quarter
     * of {@code maxHeapBytes} when unset.
     */
    public long queuedMaxRequestBytes(long maxHeapBytes) {
        Long v = (Long) values.get(QUEUED_MAX_REQUEST_BYTES);
        return v != null ? v : maxHeapBytes / 4;
    }

    public int intValue(String key) {
        Object v = values.get(key);
        return v instanceof Short s ? s : (Integer) v;
    }

    public long longValue(String key) {
        Object v = values.get(key);
        return v instanceof Integer i ? i : (Long) v;
    }

    public boolean booleanValue(String key) {
        return (Boolean) values.get(key);
    }

    /**
     * Topic config name → value derived from the broker configs that were set explicitly (with
     * Kafka's precedence, e.g. log.retention.ms over .minutes over .hours). Topic configs not
     * listed keep their Kafka default, which equals the broker default.
     */
    public Map<String, String> topicDefaults() {
        return topicDefaults(Map.of());
    }

    /** Like {@link #topicDefaults()}, with dynamic broker configs taking precedence over the static ones. */
    public Map<String, String> topicDefaults(Map<String, String> dynamic) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, List<TopicConfigDef.Synonym>> e : TopicConfigDef.SYNONYMS.entrySet()) {
            for (TopicConfigDef.Synonym synonym : e.getValue()) {
                String raw = dynamic.containsKey(synonym.brokerKey()) ? dynamic.get(synonym.brokerKey())
                    : originals.get(synonym.brokerKey());
                Object parsed = raw == null ? values.get(synonym.brokerKey()) : raw;
                if (parsed == null || (raw == null && !isHourDefault(synonym.brokerKey()))) {
                    continue;
                }
                String value = parsed.toString().trim();
                if (synonym.converts()) {
                    value = Long.toString(synonym.toTopicUnit().applyAsLong(Long.parseLong(value)));
                }
                out.put(e.getKey(), value);
                break;
            }
        }
        return out;
    }

    private static boolean isHourDefault(String key) {
        return key.equals("log.retention.hours") || key.equals("log.roll.hours");
    }

    public static BrokerConfig defaults() {
        return from(Map.of());
    }
}
