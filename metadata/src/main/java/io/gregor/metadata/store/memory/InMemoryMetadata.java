package io.gregor.metadata.store.memory;

import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataListener;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.TopicImage;
import io.gregor.metadata.store.BrokerRegistry;
import io.gregor.metadata.store.ClusterIdStore;
import io.gregor.metadata.store.ConfigStore;
import io.gregor.metadata.store.ControllerElection;
import io.gregor.metadata.store.ControllerEpoch;
import io.gregor.metadata.store.ControllerStore;
import io.gregor.metadata.store.LogEndsStore;
import io.gregor.metadata.store.ProducerIdBlocks;
import io.gregor.metadata.store.ReplicaAssignment;
import io.gregor.metadata.store.TopicStore;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The cluster metadata held in memory: the same model as the ZooKeeper tree (topics with
 * versioned assignments and partition states, config layers, deletion requests, brokers, the
 * controller and its epoch, producer-id blocks, the controller election, each broker's record of
 * its log ends) behind every store
 * interface, and the {@link MetadataView} of it as one broker sees it. For unit tests of the
 * code above the stores: it follows the same contract as the {@code store.zk} classes
 * ({@code MetadataStoreContractTest} runs both), and publishes a new image after every write.
 *
 * <p>Sessions: ZooKeeper removes a broker's ephemeral nodes when its session ends;
 * {@link #expireSession} does the same here (registration, {@code /controller}, election entry),
 * which is how a test kills a broker. There are no stale election entries, so
 * {@link #removeStaleElectionEntries} has nothing to do.
 *
 * <p>Differences from ZooKeeper: a topic is created in one step however large (ZooKeeper writes
 * large topics in several transactions, and refuses assignments over 900 KiB); a partition state
 * for a topic that does not exist is refused rather than left as an orphan node.
 *
 * <p>Thread-safe: the model is guarded by this object's monitor, which is never held while
 * listeners run (see {@link ImagePublisher} for the publication order).
 */
public final class InMemoryMetadata implements MetadataView, BrokerRegistry, ClusterIdStore, TopicStore, ConfigStore, ControllerStore,
    ProducerIdBlocks, LogEndsStore {

    private final int brokerId;
    private final ImagePublisher publisher;
    private final InMemoryElection election = new InMemoryElection();

    // The model, guarded by this.
    private String clusterId;
    private final Map<Integer, BrokerRegistration> brokers = new TreeMap<>();
    private final Map<String, Topic> topics = new TreeMap<>();
    private final Map<String, Map<String, String>> topicConfigs = new HashMap<>();
    private final Map<String, Map<String, String>> brokerConfigs = new HashMap<>();
    private final Set<String> deletions = new HashSet<>();
    private int controllerId = -1;
    private ControllerEpoch controllerEpoch;
    private long lastProducerId = -1;
    private final Map<Integer, Map<Uuid, Set<Integer>>> logEnds = new HashMap<>();
    /** The last image queued for publication. */
    private MetadataImage latest;
    private Exception nextFailure;

    /** A topic node and its partitions' state nodes. */
    private static final class Topic {
        final Uuid id;
        int version;
        ReplicaAssignment assignment;
        final Map<Integer, PartitionState> states = new HashMap<>();
        final Map<Integer, Integer> stateVersions = new HashMap<>();

        Topic(Uuid id, ReplicaAssignment assignment) {
            this.id = id;
            this.assignment = assignment;
        }
    }

    /** @param brokerId the broker whose view this is: its dynamic configs (and the cluster default) are in the image */
    public InMemoryMetadata(int brokerId) {
        this.brokerId = brokerId;
        synchronized (this) {
            latest = buildImage(1);
            this.publisher = new ImagePublisher(latest);
        }
    }

    // ---- test controls ----

    /**
     * Ends a broker's session: its registration, its {@code /controller} record and its
     * election candidacy go, as ZooKeeper's ephemeral nodes do (a broker killed, or cut off for
     * longer than its session timeout).
     */
    public void expireSession(int brokerId) {
        synchronized (this) {
            brokers.remove(brokerId);
            if (controllerId == brokerId) {
                controllerId = -1;
            }
            maybePublish();
        }
        publisher.runPending();
        election.expire(brokerId);
    }

    /** Makes the next write (of any store) fail with {@code failure}, as a lost ZooKeeper connection would. */
    public synchronized void failNextWrite(Exception failure) {
        nextFailure = failure;
    }

    /** A candidate in the controller election, told about its leadership in order with the images. */
    public ControllerElection controllerElection(int brokerId) {
        return controllerElection(brokerId, task -> {
            publisher.enqueue(task);
            publisher.runPending();
        });
    }

    /** A candidate in the controller election, told about its leadership through {@code notifications}. */
    public ControllerElection controllerElection(int brokerId, Executor notifications) {
        return election.candidate(brokerId, notifications);
    }

    // ---- MetadataView ----

    @Override
    public MetadataImage image() {
        return publisher.image();
    }

    @Override
    public void addListener(MetadataListener listener) {
        publisher.addListener(listener);
    }

    @Override
    public CompletableFuture<Void> addListenerAndReplay(MetadataListener listener) {
        return publisher.addListenerAndReplay(listener);
    }

    @Override
    public CompletableFuture<MetadataImage> await(Predicate<MetadataImage> condition) {
        return publisher.await(condition);
    }

    // ---- ClusterIdStore, BrokerRegistry ----

    @Override
    public String getOrCreateClusterId(String proposed) throws Exception {
        return write(() -> {
            if (clusterId == null) {
                clusterId = proposed;
            }
            return clusterId;
        });
    }

    @Override
    public void register(BrokerRegistration registration) throws Exception {
        write(() -> {
            BrokerRegistration old = brokers.get(registration.id());
            if (old != null && !old.endpoints().equals(registration.endpoints())) {
                throw new IllegalStateException("Broker id " + registration.id() + " is already registered by a live broker at "
                    + old.endpoints() + "; every broker needs a unique broker.id");
            }
            brokers.put(registration.id(), registration);
            return null;
        });
    }

    @Override
    public void deregister(int brokerId) {
        try {
            write(() -> brokers.remove(brokerId));
        } catch (Exception ignored) {
            // As in ZooKeeper: the registration goes with the session anyway.
        }
    }

    // ---- TopicStore ----

    @Override
    public void createTopic(String name, Uuid topicId, Map<Integer, List<Integer>> assignment, Map<String, String> configs,
                            Map<Integer, PartitionState> states) throws Exception {
        write(() -> {
            if (topics.containsKey(name)) {
                throw new TopicExistsException("Topic '" + name + "' already exists.");
            }
            Topic topic = new Topic(topicId, normalized(ReplicaAssignment.of(assignment)));
            states.forEach((p, state) -> {
                if (state != null) {
                    topic.states.put(p, state);
                    topic.stateVersions.put(p, 0);
                }
            });
            topics.put(name, topic);
            topicConfigs.put(name, Map.copyOf(configs));
            return null;
        });
    }

    @Override
    public boolean addPartitions(String name, Uuid topicId, Map<Integer, List<Integer>> fullAssignment, int expectedVersion,
                                 Map<Integer, PartitionState> newStates) throws Exception {
        return write(() -> {
            Topic topic = topics.get(name);
            if (topic == null) {
                throw new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
            }
            if (topic.version != expectedVersion) {
                return false;
            }
            // Like the ZooKeeper store, the new assignment carries no reassignment.
            topic.assignment = normalized(ReplicaAssignment.of(fullAssignment));
            topic.version++;
            newStates.forEach((p, state) -> {
                if (state != null && !topic.states.containsKey(p)) {
                    topic.states.put(p, state);
                    topic.stateVersions.put(p, 0);
                }
            });
            return true;
        });
    }

    @Override
    public synchronized int topicVersion(String name) {
        Topic topic = topics.get(name);
        return topic == null ? -1 : topic.version;
    }

    @Override
    public boolean createPartitionState(String topicName, int partition, PartitionState state) throws Exception {
        return write(() -> {
            Topic topic = topics.get(topicName);
            if (topic == null || topic.states.containsKey(partition)) {
                return false;
            }
            topic.states.put(partition, state);
            topic.stateVersions.put(partition, 0);
            return true;
        });
    }

    @Override
    public boolean updatePartitionState(String topicName, int partition, PartitionState state, int expectedVersion,
                                        int controllerEpochVersion) throws Exception {
        return write(() -> {
            Topic topic = topics.get(topicName);
            if (!epochMatches(controllerEpochVersion) || topic == null || !topic.states.containsKey(partition)
                || topic.stateVersions.get(partition) != expectedVersion) {
                return false;
            }
            topic.states.put(partition, state);
            topic.stateVersions.merge(partition, 1, Integer::sum);
            return true;
        });
    }

    @Override
    public boolean writeAssignment(String topicName, Uuid topicId, ReplicaAssignment assignment, int expectedVersion,
                                   Map<Integer, PartitionState> states, Map<Integer, Integer> stateVersions,
                                   int controllerEpochVersion) throws Exception {
        return write(() -> {
            Topic topic = topics.get(topicName);
            if (!epochMatches(controllerEpochVersion) || topic == null || topic.version != expectedVersion) {
                return false;
            }
            for (int p : states.keySet()) {
                if (!topic.states.containsKey(p) || !topic.stateVersions.get(p).equals(stateVersions.get(p))) {
                    return false;
                }
            }
            topic.assignment = normalized(assignment);
            topic.version++;
            states.forEach((p, state) -> {
                topic.states.put(p, state);
                topic.stateVersions.merge(p, 1, Integer::sum);
            });
            return true;
        });
    }

    @Override
    public void markTopicForDeletion(String topic) throws Exception {
        write(() -> deletions.add(topic));
    }

    @Override
    public void deleteTopic(String topic) throws Exception {
        write(() -> {
            topics.remove(topic);
            topicConfigs.remove(topic);
            deletions.remove(topic);
            return null;
        });
    }

    /** Fencing: a controller's write needs the epoch record it wrote to be the latest one. */
    private boolean epochMatches(int controllerEpochVersion) {
        return controllerEpochVersion < 0 || (controllerEpoch != null && controllerEpoch.version() == controllerEpochVersion);
    }

    /** Drops empty replica lists, as the ZooKeeper JSON does. */
    private static ReplicaAssignment normalized(ReplicaAssignment a) {
        return new ReplicaAssignment(nonEmpty(a.replicas()), nonEmpty(a.adding()), nonEmpty(a.removing()));
    }

    private static Map<Integer, List<Integer>> nonEmpty(Map<Integer, List<Integer>> replicas) {
        Map<Integer, List<Integer>> out = new TreeMap<>();
        replicas.forEach((p, r) -> {
            if (!r.isEmpty()) {
                out.put(p, List.copyOf(r));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    // ---- ConfigStore ----

    @Override
    public void setTopicConfig(String topic, Map<String, String> configs) throws Exception {
        write(() -> topicConfigs.put(topic, Map.copyOf(configs)));
    }

    @Override
    public void setBrokerConfig(String entity, Map<String, String> configs) throws Exception {
        write(() -> brokerConfigs.put(entity, Map.copyOf(configs)));
    }

    // ---- ControllerStore, ProducerIdBlocks ----

    @Override
    public ControllerEpoch incrementControllerEpoch() throws Exception {
        return write(() -> {
            controllerEpoch = controllerEpoch == null ? new ControllerEpoch(1, 0)
                : new ControllerEpoch(controllerEpoch.epoch() + 1, controllerEpoch.version() + 1);
            return controllerEpoch;
        });
    }

    @Override
    public void registerController(int brokerId, long timestampMs) throws Exception {
        write(() -> controllerId = brokerId);
    }

    @Override
    public void removeStaleElectionEntries(int brokerId) {
        // Sessions end with everything they own (expireSession): no entry outlives its session.
    }

    @Override
    public long allocateProducerIdBlock(int brokerId, int size) throws Exception {
        return write(() -> {
            long start = lastProducerId + 1;
            lastProducerId = start + size - 1;
            return start;
        });
    }

    // ---- LogEndsStore ----

    @Override
    public synchronized Optional<Map<Uuid, Set<Integer>>> recorded(int brokerId) {
        return Optional.ofNullable(logEnds.get(brokerId));
    }

    @Override
    public void record(int brokerId, Map<Uuid, Set<Integer>> partitions) throws Exception {
        Map<Uuid, Set<Integer>> copy = new HashMap<>();
        partitions.forEach((id, numbers) -> {
            if (!numbers.isEmpty()) {
                copy.put(id, Collections.unmodifiableSet(new TreeSet<>(numbers)));
            }
        });
        write(() -> logEnds.put(brokerId, Collections.unmodifiableMap(copy)));
    }

    // ---- writes and images ----

    private interface Write<T> {
        T apply() throws Exception;
    }

    /**
     * Applies a write to the model and publishes the image that shows it, if it changed anything
     * (a write that fails its version check changes nothing, and ZooKeeper sends no event).
     */
    private <T> T write(Write<T> write) throws Exception {
        T result;
        synchronized (this) {
            if (nextFailure != null) {
                Exception failure = nextFailure;
                nextFailure = null;
                throw failure;
            }
            result = write.apply();
            maybePublish();
        }
        publisher.runPending();
        return result;
    }

    /** Queues the publication of the model, unless it is what was published last; called with the monitor held. */
    private void maybePublish() {
        MetadataImage next = buildImage(latest.version());
        if (!next.equals(latest)) {
            latest = buildImage(latest.version() + 1);
            publisher.enqueuePublish(latest);
        }
    }

    /** The model as {@code MetadataCache} would publish it; called with the monitor held. */
    private MetadataImage buildImage(long version) {
        Map<String, TopicImage> topicImages = new HashMap<>();
        Map<Uuid, String> names = new HashMap<>();
        topics.forEach((name, topic) -> {
            SortedMap<Integer, PartitionImage> partitions = new TreeMap<>();
            topic.assignment.replicas().forEach((p, replicas) -> partitions.put(p, new PartitionImage(p, replicas,
                topic.states.get(p), topic.stateVersions.getOrDefault(p, -1),
                topic.assignment.adding().getOrDefault(p, List.of()), topic.assignment.removing().getOrDefault(p, List.of()))));
            topicImages.put(name, new TopicImage(name, topic.id, Collections.unmodifiableSortedMap(partitions),
                Map.copyOf(topicConfigs.getOrDefault(name, Map.of())), deletions.contains(name), topic.version));
            names.put(topic.id, name);
        });
        Map<String, String> defaults = brokerConfigs.getOrDefault(ConfigStore.DEFAULT_BROKER_ENTITY, Map.of());
        Map<String, String> effective = new HashMap<>(defaults);
        effective.putAll(brokerConfigs.getOrDefault(Integer.toString(brokerId), Map.of()));
        return new MetadataImage(version, clusterId, controllerId, Map.copyOf(brokers), Collections.unmodifiableMap(topicImages),
            Collections.unmodifiableMap(names), Map.copyOf(effective), Map.copyOf(defaults));
    }
}
