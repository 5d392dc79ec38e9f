package io.gregor.metadata.store.zk;

import io.gregor.common.Threads;
import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.ImageSubscribers;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataListener;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.TopicImage;
import io.gregor.metadata.store.ConfigStore;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's {@link MetadataView} of the cluster metadata in ZooKeeper: a {@link CuratorCache}
 * mirrors ZooKeeper, and a single metadata thread folds its events into immutable
 * {@link MetadataImage}s.
 *
 * <p>Events are drained in batches and one image is published per batch, so creating a topic
 * with thousands of partitions publishes a handful of images rather than thousands. Unchanged
 * topics are shared between consecutive images.
 *
 * <p>{@link #image()} is lock-free; listeners and waiters run on the metadata thread.
 */
public final class MetadataCache implements MetadataView, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataCache.class);

    private final CuratorFramework zk;
    private final CuratorCache cache;
    private final ExecutorService thread;
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ImageSubscribers subscribers = new ImageSubscribers();
    private final CompletableFuture<MetadataImage> initialized = new CompletableFuture<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private boolean initialLoadDone;

    // Mutable state, confined to the metadata thread.
    private final Map<Integer, BrokerRegistration> brokers = new HashMap<>();
    private final Map<String, TopicState> topics = new HashMap<>();
    private final Map<String, Map<String, String>> topicConfigs = new HashMap<>();
    private final Set<String> deletions = new HashSet<>();
    private final Map<String, String> brokerConfigs = new HashMap<>();
    private final Set<String> dirtyTopics = new HashSet<>();
    private String clusterId;
    private int controllerId = -1;
    private final int brokerId;

    private record Event(CuratorCacheListener.Type type, ChildData data, boolean initializedMarker) {
    }

    private static final class TopicState {
        Uuid id;
        int version = -1;
        final Map<Integer, List<Integer>> replicas = new HashMap<>();
        final Map<Integer, List<Integer>> adding = new HashMap<>();
        final Map<Integer, List<Integer>> removing = new HashMap<>();
        final Map<Integer, PartitionState> states = new HashMap<>();
        final Map<Integer, Integer> stateVersions = new HashMap<>();
        /** Whether the assignment changed since the last image: every partition is rebuilt. */
        boolean assignmentChanged = true;
        /** Partitions whose state changed since the last image (a topic may have tens of thousands). */
        final Set<Integer> changedStates = new HashSet<>();
    }

    /** @param brokerId this broker, whose dynamic configs (and the cluster default) the image carries */
    public MetadataCache(CuratorFramework zk, int brokerId) {
        this.brokerId = brokerId;
        this.zk = zk;
        this.cache = CuratorCache.build(zk, "/");
        this.thread = Executors.newSingleThreadExecutor(Threads.singleDaemonFactory("gregor-metadata"));
        cache.listenable().addListener(new CuratorCacheListener() {
            @Override
            public void event(Type type, ChildData oldData, ChildData data) {
                enqueue(new Event(type, type == Type.NODE_DELETED ? oldData : data, false));
            }

            @Override
            public void initialized() {
                enqueue(new Event(null, null, true));
            }
        });
    }

    /** Starts mirroring; the returned future completes with the first complete image. */
    public CompletableFuture<MetadataImage> start() {
        cache.start();
        return initialized;
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void addListener(MetadataListener listener) {
        subscribers.addListener(listener);
    }

    /** The replay runs on the metadata thread, so that no image is published in between. */
    @Override
    public CompletableFuture<Void> addListenerAndReplay(MetadataListener listener) {
        return CompletableFuture.runAsync(() -> {
            subscribers.addListener(listener);
            listener.onMetadataUpdate(MetadataImage.EMPTY, image);
        }, thread);
    }

    /** Before the first complete image, no image satisfies a condition. */
    @Override
    public CompletableFuture<MetadataImage> await(Predicate<MetadataImage> condition) {
        CompletableFuture<MetadataImage> future = new CompletableFuture<>();
        thread.execute(() -> {
            if (initialLoadDone && condition.test(image)) {
                future.complete(image);
            } else {
                subscribers.addWaiter(condition, future);
            }
        });
        return future;
    }

    private void enqueue(Event event) {
        events.add(event);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                thread.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                drainScheduled.set(false);
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        boolean changed = false;
        Event event;
        while ((event = events.poll()) != null) {
            try {
                if (event.initializedMarker()) {
                    initialLoadDone = true;
                    changed = true;
                } else {
                    changed |= apply(event.type(), event.data());
                }
            } catch (RuntimeException e) {
                log.warn("Ignoring unreadable metadata at {}: {}", event.data() == null ? null : event.data().getPath(), e.toString());
            }
        }
        if (changed && initialLoadDone) {
            publish();
        }
    }

    private boolean apply(CuratorCacheListener.Type type, ChildData data) {
        String path = data.getPath();
        boolean deleted = type == CuratorCacheListener.Type.NODE_DELETED;
        byte[] bytes = data.getData();
        if (path.startsWith(ZkPaths.BROKER_IDS + "/")) {
            int id = Integer.parseInt(path.substring(ZkPaths.BROKER_IDS.length() + 1));
            if (deleted) {
                brokers.remove(id);
            } else {
                brokers.put(id, ZkData.brokerRegistration(id, bytes));
            }
            return true;
        }
        if (path.startsWith(ZkPaths.TOPICS + "/")) {
            return applyTopic(ZkPaths.parseTopicPath(path), deleted, bytes, data.getStat() == null ? 0 : data.getStat().getVersion());
        }
        if (path.startsWith(ZkPaths.TOPIC_CONFIGS + "/")) {
            String topic = path.substring(ZkPaths.TOPIC_CONFIGS.length() + 1);
            if (deleted) {
                topicConfigs.remove(topic);
            } else {
                topicConfigs.put(topic, ZkData.config(bytes));
            }
            dirtyTopics.add(topic);
            return true;
        }
        if (path.startsWith(ZkPaths.BROKER_CONFIGS + "/")) {
            String entity = path.substring(ZkPaths.BROKER_CONFIGS.length() + 1);
            if (entity.equals(ConfigStore.DEFAULT_BROKER_ENTITY) || entity.equals(Integer.toString(brokerId))) {
                rebuildBrokerConfigs(entity, deleted ? Map.of() : ZkData.config(bytes));
                return true;
            }
            return false;
        }
        if (path.startsWith(ZkPaths.DELETE_TOPICS + "/")) {
            String topic = path.substring(ZkPaths.DELETE_TOPICS.length() + 1);
            if (deleted) {
                deletions.remove(topic);
            } else {
                deletions.add(topic);
            }
            dirtyTopics.add(topic);
            return true;
        }
        if (path.equals(ZkPaths.CONTROLLER)) {
            controllerId = deleted ? -1 : ZkData.controllerId(bytes);
            return true;
        }
        if (path.equals(ZkPaths.CLUSTER_ID) && !deleted) {
            clusterId = ZkData.clusterId(bytes);
            return true;
        }
        return false;
    }

    private final Map<String, Map<String, String>> brokerConfigLayers = new HashMap<>();

    private void rebuildBrokerConfigs(String entity, Map<String, String> configs) {
        brokerConfigLayers.put(entity, configs);
        brokerConfigs.clear();
        brokerConfigs.putAll(brokerConfigLayers.getOrDefault(ConfigStore.DEFAULT_BROKER_ENTITY, Map.of()));
        brokerConfigs.putAll(brokerConfigLayers.getOrDefault(Integer.toString(brokerId), Map.of()));
    }

    private boolean applyTopic(ZkPaths.TopicPath tp, boolean deleted, byte[] bytes, int version) {
        if (tp == null) {
            return false;
        }
        dirtyTopics.add(tp.topic());
        if (tp.partition() < 0) {
            if (deleted) {
                topics.remove(tp.topic());
                return true;
            }
            TopicState state = topics.computeIfAbsent(tp.topic(), t -> new TopicState());
            ZkData.TopicNode node = ZkData.topic(bytes);
            state.id = node.topicId();
            state.version = version;
            replace(state.replicas, node.assignment().replicas());
            replace(state.adding, node.assignment().adding());
            replace(state.removing, node.assignment().removing());
            state.assignmentChanged = true;
            return true;
        }
        if (!tp.state()) {
            return false;
        }
        TopicState state = topics.get(tp.topic());
        if (state == null) {
            return false;
        }
        if (deleted) {
            state.states.remove(tp.partition());
            state.stateVersions.remove(tp.partition());
        } else {
            state.states.put(tp.partition(), ZkData.partitionState(bytes));
            state.stateVersions.put(tp.partition(), version);
        }
        state.changedStates.add(tp.partition());
        return true;
    }

    private static void replace(Map<Integer, List<Integer>> into, Map<Integer, List<Integer>> from) {
        into.clear();
        into.putAll(from);
    }

    private void publish() {
        MetadataImage previous = image;
        Map<String, TopicImage> newTopics = new HashMap<>(previous.topics());
        Map<Uuid, String> names = new HashMap<>(previous.topicNames());
        for (String name : dirtyTopics) {
            TopicImage old = newTopics.remove(name);
            if (old != null && old.id() != null) {
                names.remove(old.id());
            }
            TopicState state = topics.get(name);
            if (state == null || state.id == null) {
                continue;
            }
            if (!topicConfigs.containsKey(name)) {
                readConfigsOfNewTopic(name);
            }
            SortedMap<Integer, PartitionImage> partitions;
            if (old != null && !state.assignmentChanged && state.id.equals(old.id())) {
                // Only some states changed (leaders, ISRs): keep the other partitions' images.
                if (state.changedStates.isEmpty()) {
                    partitions = old.partitions();
                } else {
                    TreeMap<Integer, PartitionImage> copy = new TreeMap<>(old.partitions());
                    for (int p : state.changedStates) {
                        if (state.replicas.containsKey(p)) {
                            copy.put(p, partitionImage(state, p));
                        }
                    }
                    partitions = Collections.unmodifiableSortedMap(copy);
                }
            } else {
                TreeMap<Integer, PartitionImage> all = new TreeMap<>();
                for (int p : state.replicas.keySet()) {
                    all.put(p, partitionImage(state, p));
                }
                partitions = Collections.unmodifiableSortedMap(all);
            }
            state.assignmentChanged = false;
            state.changedStates.clear();
            TopicImage topic = new TopicImage(name, state.id, partitions,
                Map.copyOf(topicConfigs.getOrDefault(name, Map.of())), deletions.contains(name), state.version);
            newTopics.put(name, topic);
            names.put(state.id, name);
        }
        dirtyTopics.clear();
        MetadataImage next = new MetadataImage(previous.version() + 1, clusterId, controllerId, Map.copyOf(brokers),
            Collections.unmodifiableMap(newTopics), Collections.unmodifiableMap(names), Map.copyOf(brokerConfigs),
            Map.copyOf(brokerConfigLayers.getOrDefault(ConfigStore.DEFAULT_BROKER_ENTITY, Map.of())));
        image = next;
        if (!initialized.isDone()) {
            initialized.complete(next);
        }
        subscribers.publish(previous, next);
    }

    private static PartitionImage partitionImage(TopicState state, int p) {
        return new PartitionImage(p, state.replicas.get(p), state.states.get(p), state.stateVersions.getOrDefault(p, -1),
            state.adding.getOrDefault(p, List.of()), state.removing.getOrDefault(p, List.of()));
    }

    /**
     * Reads the configs of a topic whose config node the cache has not delivered yet. A topic and
     * its config node are created in one ZooKeeper transaction, but the cache fetches them through
     * separate watches, so the topic can arrive first; published alone, it would describe itself
     * with the defaults (a compacted topic as {@code cleanup.policy=delete}) until the configs
     * arrive, which Kafka never does. This session has already seen the topic node, so reading on
     * the same session sees the config node created with it (ZooKeeper orders a session's reads).
     * A topic without a config node (created by other tools) gets none: the cache delivers one
     * if it is created later.
     */
    private void readConfigsOfNewTopic(String topic) {
        try {
            topicConfigs.put(topic, ZkData.config(zk.getData().forPath(ZkPaths.topicConfig(topic))));
        } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
            topicConfigs.put(topic, Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Could not read the configs of new topic {} (they follow when the cache delivers them): {}", topic, e.toString());
        }
    }

    /** Raw bytes of a cached node, for diagnostics and tests. */
    public String rawData(String path) {
        return cache.get(path).map(d -> new String(d.getData(), StandardCharsets.UTF_8)).orElse(null);
    }

    @Override
    public void close() {
        cache.close();
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
