package io.gregor.metadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All writes of cluster metadata to ZooKeeper (see {@link ZkPaths} for the layout). Reads for
 * serving requests come from the {@link MetadataCache}; this class reads only what a write
 * needs (versions for conditional updates).
 *
 * <p>Multi-node changes are ZooKeeper transactions. A topic too large for one transaction (over
 * {@link #MAX_TRANSACTION_BYTES}, about 1,500 partitions) is written in several: other brokers may
 * briefly see some of its partitions without a state (no leader yet, which clients retry), and
 * the controller gives any partition left without one (a crash between the transactions) its
 * initial state. Thread-safe; calls block on ZooKeeper, so they must not run on network threads.
 */
public final class ZkMetadataStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZkMetadataStore.class);

    /**
     * The most a multi-node write sends in one ZooKeeper transaction: a quarter of ZooKeeper's
     * default {@code jute.maxbuffer}, which bounds a request as the server reads it.
     */
    static final int MAX_TRANSACTION_BYTES = 256 * 1024;
    /** The largest node this class writes, leaving room below the default 1 MiB {@code jute.maxbuffer}. */
    static final int MAX_NODE_BYTES = 900 * 1024;
    /** What an operation costs in a transaction besides its path and data (type, ACL, flags). */
    private static final int OP_OVERHEAD_BYTES = 64;

    private final CuratorFramework zk;
    private final ExecutorService safeNotifyService;

    private ZkMetadataStore(CuratorFramework zk, ExecutorService safeNotifyService) {
        this.zk = zk;
        this.safeNotifyService = safeNotifyService;
    }

    /**
     * Connects and waits for the session.
     *
     * @throws IllegalStateException when ZooKeeper is not reachable within the connection timeout
     */
    public static ZkMetadataStore connect(String connectString, int sessionTimeoutMs, int connectionTimeoutMs) throws InterruptedException {
        // Curator (through 5.9.0) never shuts down the executor it makes for runSafe() when it
        // is closed, leaking one thread per client (apache/curator#1277); so we own that executor.
        ExecutorService safeNotifyService = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gregor-curator-safe-notify");
            t.setDaemon(true);
            return t;
        });
        CuratorFramework zk = CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs(sessionTimeoutMs)
            .connectionTimeoutMs(connectionTimeoutMs)
            .retryPolicy(new ExponentialBackoffRetry(100, 10, 2000))
            .runSafeService(safeNotifyService)
            .build();
        zk.start();
        if (!zk.blockUntilConnected(connectionTimeoutMs, TimeUnit.MILLISECONDS)) {
            zk.close();
            safeNotifyService.shutdownNow();
            throw new IllegalStateException("Could not connect to ZooKeeper at " + connectString + " within "
                + connectionTimeoutMs + " ms (zookeeper.connection.timeout.ms)");
        }
        return new ZkMetadataStore(zk, safeNotifyService);
    }

    public CuratorFramework curator() {
        return zk;
    }

    /** Creates the persistent top-level nodes if missing. */
    public void ensurePaths() throws Exception {
        for (String path : List.of(ZkPaths.BROKER_IDS, ZkPaths.TOPICS, ZkPaths.TOPIC_CONFIGS, ZkPaths.BROKER_CONFIGS,
            ZkPaths.DELETE_TOPICS, "/cluster")) {
            try {
                zk.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
            } catch (KeeperException.NodeExistsException ignored) {
                // Already there.
            }
        }
    }

    /** The cluster id, created from {@code proposed} by the first broker ever to start. */
    public String getOrCreateClusterId(String proposed) throws Exception {
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", "1");
            m.put("id", proposed);
            zk.create().creatingParentsIfNeeded().forPath(ZkPaths.CLUSTER_ID, Json.write(m));
            return proposed;
        } catch (KeeperException.NodeExistsException e) {
            return String.valueOf(Json.read(zk.getData().forPath(ZkPaths.CLUSTER_ID)).get("id"));
        }
    }

    /**
     * Registers the broker (ephemeral node). A leftover registration of the same id from an
     * earlier session with the same endpoints is our own previous incarnation (e.g. after a
     * crash, until its session expires) and is replaced; a registration with other endpoints is
     * another live broker using our id, which is a configuration error.
     */
    public void registerBroker(BrokerRegistration registration) throws Exception {
        String path = ZkPaths.broker(registration.id());
        byte[] data = registration.toJson();
        for (int attempt = 0; ; attempt++) {
            try {
                zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
                return;
            } catch (KeeperException.NodeExistsException e) {
                Stat stat = new Stat();
                byte[] existing;
                try {
                    existing = zk.getData().storingStatIn(stat).forPath(path);
                } catch (KeeperException.NoNodeException gone) {
                    continue;
                }
                if (stat.getEphemeralOwner() == zk.getZookeeperClient().getZooKeeper().getSessionId()) {
                    return;
                }
                BrokerRegistration old = BrokerRegistration.fromJson(registration.id(), existing);
                if (old.endpoints().equals(registration.endpoints()) || attempt > 0) {
                    log.info("Replacing a stale registration of broker {} left by an earlier session", registration.id());
                    try {
                        zk.delete().withVersion(stat.getVersion()).forPath(path);
                    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException ignored) {
                        // Someone else changed it; retry.
                    }
                    continue;
                }
                throw new IllegalStateException("Broker id " + registration.id() + " is already registered by a live broker at "
                    + old.endpoints() + "; every broker needs a unique broker.id");
            }
        }
    }

    /**
     * Deletes controller-election entries that carry this broker's id but belong to another
     * ZooKeeper session: left by an earlier process of this broker that died without closing
     * its session (SIGKILL, power loss). Otherwise such an entry keeps its place in the election
     * until that session expires ({@code zookeeper.session.timeout.ms}), and until then the
     * cluster has no controller: no leader elections, no topic deletions.
     */
    public void removeStaleElectionEntries(int brokerId) throws Exception {
        if (zk.checkExists().forPath(ZkPaths.CONTROLLER_ELECTION) == null) {
            return;
        }
        long session = zk.getZookeeperClient().getZooKeeper().getSessionId();
        byte[] id = Integer.toString(brokerId).getBytes(StandardCharsets.UTF_8);
        for (String child : zk.getChildren().forPath(ZkPaths.CONTROLLER_ELECTION)) {
            String path = ZkPaths.CONTROLLER_ELECTION + "/" + child;
            Stat stat = new Stat();
            byte[] data;
            try {
                data = zk.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            if (Arrays.equals(data, id) && stat.getEphemeralOwner() != session) {
                try {
                    zk.delete().withVersion(stat.getVersion()).forPath(path);
                    log.info("Removed a stale controller-election entry of broker {} left by an earlier session", brokerId);
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException ignored) {
                    // Gone already.
                }
            }
        }
    }

    public void deregisterBroker(int brokerId) {
        try {
            zk.delete().forPath(ZkPaths.broker(brokerId));
        } catch (Exception ignored) {
            // Gone with the session anyway.
        }
    }

    /**
     * Creates a topic: its assignment, its config overrides and the initial state of each
     * partition. The topic node, its config and as many partitions as fit in
     * {@link #MAX_TRANSACTION_BYTES} are one transaction; the remaining partitions follow in
     * transactions of that size (see {@link #createPartitionNodes}).
     *
     * @throws TopicExistsException if a topic with this name exists
     */
    public void createTopic(String name, Uuid topicId, Map<Integer, List<Integer>> assignment, Map<String, String> configs,
                            Map<Integer, PartitionState> states) throws Exception {
        List<CuratorOp> ops = new ArrayList<>();
        byte[] assignmentJson = checkedAssignmentJson(name, topicId, assignment);
        ops.add(zk.transactionOp().create().forPath(ZkPaths.topic(name), assignmentJson));
        ops.add(zk.transactionOp().create().forPath(ZkPaths.partitions(name), new byte[0]));
        byte[] configJson = configJson(configs);
        if (zk.checkExists().forPath(ZkPaths.topicConfig(name)) != null) {
            ops.add(zk.transactionOp().setData().forPath(ZkPaths.topicConfig(name), configJson));
        } else {
            ops.add(zk.transactionOp().create().forPath(ZkPaths.topicConfig(name), configJson));
        }
        int bytes = assignmentJson.length + configJson.length + 3 * OP_OVERHEAD_BYTES;
        List<Integer> partitions = new ArrayList<>(assignment.keySet());
        int first = 0;
        while (first < partitions.size()) {
            int partition = partitions.get(first);
            int size = partitionOpsBytes(name, partition, states.get(partition));
            if (bytes + size > MAX_TRANSACTION_BYTES) {
                break;
            }
            addPartitionOps(ops, name, partition, states.get(partition));
            bytes += size;
            first++;
        }
        try {
            zk.transaction().forOperations(ops);
        } catch (KeeperException.NodeExistsException e) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        createPartitionNodes(name, partitions.subList(first, partitions.size()), states);
    }

    /** Adds partitions to a topic; fails if the topic changed since {@code expectedVersion} was read. */
    public void addPartitions(String name, Uuid topicId, Map<Integer, List<Integer>> fullAssignment, int expectedVersion,
                              Map<Integer, PartitionState> newStates) throws Exception {
        // The assignment is written first: a partition node without an assignment entry would be
        // an orphan, while an assigned partition without a state gets one from the controller.
        zk.setData().withVersion(expectedVersion).forPath(ZkPaths.topic(name), checkedAssignmentJson(name, topicId, fullAssignment));
        createPartitionNodes(name, new ArrayList<>(newStates.keySet()), newStates);
    }

    /**
     * Creates the nodes and initial states of partitions already in their topic's assignment, in
     * transactions of at most {@link #MAX_TRANSACTION_BYTES} (ZooKeeper refuses requests over
     * {@code jute.maxbuffer}, 1 MiB by default, and drops the connection). Meanwhile the
     * controller may give an assigned partition that has no state yet one of its own; a
     * transaction that collides with that is redone partition by partition, keeping the
     * controller's state.
     */
    private void createPartitionNodes(String topic, List<Integer> partitions, Map<Integer, PartitionState> states) throws Exception {
        int i = 0;
        while (i < partitions.size()) {
            List<CuratorOp> ops = new ArrayList<>();
            int bytes = 0;
            int from = i;
            while (i < partitions.size() && (i == from || bytes + partitionOpsBytes(topic, partitions.get(i), states.get(partitions.get(i))) <= MAX_TRANSACTION_BYTES)) {
                int partition = partitions.get(i);
                bytes += partitionOpsBytes(topic, partition, states.get(partition));
                addPartitionOps(ops, topic, partition, states.get(partition));
                i++;
            }
            try {
                zk.transaction().forOperations(ops);
            } catch (KeeperException.NodeExistsException e) {
                for (int partition : partitions.subList(from, i)) {
                    PartitionState state = states.get(partition);
                    if (state != null) {
                        createPartitionState(topic, partition, state);
                    }
                }
            }
        }
    }

    /** A topic's assignment node, refused when ZooKeeper would not take it (one node, one request). */
    private static byte[] checkedAssignmentJson(String topic, Uuid topicId, Map<Integer, List<Integer>> assignment) {
        byte[] json = assignmentJson(topicId, assignment);
        if (json.length > MAX_NODE_BYTES) {
            throw new InvalidPartitionsException("Topic '" + topic + "' with " + assignment.size() + " partitions needs a "
                + json.length + "-byte assignment in ZooKeeper, over the " + MAX_NODE_BYTES + " bytes one node may hold;"
                + " use fewer partitions or replicas");
        }
        return json;
    }

    private void addPartitionOps(List<CuratorOp> ops, String topic, int partition, PartitionState state) throws Exception {
        ops.add(zk.transactionOp().create().forPath(ZkPaths.partition(topic, partition), new byte[0]));
        if (state != null) {
            ops.add(zk.transactionOp().create().forPath(ZkPaths.partitionState(topic, partition), state.toJson()));
        }
    }

    private static int partitionOpsBytes(String topic, int partition, PartitionState state) {
        int bytes = ZkPaths.partition(topic, partition).length() + OP_OVERHEAD_BYTES;
        if (state != null) {
            bytes += ZkPaths.partitionState(topic, partition).length() + state.toJson().length + OP_OVERHEAD_BYTES;
        }
        return bytes;
    }

    /** The ZooKeeper version of a topic's assignment node, for {@link #addPartitions}. */
    public int topicVersion(String name) throws Exception {
        Stat stat = zk.checkExists().forPath(ZkPaths.topic(name));
        return stat == null ? -1 : stat.getVersion();
    }

    /** Creates the state node of a partition that has none yet; false if someone else did. */
    public boolean createPartitionState(String topic, int partition, PartitionState state) throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(ZkPaths.partitionState(topic, partition), state.toJson());
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        }
    }

    /**
     * Conditionally replaces a partition state.
     *
     * @param controllerEpochVersion when >= 0, the write also requires {@code /controller_epoch}
     *                               to still have this version (fencing a deposed controller)
     * @return false when either version check failed
     */
    public boolean updatePartitionState(String topic, int partition, PartitionState state, int expectedVersion,
                                        int controllerEpochVersion) throws Exception {
        try {
            if (controllerEpochVersion >= 0) {
                zk.transaction().forOperations(
                    zk.transactionOp().check().withVersion(controllerEpochVersion).forPath(ZkPaths.CONTROLLER_EPOCH),
                    zk.transactionOp().setData().withVersion(expectedVersion).forPath(ZkPaths.partitionState(topic, partition), state.toJson()));
            } else {
                zk.setData().withVersion(expectedVersion).forPath(ZkPaths.partitionState(topic, partition), state.toJson());
            }
            return true;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return false;
        }
    }

    public void markTopicForDeletion(String topic) throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(ZkPaths.deleteTopic(topic), new byte[0]);
        } catch (KeeperException.NodeExistsException ignored) {
            // Already requested.
        }
    }

    /** Removes every node of a topic, then its deletion request. */
    public void deleteTopic(String topic) throws Exception {
        try {
            zk.delete().guaranteed().deletingChildrenIfNeeded().forPath(ZkPaths.topic(topic));
        } catch (KeeperException.NoNodeException ignored) {
            // Already gone.
        }
        try {
            zk.delete().forPath(ZkPaths.topicConfig(topic));
        } catch (KeeperException.NoNodeException ignored) {
            // No configs.
        }
        try {
            zk.delete().forPath(ZkPaths.deleteTopic(topic));
        } catch (KeeperException.NoNodeException ignored) {
            // No request.
        }
    }

    /** Replaces a topic's config overrides. */
    public void setTopicConfig(String topic, Map<String, String> configs) throws Exception {
        try {
            zk.setData().forPath(ZkPaths.topicConfig(topic), configJson(configs));
        } catch (KeeperException.NoNodeException e) {
            zk.create().creatingParentsIfNeeded().forPath(ZkPaths.topicConfig(topic), configJson(configs));
        }
    }

    /** Replaces dynamic broker configs ({@code entity} is a broker id or {@code <default>}). */
    public void setBrokerConfig(String entity, Map<String, String> configs) throws Exception {
        String path = ZkPaths.BROKER_CONFIGS + "/" + entity;
        try {
            zk.setData().forPath(path, configJson(configs));
        } catch (KeeperException.NoNodeException e) {
            zk.create().creatingParentsIfNeeded().forPath(path, configJson(configs));
        }
    }

    /**
     * Increments the controller epoch.
     *
     * @return {epoch, zkVersion of /controller_epoch after the write}
     */
    public int[] incrementControllerEpoch() throws Exception {
        while (true) {
            Stat stat = new Stat();
            try {
                byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.CONTROLLER_EPOCH);
                int next = Integer.parseInt(new String(data, StandardCharsets.UTF_8).trim()) + 1;
                Stat written = zk.setData().withVersion(stat.getVersion())
                    .forPath(ZkPaths.CONTROLLER_EPOCH, Integer.toString(next).getBytes(StandardCharsets.UTF_8));
                return new int[] {next, written.getVersion()};
            } catch (KeeperException.NoNodeException e) {
                try {
                    zk.create().forPath(ZkPaths.CONTROLLER_EPOCH, "1".getBytes(StandardCharsets.UTF_8));
                    return new int[] {1, 0};
                } catch (KeeperException.NodeExistsException raced) {
                    // Retry.
                }
            } catch (KeeperException.BadVersionException raced) {
                // Another controller; retry and let the election sort it out.
            }
        }
    }

    /** Writes the ephemeral {@code /controller} node, replacing a stale one. */
    public void registerController(int brokerId) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("brokerid", brokerId);
        m.put("timestamp", Long.toString(System.currentTimeMillis()));
        byte[] data = Json.write(m);
        try {
            zk.delete().forPath(ZkPaths.CONTROLLER);
        } catch (KeeperException.NoNodeException ignored) {
            // None yet.
        }
        zk.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.CONTROLLER, data);
    }

    /** Reserves {@code size} producer ids for a broker; returns the first. */
    public long allocateProducerIdBlock(int brokerId, int size) throws Exception {
        while (true) {
            Stat stat = new Stat();
            long start;
            try {
                Map<String, Object> m = Json.read(zk.getData().storingStatIn(stat).forPath(ZkPaths.PRODUCER_ID_BLOCK));
                start = Json.longValue(m.get("block_end"), -1) + 1;
            } catch (KeeperException.NoNodeException e) {
                stat = null;
                start = 0;
            }
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("version", 1);
            block.put("broker", brokerId);
            block.put("block_start", Long.toString(start));
            block.put("block_end", Long.toString(start + size - 1));
            try {
                if (stat == null) {
                    zk.create().forPath(ZkPaths.PRODUCER_ID_BLOCK, Json.write(block));
                } else {
                    zk.setData().withVersion(stat.getVersion()).forPath(ZkPaths.PRODUCER_ID_BLOCK, Json.write(block));
                }
                return start;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException raced) {
                // Another broker took a block; retry.
            }
        }
    }

    static byte[] assignmentJson(Uuid topicId, Map<Integer, List<Integer>> assignment) {
        return assignmentJson(topicId, assignment, Map.of(), Map.of());
    }

    static byte[] assignmentJson(Uuid topicId, Map<Integer, List<Integer>> assignment, Map<Integer, List<Integer>> adding,
                                 Map<Integer, List<Integer>> removing) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 3);
        m.put("topic_id", topicId.toString());
        m.put("partitions", replicaMap(assignment));
        m.put("adding_replicas", replicaMap(adding));
        m.put("removing_replicas", replicaMap(removing));
        return Json.write(m);
    }

    private static Map<String, Object> replicaMap(Map<Integer, List<Integer>> replicas) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Integer>> e : new TreeMap<>(replicas).entrySet()) {
            if (!e.getValue().isEmpty()) {
                out.put(Integer.toString(e.getKey()), e.getValue());
            }
        }
        return out;
    }

    /**
     * Rewrites a topic's assignment (replicas and ongoing reassignments), conditional on the node's
     * version, optionally together with partition-state changes (fenced by the controller epoch
     * when {@code controllerEpochVersion >= 0}).
     *
     * @return false when a version no longer matched
     */
    public boolean writeAssignment(String topic, Uuid topicId, Map<Integer, List<Integer>> replicas, Map<Integer, List<Integer>> adding,
                                   Map<Integer, List<Integer>> removing, int expectedVersion, Map<Integer, PartitionState> states,
                                   Map<Integer, Integer> stateVersions, int controllerEpochVersion) throws Exception {
        List<CuratorOp> ops = new ArrayList<>();
        if (controllerEpochVersion >= 0) {
            ops.add(zk.transactionOp().check().withVersion(controllerEpochVersion).forPath(ZkPaths.CONTROLLER_EPOCH));
        }
        ops.add(zk.transactionOp().setData().withVersion(expectedVersion).forPath(ZkPaths.topic(topic),
            assignmentJson(topicId, replicas, adding, removing)));
        for (Map.Entry<Integer, PartitionState> e : states.entrySet()) {
            ops.add(zk.transactionOp().setData().withVersion(stateVersions.get(e.getKey()))
                .forPath(ZkPaths.partitionState(topic, e.getKey()), e.getValue().toJson()));
        }
        try {
            zk.transaction().forOperations(ops);
            return true;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return false;
        }
    }

    static byte[] configJson(Map<String, String> configs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("config", new TreeMap<>(configs));
        return Json.write(m);
    }

    @Override
    public void close() {
        zk.close();
        safeNotifyService.shutdown();
    }
}
