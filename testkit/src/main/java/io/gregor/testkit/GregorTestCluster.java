package io.gregor.testkit;

import io.gregor.common.Threads;
import io.gregor.metadata.EmbeddedZooKeeper;
import io.gregor.metadata.MetadataImage;
import io.gregor.server.Broker;
import io.gregor.server.BrokerConfig;
import io.gregor.testkit.internal.BrokerConfigs;
import io.gregor.testkit.internal.Readiness;
import io.gregor.testkit.internal.TempDirs;
import io.gregor.testkit.internal.Warmup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Gregor cluster for tests: an embedded ZooKeeper and {@code brokers} brokers
 * (ids 0, 1, ...), all on free loopback ports, in one fresh temporary directory.
 *
 * <p>Every method that changes the cluster returns only when the change is visible to clients:
 * {@link #start} when every broker sees every other one, a controller is elected and the
 * requested topics have leaders; {@link #createTopic} when every running broker knows the topic
 * and its partitions have leaders; {@link #stopBroker} when the remaining brokers have taken note
 * and moved leadership; {@link #startBroker} when the restarted broker has caught up and is back
 * in the in-sync replicas. {@link #close} stops the brokers and ZooKeeper (their threads end) and
 * deletes the directory.
 *
 * <p>Topics the testkit creates, and the internal ones, have one replica per broker, at most 3
 * ({@link BrokerConfigs#replicationFactor}); {@link #createTopic(NewTopic)} takes any other
 * replication factor up to the number of brokers.
 *
 * <p>Thread-safe: the methods are synchronized.
 */
public final class GregorTestCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GregorTestCluster.class);
    private static final long READY_TIMEOUT_MS = 30_000;

    private final ClusterSpec spec;
    private final Path dir;
    private final SortedMap<Integer, Node> nodes = new TreeMap<>();
    private EmbeddedZooKeeper zookeeper;
    private Admin admin;
    private long startupMillis;
    private boolean closed;

    /** One broker slot: its id, directory and port stay the same across stops and starts. */
    private static final class Node {
        final int id;
        final Path logDir;
        int port;
        Broker broker;

        Node(int id, Path logDir) {
            this.id = id;
            this.logDir = logDir;
        }
    }

    private GregorTestCluster(ClusterSpec spec, Path dir) {
        this.spec = spec;
        this.dir = dir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a cluster and returns when it is ready.
     *
     * @throws IllegalStateException if it could not start; whatever had started is stopped and
     *                               the directory deleted
     */
    public static GregorTestCluster start(ClusterSpec spec) {
        Warmup warmup = Warmup.maybeStart();
        try {
            return startCluster(spec);
        } finally {
            warmup.join();
        }
    }

    private static GregorTestCluster startCluster(ClusterSpec spec) {
        Path dir;
        try {
            dir = spec.baseDir() == null ? Files.createTempDirectory("gregor-testkit-")
                : Files.createTempDirectory(Files.createDirectories(spec.baseDir()), "gregor-testkit-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the test cluster's directory", e);
        }
        GregorTestCluster cluster = new GregorTestCluster(spec, dir);
        try {
            cluster.startup();
            return cluster;
        } catch (RuntimeException | Error e) {
            closeQuietly(cluster, e);
            throw e;
        } catch (Exception e) {
            closeQuietly(cluster, e);
            throw new IllegalStateException("The Gregor test cluster did not start: " + e, e);
        }
    }

    private static void closeQuietly(GregorTestCluster cluster, Throwable cause) {
        try {
            cluster.close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private synchronized void startup() throws Exception {
        long t0 = System.nanoTime();
        zookeeper = EmbeddedZooKeeper.start(dir.resolve("zookeeper").toFile(), "127.0.0.1", 0);
        for (int id = 0; id < spec.brokers(); id++) {
            nodes.put(id, new Node(id, dir.resolve("broker-" + id)));
        }
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (Node node : nodes.values()) {
            if (nodes.size() == 1) {
                startNode(node);
            } else {
                // Brokers start independently; in parallel, N brokers take about as long as one.
                starts.add(CompletableFuture.runAsync(() -> startNodeUnchecked(node),
                    r -> Threads.daemon("gregor-testkit-start-" + node.id, r).start()));
            }
        }
        joinAll(starts);
        awaitSettled("start");
        if (!spec.topics().isEmpty()) {
            createTopics(spec.topics(), spec.partitions(), Map.of());
        }
        startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        log.info("Gregor test cluster of {} broker(s) ready at {} in {} ms", spec.brokers(), bootstrapServers(), startupMillis);
    }

    /** Waits for all (so that none is still starting when a failure closes the cluster), then throws the first failure. */
    private static void joinAll(List<CompletableFuture<Void>> futures) throws Exception {
        Exception first = null;
        for (CompletableFuture<Void> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                Exception cause = e.getCause() instanceof Exception c ? c : e;
                if (first == null) {
                    first = cause;
                } else {
                    first.addSuppressed(cause);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void startNodeUnchecked(Node node) {
        try {
            startNode(node);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Broker " + node.id + " did not start: " + e, e);
        }
    }

    private void startNode(Node node) throws Exception {
        Map<String, String> config = BrokerConfigs.forBroker(node.id, node.port, node.logDir, zookeeper.connectString(),
            spec.brokers(), spec.partitions(), spec.brokerProperties());
        Broker broker = Broker.start(BrokerConfig.from(config));
        node.broker = broker;
        node.port = broker.endpoints().get(0).port();
    }

    /** The spec this cluster was started from. */
    public ClusterSpec spec() {
        return spec;
    }

    /**
     * {@code host:port} of every broker, stopped ones included, for clients'
     * {@code bootstrap.servers}: the value stays valid across {@link #stopBroker}/{@link #startBroker}.
     */
    public synchronized String bootstrapServers() {
        List<String> out = new ArrayList<>();
        for (Node node : nodes.values()) {
            out.add("127.0.0.1:" + node.port);
        }
        return String.join(",", out);
    }

    /** The ids of all brokers, running or stopped. */
    public synchronized Set<Integer> brokerIds() {
        return Set.copyOf(nodes.keySet());
    }

    public synchronized boolean isRunning(int brokerId) {
        return node(brokerId).broker != null;
    }

    /** The running broker with this id, for tests that need to look inside. */
    public synchronized Broker broker(int brokerId) {
        Node node = node(brokerId);
        if (node.broker == null) {
            throw new IllegalStateException("Broker " + brokerId + " is stopped");
        }
        return node.broker;
    }

    /** How long {@link #start} took, topics included. */
    public synchronized long startupMillis() {
        return startupMillis;
    }

    /** An admin client of this cluster, closed with it. */
    public synchronized Admin admin() {
        checkOpen();
        if (admin == null) {
            admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "gregor-testkit-admin"));
        }
        return admin;
    }

    /** Creates a topic with the cluster's default number of partitions. */
    public void createTopic(String name) {
        createTopic(name, spec.partitions());
    }

    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a topic with these topic configs and one replica per broker (at most 3), and
     * returns when every running broker knows it and its partitions have leaders.
     *
     * @throws org.apache.kafka.common.errors.TopicExistsException if it exists
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        createTopics(List.of(name), partitions, configs);
    }

    /**
     * Creates a topic exactly as described (replication factor or replica assignment included;
     * unset partitions or replication factor take the brokers' defaults) and returns when every
     * running broker knows it and its partitions have leaders.
     *
     * <pre>
     * cluster.createTopic(new NewTopic("payments", 3, (short) 3).configs(Map.of("min.insync.replicas", "2")));
     * </pre>
     *
     * @throws org.apache.kafka.common.errors.TopicExistsException if it exists
     * @throws org.apache.kafka.common.errors.InvalidReplicationFactorException if it asks for more replicas than there are brokers
     */
    public synchronized void createTopic(NewTopic topic) {
        create(List.of(topic));
    }

    /** Creates topics with the cluster's default number of partitions. */
    public void createTopics(String... names) {
        createTopics(List.of(names), spec.partitions(), Map.of());
    }

    private synchronized void createTopics(Collection<String> names, int partitions, Map<String, String> configs) {
        short replicationFactor = (short) BrokerConfigs.replicationFactor(spec.brokers());
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, replicationFactor).configs(configs));
        }
        create(topics);
    }

    private void create(List<NewTopic> topics) {
        checkOpen();
        List<String> names = topics.stream().map(NewTopic::name).toList();
        try {
            admin().createTopics(topics).all().get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException("Could not create topics " + names + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + names, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Topics " + names + " were not created within " + READY_TIMEOUT_MS + " ms", e);
        }
        awaitOnRunning(Readiness.topicsExist(names).and(Readiness.settled(runningIds())), "create topics " + names);
    }

    /**
     * Stops a broker cleanly (as on SIGTERM) and returns when the others have seen it leave, a
     * controller is running and the partitions it led have new leaders: its controlled shutdown
     * hands leadership to other in-sync replicas. Partitions without another replica have no
     * leader until it is started again.
     */
    public synchronized void stopBroker(int brokerId) {
        checkOpen();
        Node node = node(brokerId);
        if (node.broker == null) {
            throw new IllegalStateException("Broker " + brokerId + " is already stopped");
        }
        if (admin != null && runningIds().size() == 1) {
            // The admin client would otherwise retry the vanished cluster in the background.
            closeAdmin();
        }
        node.broker.close();
        node.broker = null;
        if (!runningIds().isEmpty()) {
            awaitSettled("stop broker " + brokerId);
        }
    }

    /**
     * Starts a stopped broker on its earlier port and directory, and returns when every running
     * broker sees it, its partitions have leaders again and it has caught up with their leaders
     * (it is back in every in-sync replica set it belongs to), so that a test can stop another
     * broker next.
     */
    public synchronized void startBroker(int brokerId) {
        checkOpen();
        Node node = node(brokerId);
        if (node.broker != null) {
            throw new IllegalStateException("Broker " + brokerId + " is already running");
        }
        startNodeUnchecked(node);
        awaitOnRunning(Readiness.settled(runningIds()).and(Readiness.inSync()), "start broker " + brokerId);
    }

    private void awaitSettled(String what) {
        awaitOnRunning(Readiness.settled(runningIds()), what);
    }

    /** Waits until every running broker's metadata satisfies {@code condition}. */
    private void awaitOnRunning(Predicate<MetadataImage> condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        for (Node node : nodes.values()) {
            if (node.broker == null) {
                continue;
            }
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            try {
                node.broker.metadata().await(condition).get(left, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("The Gregor test cluster did not " + what + " within " + READY_TIMEOUT_MS
                    + " ms; broker " + node.id + " sees " + node.broker.metadata().image(), e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("The Gregor test cluster did not " + what + ": " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting to " + what, e);
            }
        }
    }

    private Set<Integer> runningIds() {
        Set<Integer> ids = new TreeSet<>();
        for (Node node : nodes.values()) {
            if (node.broker != null) {
                ids.add(node.id);
            }
        }
        return ids;
    }

    private Node node(int brokerId) {
        Node node = nodes.get(brokerId);
        if (node == null) {
            throw new IllegalArgumentException("No broker " + brokerId + " in this cluster (ids " + nodes.keySet() + ")");
        }
        return node;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The Gregor test cluster is closed");
        }
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    /**
     * Stops every broker and ZooKeeper and deletes the cluster's directory. When it returns, the
     * threads the cluster started have ended. Closing twice does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> errors = new ArrayList<>();
        run(this::closeAdmin, errors);
        for (Node node : nodes.values()) {
            if (node.broker != null) {
                Broker broker = node.broker;
                node.broker = null;
                run(broker::close, errors);
            }
        }
        if (zookeeper != null) {
            run(zookeeper::close, errors);
        }
        run(() -> {
            try {
                TempDirs.deleteRecursively(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not delete " + dir, e);
            }
        }, errors);
        if (!errors.isEmpty()) {
            IllegalStateException e = new IllegalStateException("The Gregor test cluster did not close cleanly", errors.get(0));
            errors.subList(1, errors.size()).forEach(e::addSuppressed);
            throw e;
        }
    }

    private static void run(Runnable step, List<RuntimeException> errors) {
        try {
            step.run();
        } catch (RuntimeException e) {
            errors.add(e);
        }
    }

    @Override
    public String toString() {
        return "GregorTestCluster" + spec + " at " + bootstrapServers();
    }

    /** Builds a {@link ClusterSpec} and starts a cluster from it. */
    public static final class Builder {
        private int brokers = 1;
        private int partitions = 1;
        private final List<String> topics = new ArrayList<>();
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Path baseDir;

        private Builder() {
        }

        public Builder brokers(int brokers) {
            this.brokers = brokers;
            return this;
        }

        /** Partitions of {@link #topics} and of auto-created topics. */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        public Builder topics(String... topics) {
            this.topics.addAll(List.of(topics));
            return this;
        }

        /** A broker config applied over the testkit's defaults. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /** Where to make the cluster's temporary directory (default: the system's). */
        public Builder baseDir(Path baseDir) {
            this.baseDir = baseDir;
            return this;
        }

        public ClusterSpec spec() {
            return new ClusterSpec(brokers, partitions, topics, brokerProperties, baseDir);
        }

        /** Starts the cluster; see {@link GregorTestCluster#start(ClusterSpec)}. */
        public GregorTestCluster start() {
            return GregorTestCluster.start(spec());
        }
    }
}
