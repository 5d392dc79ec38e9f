package io.gregor.server;

import io.gregor.common.Threads;
import io.gregor.coordinator.group.GroupConfig;
import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Controller;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.ReplicaAssignor;
import io.gregor.metadata.SerialScheduler;
import io.gregor.metadata.TopicImage;
import io.gregor.metadata.store.memory.InMemoryMetadata;
import io.gregor.metadata.store.TopicStore;
import io.gregor.protocol.RequestContext;
import io.gregor.replication.IsrWriter;
import io.gregor.replication.ReplicaManager;
import io.gregor.server.admin.ConfigAdmin;
import io.gregor.server.admin.ConfigDescriber;
import io.gregor.server.admin.InternalTopics;
import io.gregor.server.admin.PartitionAdmin;
import io.gregor.server.admin.TopicAdmin;
import io.gregor.server.coordinator.CoordinatorElections;
import io.gregor.server.coordinator.ReplicaPartitionWriter;
import io.gregor.storage.log.LogManager;
import io.gregor.storage.util.ThreadPoolScheduler;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Time;

/**
 * The handler side of broker 0 on an {@link InMemoryMetadata} with live brokers
 * {@code 0..brokers-1}: its config, the admin classes and, on request, a controller. Admin work
 * runs on the calling thread, so a handler's answer is complete when {@code handle} returns,
 * except for what waits for the controller (deletions, reassignments), which the tests await.
 */
public final class InMemoryBroker implements AutoCloseable {
    public static final String LISTENER = "PLAINTEXT";
    public static final String CLUSTER_ID = "test-cluster-id";

    public final InMemoryMetadata metadata = new InMemoryMetadata(0);
    public final BrokerConfig config;
    public final ConfigDescriber describer;
    public final TopicAdmin topicAdmin;
    public final ConfigAdmin configAdmin;
    public final PartitionAdmin partitionAdmin;
    public final InternalTopics internalTopics;
    private final Executor adminExecutor = Runnable::run;
    private Controller controller;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private LogManager logManager;
    private int correlationId;

