package io.gregor.server;

import io.gregor.common.Threads;
import io.gregor.coordinator.group.GroupConfig;
import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Controller;
import io.gregor.metadata.EmbeddedZooKeeper;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.ProducerIdManager;
import io.gregor.metadata.ReplicaAssignor;
import io.gregor.metadata.SerialScheduler;
import io.gregor.metadata.store.BrokerRegistry;
import io.gregor.metadata.store.LogEndsStore;
import io.gregor.metadata.store.TopicStore;
import io.gregor.metadata.store.zk.MetadataCache;
import io.gregor.metadata.store.zk.ZkBrokerRegistry;
import io.gregor.metadata.store.zk.ZkClusterIdStore;
import io.gregor.metadata.store.zk.ZkConfigStore;
import io.gregor.metadata.store.zk.ZkConnection;
import io.gregor.metadata.store.zk.ZkControllerElection;
import io.gregor.metadata.store.zk.ZkControllerStore;
import io.gregor.metadata.store.zk.ZkLogEndsStore;
import io.gregor.metadata.store.zk.ZkProducerIdBlocks;
import io.gregor.metadata.store.zk.ZkTopicStore;
import io.gregor.protocol.ApiRegistry;
import io.gregor.protocol.network.NetworkServer;
import io.gregor.protocol.network.RequestMemoryPool;
import io.gregor.replication.FetcherConfig;
import io.gregor.replication.IsrWriter;
import io.gregor.replication.ReplicaManager;
import io.gregor.server.admin.ConfigAdmin;
import io.gregor.server.admin.ConfigDescriber;
import io.gregor.server.admin.InternalTopics;
import io.gregor.server.admin.PartitionAdmin;
import io.gregor.server.admin.TopicAdmin;
import io.gregor.server.coordinator.CoordinatorElections;
import io.gregor.server.coordinator.ReplicaPartitionWriter;
import io.gregor.server.handlers.AlterConfigsHandler;
import io.gregor.server.handlers.AlterPartitionReassignmentsHandler;
import io.gregor.server.handlers.ElectLeadersHandler;
import io.gregor.server.handlers.ListPartitionReassignmentsHandler;
import io.gregor.server.handlers.CreatePartitionsHandler;
import io.gregor.server.handlers.DeleteRecordsHandler;
import io.gregor.server.handlers.DescribeLogDirsHandler;
import io.gregor.server.handlers.IncrementalAlterConfigsHandler;
import io.gregor.server.handlers.CreateTopicsHandler;
import io.gregor.server.handlers.DeleteTopicsHandler;
import io.gregor.server.handlers.DescribeClusterHandler;
import io.gregor.server.handlers.DescribeConfigsHandler;
import io.gregor.server.handlers.FetchHandler;
import io.gregor.server.handlers.InitProducerIdHandler;
import io.gregor.server.handlers.ListOffsetsHandler;
import io.gregor.server.handlers.OffsetForLeaderEpochHandler;
import io.gregor.server.handlers.MetadataHandler;
import io.gregor.server.handlers.ProduceHandler;
import io.gregor.server.handlers.group.DeleteGroupsHandler;
import io.gregor.server.handlers.group.DescribeGroupsHandler;
import io.gregor.server.handlers.group.FindCoordinatorHandler;
import io.gregor.server.handlers.group.HeartbeatHandler;
import io.gregor.server.handlers.group.JoinGroupHandler;
import io.gregor.server.handlers.group.LeaveGroupHandler;
import io.gregor.server.handlers.group.ListGroupsHandler;
import io.gregor.server.handlers.group.OffsetCommitHandler;
import io.gregor.server.handlers.group.OffsetDeleteHandler;
import io.gregor.server.handlers.group.OffsetFetchHandler;
import io.gregor.server.handlers.group.SyncGroupHandler;
import io.gregor.server.logends.EmptyLogCheck;
import io.gregor.server.logends.LogEndsRecorder;
import io.gregor.storage.cleaner.CleanerConfig;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.Log;
import io.gregor.storage.log.LogManager;
import io.gregor.storage.util.Scheduler;
import io.gregor.storage.util.ThreadPoolScheduler;
import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Gregor broker: wires ZooKeeper (embedded or external) and the ZooKeeper implementations
 * of the metadata stores, the metadata cache and controller, the log manager, the replica
 * manager, the API handlers and the network listeners.
 *
 * <p>{@link #start} returns once the broker is registered and serving; {@link #close} shuts it
 * down cleanly (listeners first, logs flushed and marked clean last).
 */
public final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private EmbeddedZooKeeper embeddedZk;
    private ZkConnection zk;
    private BrokerRegistry brokerRegistry;
    private MetadataCache cache;
    private LogManager logManager;
    private NetworkServer network;
    private Controller controller;
    private GroupCoordinator groupCoordinator;
    private CoordinatorElections coordinatorElections;
    private ReplicaManager replicaManager;
    private LogEndsRecorder logEndsRecorder;
    private List<Endpoint> advertised = List.of();
    private String clusterId;
    private long startupMs;
    private volatile boolean closed;

    private Broker(BrokerConfig config) {
        this.config = config;
    }

    /** Starts a broker and returns when it is ready to serve clients. */
    public static Broker start(BrokerConfig config) throws Exception {
        Broker broker = new Broker(config);
        try {
            broker.startup();
            return broker;
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
    }

    private void startup() throws Exception {
        long t0 = System.nanoTime();
        List<String> phases = new ArrayList<>();
        int brokerId = config.brokerId();
        String zkConnect = config.zookeeperConnect();
        String metadataSource;
        if (zkConnect == null || zkConnect.isBlank()) {
            int port = config.intValue(BrokerConfig.ZOOKEEPER_EMBEDDED_PORT);
            EmbeddedZooKeeperDir zkDir = EmbeddedZooKeeperDir.resolve(config, new File("").getAbsoluteFile());
            if (zkDir.warning() != null) {
                log.warn(zkDir.warning());
            }
            File dir = zkDir.dir().getAbsoluteFile();
            metadataSource = "the embedded ZooKeeper in " + dir;
            try {
                embeddedZk = EmbeddedZooKeeper.start(dir, "127.0.0.1", port);
            } catch (BindException e) {
                throw new IllegalStateException("Cannot start the embedded ZooKeeper: 127.0.0.1:" + port
                    + " is in use (zookeeper.embedded.port). Set zookeeper.connect to use that ZooKeeper, or choose another port.");
            }
            zkConnect = embeddedZk.connectString();
        } else {
            metadataSource = "ZooKeeper at " + zkConnect;
        }
        phases.add("zookeeper=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        zk = ZkConnection.connect(zkConnect, config.zookeeperSessionTimeoutMs(), config.zookeeperConnectionTimeoutMs());
        zk.ensurePaths();
        String proposedClusterId = Uuid.randomUuid().toString();
        clusterId = new ZkClusterIdStore(zk.curator()).getOrCreateClusterId(proposedClusterId);
        if (clusterId.equals(proposedClusterId)) {
            log.info("Created cluster {}: {} had no cluster yet", clusterId, metadataSource);
        }
        List<File> unclaimedDirs = new ArrayList<>();
        for (File dir : config.logDirs()) {
            if (!dir.isDirectory() && !dir.mkdirs()) {
                throw new IOException("Cannot create log directory " + dir);
            }
            if (!MetaProperties.check(dir, clusterId, brokerId, metadataSource)) {
                unclaimedDirs.add(dir);
            }
        }

        phases.add("zk-session=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        cache = new MetadataCache(zk.curator(), brokerId);
        TopicStore topics = new ZkTopicStore(zk.curator());
        brokerRegistry = new ZkBrokerRegistry(zk.curator());
        MetadataImage initialImage = cache.start().get(config.zookeeperConnectionTimeoutMs(), TimeUnit.MILLISECONDS);
        LogEndsStore logEndsStore = new ZkLogEndsStore(zk.curator());
        Optional<Map<Uuid, Set<Integer>>> recordedLogEnds = logEndsStore.recorded(brokerId);

        phases.add("metadata-cache=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        ConfigDescriber describer = new ConfigDescriber(config);
        Scheduler scheduler = new ThreadPoolScheduler(2, "gregor-scheduler");
        closeables.add(scheduler);
        logManager = new LogManager(logManagerConfig(config), topic -> topicLogConfig(describer, topic), Time.SYSTEM, scheduler);
        logManager.startup();
        checkNoRecordsLost(initialImage, recordedLogEnds, !unclaimedDirs.isEmpty());
        for (File dir : unclaimedDirs) {
            MetaProperties.write(dir, new MetaProperties.Ids(clusterId, brokerId));
        }
        logEndsRecorder = new LogEndsRecorder(brokerId, logEndsStore, recordedLogEnds, cache::image, this::logEndOffsets);

        phases.add("logs=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        ExecutorService adminExecutor = Executors.newFixedThreadPool(2, Threads.daemonFactory("gregor-admin"));
        closeables.add(adminExecutor::shutdownNow);
        IsrWriter isrWriter = (tp, state, version) -> CompletableFuture.supplyAsync(() -> {
            try {
                return topics.updatePartitionState(tp.topic(), tp.partition(), state, version, TopicStore.UNFENCED);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, adminExecutor);
        replicaManager = new ReplicaManager(brokerId, logManager,
            topic -> describer.logConfig(topic, cache.image().brokerConfigs()), Time.SYSTEM, isrWriter, fetcherConfig(config),
            config.intValue(BrokerConfig.NUM_IO_THREADS));
        cache.addListenerAndReplay(replicaManager).get(30, TimeUnit.SECONDS);
        ScheduledThreadPoolExecutor coordinatorWrites = new ScheduledThreadPoolExecutor(1, Threads.singleDaemonFactory("gregor-coordinator-writes"));
        coordinatorWrites.setRemoveOnCancelPolicy(true);
        closeables.add(coordinatorWrites::shutdownNow);
        GroupCoordinator groupCoordinator = new GroupCoordinator(groupConfig(),
            new ReplicaPartitionWriter(replicaManager, config.intValue(BrokerConfig.OFFSETS_COMMIT_TIMEOUT_MS), coordinatorWrites),
            Time.SYSTEM, 1, config.intValue(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS));
        this.groupCoordinator = groupCoordinator;
        coordinatorElections = new CoordinatorElections(replicaManager, groupCoordinator);
        cache.addListenerAndReplay(coordinatorElections).get(30, TimeUnit.SECONDS);

        long maxLagMs = config.longValue(BrokerConfig.REPLICA_LAG_TIME_MAX_MS);
        scheduler.schedule("isr-shrink", () -> replicaManager.maybeShrinkIsrs(maxLagMs), maxLagMs / 2, Math.max(1, maxLagMs / 2));
        scheduler.schedule("record-log-ends", logEndsRecorder::maybeRecordQuietly, 0, LogEndsRecorder.INTERVAL_MS);
        TopicAdmin topicAdmin = new TopicAdmin(topics, cache, config, new ReplicaAssignor(new Random()), adminExecutor);
        InternalTopics internalTopics = new InternalTopics(topicAdmin, cache, config);
        ConfigAdmin configAdmin = new ConfigAdmin(new ZkConfigStore(zk.curator()), cache, config, describer, adminExecutor);
        PartitionAdmin partitionAdmin = new PartitionAdmin(topics, cache, adminExecutor);

        phases.add("replicas-groups=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        controller = new Controller(brokerId, new ZkControllerStore(zk.curator()), topics, cache, new ZkControllerElection(zk.curator(), brokerId),
            topic -> describer.logConfig(cache.image().topic(topic), cache.image().brokerConfigs()).uncleanLeaderElectionEnable(),
            Time.SYSTEM, SerialScheduler.singleThread("gregor-controller"));
        controller.start();
        if (config.booleanValue(BrokerConfig.AUTO_LEADER_REBALANCE_ENABLE)) {
            controller.enableAutoLeaderRebalance(config.longValue(BrokerConfig.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS) * 1000,
                config.intValue(BrokerConfig.LEADER_IMBALANCE_PER_BROKER_PERCENTAGE));
        }

        ApiRegistry registry = ApiRegistry.builder()
            .register(new MetadataHandler(cache, topicAdmin, config))
            .register(new ProduceHandler(cache, replicaManager))
            .register(new FetchHandler(cache, replicaManager))
            .register(new ListOffsetsHandler(cache, replicaManager))
            .register(new CreateTopicsHandler(topicAdmin, cache, describer))
            .register(new DeleteTopicsHandler(topicAdmin, cache))
            .register(new CreatePartitionsHandler(topicAdmin))
            .register(new DescribeConfigsHandler(cache, describer, brokerId))
            .register(new DescribeClusterHandler(cache))
            .register(new InitProducerIdHandler(new ProducerIdManager(new ZkProducerIdBlocks(zk.curator()), brokerId), adminExecutor))
            .register(new AlterConfigsHandler(configAdmin))
            .register(new IncrementalAlterConfigsHandler(configAdmin))
            .register(new DeleteRecordsHandler(cache, replicaManager, adminExecutor))
            .register(new OffsetForLeaderEpochHandler(cache, replicaManager))
            .register(new ElectLeadersHandler(partitionAdmin))
            .register(new AlterPartitionReassignmentsHandler(partitionAdmin))
            .register(new ListPartitionReassignmentsHandler(partitionAdmin))
            .register(new DescribeLogDirsHandler(logManager, config.logDirs()))
            .register(new FindCoordinatorHandler(cache, groupCoordinator, internalTopics))
            .register(new JoinGroupHandler(groupCoordinator))
            .register(new SyncGroupHandler(groupCoordinator))
            .register(new HeartbeatHandler(groupCoordinator))
            .register(new LeaveGroupHandler(groupCoordinator))
            .register(new OffsetCommitHandler(cache, groupCoordinator))
            .register(new OffsetFetchHandler(cache, groupCoordinator))
            .register(new ListGroupsHandler(groupCoordinator))
            .register(new DescribeGroupsHandler(groupCoordinator))
            .register(new DeleteGroupsHandler(groupCoordinator))
            .register(new OffsetDeleteHandler(cache, groupCoordinator))
            .build();

        phases.add("controller-handlers=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        network = new NetworkServer(config.intValue(BrokerConfig.NUM_NETWORK_THREADS),
            RequestMemoryPool.of(config.queuedMaxRequestBytes(Runtime.getRuntime().maxMemory())));
        NetworkServer.SocketSettings sockets = new NetworkServer.SocketSettings(config.intValue(BrokerConfig.SOCKET_SEND_BUFFER_BYTES),
            config.intValue(BrokerConfig.SOCKET_RECEIVE_BUFFER_BYTES), config.intValue(BrokerConfig.SOCKET_REQUEST_MAX_BYTES),
            config.longValue(BrokerConfig.CONNECTIONS_MAX_IDLE_MS), config.longValue(BrokerConfig.SOCKET_REQUEST_RECEIVE_TIMEOUT_MS));
        log.info("Request memory: {}", network.memoryPool().isBounded()
            ? network.memoryPool().capacity() + " bytes (queued.max.request.bytes)" : "unbounded (queued.max.request.bytes=-1)");
        List<Endpoint> bound = new ArrayList<>();
        for (Endpoint listener : config.listeners()) {
            InetSocketAddress address;
            try {
                address = network.bind(new NetworkServer.Listener(listener.listenerName(), listener.host(), listener.port()), registry, sockets);
            } catch (Exception e) {
                // Netty's epoll transport reports it as a NativeIoException, not a BindException.
                if (e instanceof BindException || e.getCause() instanceof BindException
                    || String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw new IllegalStateException("Cannot listen on " + listener.uri() + ": address already in use");
                }
                throw e;
            }
            bound.add(new Endpoint(listener.listenerName(), listener.host(), address.getPort()));
        }
        advertised = config.advertisedListeners(bound);
        phases.add("network=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        BrokerRegistration registration = new BrokerRegistration(brokerId, advertised, config.rack(), System.currentTimeMillis());
        brokerRegistry.register(registration);
        zk.curator().getConnectionStateListenable().addListener((client, state) -> {
            if (state == ConnectionState.LOST) {
                log.warn("ZooKeeper session lost; broker {} stops acting as leader until it is registered again", brokerId);
                replicaManager.setFenced(true);
            } else if (state == ConnectionState.RECONNECTED && !closed) {
                try {
                    brokerRegistry.register(registration);
                    replicaManager.setFenced(false);
                } catch (Exception e) {
                    log.error("Could not register broker {} again after reconnecting to ZooKeeper", brokerId, e);
                }
            }
        });
        cache.await(img -> img.brokers().containsKey(brokerId)).get(30, TimeUnit.SECONDS);
        startupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        log.debug("Startup phases (cumulative ms): {}, registered={}", phases, startupMs);
        log.info("Gregor broker {} ready on {} (cluster {}, ZooKeeper {}) in {} ms", brokerId, uris(advertised), clusterId,
            embeddedZk != null ? "embedded at " + zkConnect : zkConnect, startupMs);
    }

    /**
     * Refuses to start (see {@link EmptyLogCheck}) when the loaded logs lack the records of
     * partitions that had them on this broker alone, unless {@code accept.empty.logs} is set;
     * runs before the replica manager, which would create those logs empty, sees any image.
     *
     * @param newDir whether a log dir has no meta.properties yet (this broker never used it)
     */
    private void checkNoRecordsLost(MetadataImage image, Optional<Map<Uuid, Set<Integer>>> recordedLogEnds, boolean newDir) {
        boolean assumed = recordedLogEnds.isEmpty() && newDir;
        Map<Uuid, Set<Integer>> hadRecords = recordedLogEnds.orElseGet(
            () -> assumed ? EmptyLogCheck.soleReplicas(config.brokerId(), image) : Map.of());
        List<TopicPartition> lost = EmptyLogCheck.lostPartitions(config.brokerId(), image, hadRecords, logEndOffsets());
        if (lost.isEmpty()) {
            return;
        }
        boolean accept = config.booleanValue(BrokerConfig.ACCEPT_EMPTY_LOGS);
        for (TopicPartition tp : lost) {
            if (accept) {
                log.warn("Partition {} had records on this broker alone, which its log dirs do not hold; it starts again empty "
                    + "(accept.empty.logs)", tp);
            } else {
                log.error("Partition {} had records on this broker alone, which its log dirs do not hold", tp);
            }
        }
        if (!accept) {
            throw new IllegalStateException(EmptyLogCheck.refusal(config.brokerId(), config.logDirs(), lost, assumed));
        }
    }

    private Map<TopicPartition, Long> logEndOffsets() {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (Log l : logManager.allLogs()) {
            out.put(l.topicPartition(), l.logEndOffset());
        }
        return out;
    }

    private LogConfig topicLogConfig(ConfigDescriber describer, String topic) {
        MetadataImage image = cache.image();
        return describer.logConfig(image.topic(topic), image.brokerConfigs());
    }

    /** The replica fetchers' settings ({@code replica.fetch.*}). */
    static FetcherConfig fetcherConfig(BrokerConfig config) {
        return new FetcherConfig(config.intValue(BrokerConfig.REPLICA_FETCH_MAX_BYTES),
            config.intValue(BrokerConfig.REPLICA_FETCH_RESPONSE_MAX_BYTES),
            config.intValue(BrokerConfig.REPLICA_FETCH_WAIT_MAX_MS),
            config.intValue(BrokerConfig.REPLICA_FETCH_MIN_BYTES),
            config.intValue(BrokerConfig.REPLICA_FETCH_BACKOFF_MS),
            config.intValue(BrokerConfig.REPLICA_SOCKET_TIMEOUT_MS),
            config.intValue(BrokerConfig.NUM_REPLICA_FETCHERS),
            config.listeners().get(0).listenerName());
    }

    private GroupConfig groupConfig() {
        return new GroupConfig(config.intValue(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS),
            config.intValue(BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS),
            config.intValue(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS),
            config.intValue(BrokerConfig.GROUP_MAX_SIZE),
            config.intValue(BrokerConfig.OFFSET_METADATA_MAX_BYTES),
            config.intValue(BrokerConfig.OFFSETS_RETENTION_MINUTES) * 60_000L,
            config.longValue(BrokerConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS));
    }

    /** The log manager's settings ({@code log.*}, {@code log.cleaner.*}). */
    static LogManager.Config logManagerConfig(BrokerConfig config) {
        return new LogManager.Config(config.logDirs(),
            config.intValue(BrokerConfig.NUM_RECOVERY_THREADS),
            config.longValue(BrokerConfig.LOG_RETENTION_CHECK_INTERVAL_MS),
            config.longValue(BrokerConfig.LOG_FLUSH_SCHEDULER_INTERVAL_MS),
            config.intValue(BrokerConfig.LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS),
            config.intValue(BrokerConfig.PRODUCER_ID_EXPIRATION_MS),
            config.intValue(BrokerConfig.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS),
            config.longValue(BrokerConfig.LOG_INITIAL_TASK_DELAY_MS),
            new CleanerConfig(config.intValue(BrokerConfig.LOG_CLEANER_THREADS),
                config.longValue(BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE),
                config.intValue(BrokerConfig.LOG_CLEANER_IO_BUFFER_SIZE),
                (Double) config.value(BrokerConfig.LOG_CLEANER_IO_MAX_BYTES_PER_SECOND),
                config.longValue(BrokerConfig.LOG_CLEANER_BACKOFF_MS),
                config.booleanValue(BrokerConfig.LOG_CLEANER_ENABLE)));
    }

    private static String uris(List<Endpoint> endpoints) {
        List<String> out = new ArrayList<>();
        for (Endpoint e : endpoints) {
            out.add(e.uri());
        }
        return String.join(",", out);
    }

    public BrokerConfig config() {
        return config;
    }

    public int brokerId() {
        return config.brokerId();
    }

    public String clusterId() {
        return clusterId;
    }

    /** The advertised endpoints with their bound ports. */
    public List<Endpoint> endpoints() {
        return advertised;
    }

    /** {@code host:port} of the first listener, for clients' bootstrap.servers. */
    public String bootstrapServers() {
        Endpoint e = advertised.get(0);
        return e.host() + ":" + e.port();
    }

    public long startupMs() {
        return startupMs;
    }

    /**
     * Controlled shutdown: once deregistered, the controller (on another broker) moves leadership
     * of this broker's partitions to other in-sync replicas; wait for that, so that clients switch
     * over without errors and no acknowledged write is left only here. Partitions with no other
     * live in-sync replica cannot move, so they are not waited for.
     */
    private void maybeAwaitLeadershipMoved(long startNanos) {
        if (replicaManager == null || !config.booleanValue(BrokerConfig.CONTROLLED_SHUTDOWN_ENABLE) || cache == null) {
            return;
        }
        long deadline = startNanos + TimeUnit.SECONDS.toNanos(30);
        while (replicaManager.leadsPartitionsOthersCanTake(cache.image()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (replicaManager.leadsPartitionsOthersCanTake(cache.image())) {
            log.warn("Broker {} still leads partitions after 30 s of controlled shutdown; stopping anyway", config.brokerId());
        } else {
            log.info("Broker {} handed over leadership of its partitions", config.brokerId());
        }
    }

    public String zookeeperConnect() {
        return embeddedZk != null ? embeddedZk.connectString() : config.zookeeperConnect();
    }

    public MetadataView metadata() {
        return cache;
    }

    public LogManager logManager() {
        return logManager;
    }

    /** Shuts down cleanly: stops serving, leaves the cluster, flushes and closes the logs. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        if (network != null) {
            network.stopAccepting();
        }
        // Resign as controller before leaving the cluster: a controller that sees its own broker
        // go away starts moving leadership off it, half of which is then cut short by the shutdown.
        if (controller != null) {
            controller.close();
        }
        if (brokerRegistry != null) {
            brokerRegistry.deregister(config.brokerId());
            maybeAwaitLeadershipMoved(t0);
        }
        if (logEndsRecorder != null && startupMs > 0) {
            logEndsRecorder.maybeRecordQuietly();
        }
        if (replicaManager != null) {
            replicaManager.shutdown();
        }
        if (network != null) {
            network.close();
        }
        if (coordinatorElections != null) {
            coordinatorElections.close();
        }
        if (groupCoordinator != null) {
            groupCoordinator.close();
        }
        if (logManager != null) {
            try {
                logManager.close();
            } catch (IOException e) {
                log.error("Error closing the logs; the next start will recover them", e);
            }
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log.warn("Error during shutdown: {}", e.toString());
            }
        }
        if (cache != null) {
            cache.close();
        }
        if (zk != null) {
            zk.close();
        }
        if (embeddedZk != null) {
            embeddedZk.close();
        }
        if (startupMs > 0) {
            log.info("Gregor broker {} shut down in {} ms", config.brokerId(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }
}
