package io.gregor.metadata.store.zk;

import io.gregor.metadata.PartitionState;
import io.gregor.metadata.store.ReplicaAssignment;
import io.gregor.metadata.store.TopicStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * {@link TopicStore} in {@code /brokers/topics} and {@code /admin/delete_topics}; versions are
 * the ZooKeeper versions of the topic and state nodes, and controller writes are fenced by a
 * version check of {@code /controller_epoch} in the same transaction.
 *
 * <p>Multi-node changes are ZooKeeper transactions. A topic too large for one transaction (over
 * {@link #MAX_TRANSACTION_BYTES}, about 1,500 partitions) is written in several: other brokers may
 * briefly see some of its partitions without a state (no leader yet, which clients retry), and
 * the controller gives any partition left without one (a crash between the transactions) its
 * initial state. Thread-safe; calls block on ZooKeeper, so they must not run on network threads.
 */
public final class ZkTopicStore implements TopicStore {
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

    public ZkTopicStore(CuratorFramework zk) {
        this.zk = zk;
    }

    /**
     * The topic node, its config and as many partitions as fit in {@link #MAX_TRANSACTION_BYTES}
     * are one transaction; the remaining partitions follow in transactions of that size (see
     * {@link #createPartitionNodes}).
     *
     * @throws InvalidPartitionsException when the assignment is too large for one node
     */
    @Override
    public void createTopic(String name, Uuid topicId, Map<Integer, List<Integer>> assignment, Map<String, String> configs,
                            Map<Integer, PartitionState> states) throws Exception {
        List<CuratorOp> ops = new ArrayList<>();
        byte[] assignmentJson = checkedAssignmentJson(name, topicId, assignment);
        ops.add(zk.transactionOp().create().forPath(ZkPaths.topic(name), assignmentJson));
        ops.add(zk.transactionOp().create().forPath(ZkPaths.partitions(name), new byte[0]));
        byte[] configJson = ZkData.config(configs);
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

    @Override
    public boolean addPartitions(String name, Uuid topicId, Map<Integer, List<Integer>> fullAssignment, int expectedVersion,
                                 Map<Integer, PartitionState> newStates) throws Exception {
        // The assignment is written first: a partition node without an assignment entry would be
        // an orphan, while an assigned partition without a state gets one from the controller.
        try {
            zk.setData().withVersion(expectedVersion).forPath(ZkPaths.topic(name), checkedAssignmentJson(name, topicId, fullAssignment));
        } catch (KeeperException.BadVersionException e) {
            return false;
        } catch (KeeperException.NoNodeException e) {
            throw new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
        }
        createPartitionNodes(name, new ArrayList<>(newStates.keySet()), newStates);
        return true;
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
        byte[] json = ZkData.topic(topicId, ReplicaAssignment.of(assignment));
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
            ops.add(zk.transactionOp().create().forPath(ZkPaths.partitionState(topic, partition), ZkData.partitionState(state)));
        }
    }

    private static int partitionOpsBytes(String topic, int partition, PartitionState state) {
        int bytes = ZkPaths.partition(topic, partition).length() + OP_OVERHEAD_BYTES;
        if (state != null) {
            bytes += ZkPaths.partitionState(topic, partition).length() + ZkData.partitionState(state).length + OP_OVERHEAD_BYTES;
        }
        return bytes;
    }

    @Override
    public int topicVersion(String name) throws Exception {
        Stat stat = zk.checkExists().forPath(ZkPaths.topic(name));
        return stat == null ? -1 : stat.getVersion();
    }

    @Override
    public boolean createPartitionState(String topic, int partition, PartitionState state) throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(ZkPaths.partitionState(topic, partition), ZkData.partitionState(state));
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        }
    }

    @Override
    public boolean updatePartitionState(String topic, int partition, PartitionState state, int expectedVersion,
                                        int controllerEpochVersion) throws Exception {
        try {
            if (controllerEpochVersion >= 0) {
                zk.transaction().forOperations(
                    zk.transactionOp().check().withVersion(controllerEpochVersion).forPath(ZkPaths.CONTROLLER_EPOCH),
                    zk.transactionOp().setData().withVersion(expectedVersion).forPath(ZkPaths.partitionState(topic, partition),
                        ZkData.partitionState(state)));
            } else {
                zk.setData().withVersion(expectedVersion).forPath(ZkPaths.partitionState(topic, partition), ZkData.partitionState(state));
            }
            return true;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return false;
        }
    }

    @Override
    public boolean writeAssignment(String topic, Uuid topicId, ReplicaAssignment assignment, int expectedVersion,
                                   Map<Integer, PartitionState> states, Map<Integer, Integer> stateVersions,
                                   int controllerEpochVersion) throws Exception {
        List<CuratorOp> ops = new ArrayList<>();
        if (controllerEpochVersion >= 0) {
            ops.add(zk.transactionOp().check().withVersion(controllerEpochVersion).forPath(ZkPaths.CONTROLLER_EPOCH));
        }
        ops.add(zk.transactionOp().setData().withVersion(expectedVersion).forPath(ZkPaths.topic(topic), ZkData.topic(topicId, assignment)));
        for (Map.Entry<Integer, PartitionState> e : states.entrySet()) {
            ops.add(zk.transactionOp().setData().withVersion(stateVersions.get(e.getKey()))
                .forPath(ZkPaths.partitionState(topic, e.getKey()), ZkData.partitionState(e.getValue())));
        }
        try {
            zk.transaction().forOperations(ops);
            return true;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return false;
        }
    }

    @Override
    public void markTopicForDeletion(String topic) throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(ZkPaths.deleteTopic(topic), new byte[0]);
        } catch (KeeperException.NodeExistsException ignored) {
            // Already requested.
        }
    }

    /** Removes every node of the topic, then its deletion request (so that a crash half-way is carried out again). */
    @Override
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
}