    private InMemoryBroker(int brokers, Map<String, String> overrides) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(BrokerConfig.BROKER_ID, "0");
        props.put(BrokerConfig.LISTENERS, "PLAINTEXT://localhost:9092");
        props.putAll(overrides);
        config = BrokerConfig.from(props);
        describer = new ConfigDescriber(config);
        metadata.getOrCreateClusterId(CLUSTER_ID);
        for (int id = 0; id < brokers; id++) {
            metadata.register(broker(id));
        }
        topicAdmin = new TopicAdmin(metadata, metadata, config, new ReplicaAssignor(new Random(7)), adminExecutor);
        configAdmin = new ConfigAdmin(metadata, metadata, config, describer, adminExecutor);
        partitionAdmin = new PartitionAdmin(metadata, metadata, adminExecutor);
        internalTopics = new InternalTopics(topicAdmin, metadata, config);
    }

    /** Broker 0 of a cluster of {@code brokers} live brokers, with broker config {@code overrides} (key, value, key, value ...). */
    public static InMemoryBroker start(int brokers, String... overrides) throws Exception {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < overrides.length; i += 2) {
            map.put(overrides[i], overrides[i + 1]);
        }
        return new InMemoryBroker(brokers, map);
    }

    /** {@link #start} for a field initialiser: a test class declares {@code @AutoClose final InMemoryBroker broker = of(...)}. */
    public static InMemoryBroker of(int brokers, String... overrides) {
        try {
            return start(brokers, overrides);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the in-memory broker", e);
        }
    }

    public static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, List.of(new Endpoint(LISTENER, "broker" + id, 9092 + id)), "rack" + (id % 2), 0);
    }

    /** Starts this broker's controller (on its own thread), which wins the election and then carries out deletions and reassignments. */
    public Controller startController() throws Exception {
        controller = new Controller(0, metadata, metadata, metadata, metadata.controllerElection(0),
            topic -> describer.logConfig(metadata.image().topic(topic), metadata.image().brokerConfigs()).uncleanLeaderElectionEnable(),
            Time.SYSTEM, SerialScheduler.singleThread("test-controller"));
        controller.start();
        await(image -> image.controllerId() == 0);
        return controller;
    }

    /**
     * Starts this broker's logs (in {@code log.dirs}, which the test sets to a temporary
     * directory) and its replica manager, which follows the metadata: it leads the partitions
     * whose state names broker 0 as leader. ISR changes are written to the store as the broker's
     * IsrWriter does.
     */
    public ReplicaManager startReplicas() throws IOException {
        ThreadPoolScheduler scheduler = new ThreadPoolScheduler(1, "test-scheduler");
        closeables.add(scheduler);
        logManager = new LogManager(Broker.logManagerConfig(config),
            topic -> describer.logConfig(metadata.image().topic(topic), metadata.image().brokerConfigs()), Time.SYSTEM, scheduler);
        logManager.startup();
        closeables.add(logManager::close);
        IsrWriter isrWriter = (tp, state, version) -> {
            try {
                return CompletableFuture.completedFuture(metadata.updatePartitionState(tp.topic(), tp.partition(), state, version,
                    TopicStore.UNFENCED));
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        };
        ReplicaManager replicaManager = new ReplicaManager(0, logManager,
            topic -> describer.logConfig(topic, metadata.image().brokerConfigs()), Time.SYSTEM, isrWriter, Broker.fetcherConfig(config),
            config.intValue(BrokerConfig.NUM_IO_THREADS));
        metadata.addListenerAndReplay(replicaManager).join();
        closeables.add(replicaManager::shutdown);
        return replicaManager;
    }

    /**
     * Starts the group coordinator as the broker wires it: its writes go through {@code replicas}
     * (a {@link ReplicaPartitionWriter}, acks=all), and {@link CoordinatorElections} tells it which
     * {@code __consumer_offsets} partitions broker 0 leads, from every image. Its settings are
     * Kafka's defaults but for {@code group.initial.rebalance.delay.ms}, which is 0: a group
     * completes its first rebalance as soon as its members have joined, so no test waits on a timer.
     */
    public GroupCoordinator startGroupCoordinator(ReplicaManager replicas) throws Exception {
        ScheduledThreadPoolExecutor writes = new ScheduledThreadPoolExecutor(1, Threads.singleDaemonFactory("test-coordinator-writes"));
        closeables.add(writes::shutdownNow);
        GroupConfig d = GroupConfig.defaults();
        GroupConfig noInitialDelay = new GroupConfig(d.minSessionTimeoutMs(), d.maxSessionTimeoutMs(), 0, d.maxGroupSize(),
            d.offsetMetadataMaxBytes(), d.offsetsRetentionMs());
        GroupCoordinator coordinator = new GroupCoordinator(noInitialDelay,
            new ReplicaPartitionWriter(replicas, config.intValue(BrokerConfig.OFFSETS_COMMIT_TIMEOUT_MS), writes), Time.SYSTEM, 1,
            config.intValue(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS));
        closeables.add(coordinator);
        CoordinatorElections elections = new CoordinatorElections(replicas, coordinator);
        metadata.addListenerAndReplay(elections).get(10, TimeUnit.SECONDS);
        closeables.add(elections::close);
        return coordinator;
    }

    /** The log manager of {@link #startReplicas()}. */
    public LogManager logManager() {
        return logManager;
    }

    /** A request context on the PLAINTEXT listener. */
    public RequestContext context(ApiKeys api, short version) {
        return context(api, version, null);
    }

    /** A request context on the PLAINTEXT listener whose connection runs on {@code eventLoop}. */
    public RequestContext context(ApiKeys api, short version, EventLoop eventLoop) {
        return new RequestContext(new RequestHeader(api, version, "test-client", ++correlationId), "conn-1",
            InetAddress.getLoopbackAddress(), LISTENER, eventLoop);
    }

    public RequestContext latest(ApiKeys api) {
        return context(api, api.latestVersion(false));
    }

    /**
     * Creates a topic directly in the store, with the given replicas and leaders (first replica)
     * and ISRs (all replicas), and waits until the image shows it.
     */
    public Uuid createTopic(String name, Map<Integer, List<Integer>> assignment) throws Exception {
        Map<Integer, PartitionState> states = new HashMap<>();
        assignment.forEach((p, replicas) -> states.put(p, new PartitionState(replicas.get(0), 0, replicas, 0, 0)));
        return createTopic(name, assignment, states);
    }

    public Uuid createTopic(String name, Map<Integer, List<Integer>> assignment, Map<Integer, PartitionState> states) throws Exception {
        Uuid id = Uuid.randomUuid();
        metadata.createTopic(name, id, assignment, Map.of(), states);
        // Published before createTopic returns unless another thread (the controller) is publishing.
        await(image -> image.topic(id) != null);
        return id;
    }

    public MetadataImage image() {
        return metadata.image();
    }

    public TopicImage topic(String name) {
        return metadata.image().topic(name);
    }

    public PartitionImage partition(String topic, int partition) {
        return metadata.image().topic(topic).partition(partition);
    }

    public MetadataImage await(Predicate<MetadataImage> condition) throws Exception {
        return metadata.await(condition).get(10, TimeUnit.SECONDS);
    }

    /** The response of a handler, which must complete within ten seconds. */
    public static <T> T answer(CompletableFuture<?> response, Class<T> type) throws Exception {
        return type.cast(response.get(10, TimeUnit.SECONDS));
    }

    @Override
    public void close() {
        if (controller != null) {
            controller.close();
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
