package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Gregor cluster of separate processes, started as a user starts one: a standalone ZooKeeper
 * ({@code bin/gregor zookeeper} with a generated properties file) and N brokers
 * ({@code bin/gregor start}), all on free loopback ports, in a fresh temporary directory.
 *
 * <pre>{@code
 * @RegisterExtension
 * final ProcessCluster cluster = ProcessCluster.withBrokers(3).config("min.insync.replicas", "2");
 * }</pre>
 *
 * <p>As an instance field the cluster lives for one test, as a static field for the class. Brokers
 * can be killed, frozen and restarted through {@link #broker(int)}; at the end every process still
 * running is killed, and the directory is deleted unless the test failed (its path and the tail of
 * every broker's output are printed then) or {@code -Dgregor.it.keep=true} asks to keep it.
 *
 * <p>Timing defaults suit tests: a broker's death is noticed when its ZooKeeper session expires
 * ({@code zookeeper.session.timeout.ms=6000}, the ZooKeeper server's minimum with tickTime 2000 is
 * 4000), and a follower leaves the ISR after {@code replica.lag.time.max.ms=6000}.
 */
final class ProcessCluster implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final int brokerCount;
    private final Map<String, String> config = new LinkedHashMap<>();
    private final List<ClusterBroker> brokers = new ArrayList<>();
    private Path dir;
    private GregorProcess zookeeper;
    private int zookeeperPort;
    private Admin admin;
    private ZkView zkView;
    private boolean perTest;
    private boolean started;
    private boolean failed;

    private ProcessCluster(int brokerCount) {
        this.brokerCount = brokerCount;
        config.put("zookeeper.session.timeout.ms", "6000");
        config.put("replica.lag.time.max.ms", "6000");
        config.put("offsets.topic.replication.factor", Integer.toString(Math.min(3, brokerCount)));
        config.put("offsets.topic.num.partitions", "3");
        config.put("group.initial.rebalance.delay.ms", "0");
        // Brokers write their high watermarks to replication-offset-checkpoint every second.
        config.put("log.flush.offset.checkpoint.interval.ms", "1000");
        config.put("num.network.threads", "2");
    }

    static ProcessCluster withBrokers(int count) {
        return new ProcessCluster(count);
    }

    /** A broker config for every broker, overriding the defaults above. */
    ProcessCluster config(String key, String value) {
        config.put(key, value);
        return this;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!started) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (context.getExecutionException().isPresent()) {
            failed = true;
        }
        if (perTest) {
            shutdown(context);
        } else if (context.getExecutionException().isPresent()) {
            printOutputs(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (!perTest) {
            shutdown(context);
        }
    }

    private void start() throws Exception {
        started = true;
        dir = Files.createTempDirectory("gregor-cluster-");
        zookeeperPort = FreePorts.pick();
        Path zkConfig = dir.resolve("zookeeper.properties");
        Files.writeString(zkConfig, String.join("\n",
            "dataDir=" + dir.resolve("zookeeper-data"),
            "clientPort=" + zookeeperPort,
            "clientPortAddress=127.0.0.1",
            "maxClientCnxns=0",
            "admin.enableServer=false",
            "tickTime=2000",
            ""));
        zookeeper = GregorProcess.launch(dir, "zookeeper.log", List.of("zookeeper", zkConfig.toString()));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .failFast(() -> assertThat(zookeeper.isAlive()).as(() -> "ZooKeeper exited:\n" + zookeeper.output()).isTrue())
            .until(() -> accepts(zookeeperPort));
        for (int id = 0; id < brokerCount; id++) {
            int port = FreePorts.pick();
            List<String> overrides = new ArrayList<>();
            overrides.add("broker.id=" + id);
            overrides.add("listeners=PLAINTEXT://127.0.0.1:" + port);
            overrides.add("zookeeper.connect=127.0.0.1:" + zookeeperPort);
            config.forEach((k, v) -> overrides.add(k + "=" + v));
            brokers.add(new ClusterBroker(id, port, dir.resolve("broker-" + id), overrides));
        }
        for (ClusterBroker b : brokers) {
            b.launch();
        }
        for (ClusterBroker b : brokers) {
            b.awaitReady();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> admin().describeCluster().nodes().get().size() == brokerCount
            && controllerId() >= 0);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void shutdown(ExtensionContext context) throws Exception {
        failed |= context.getExecutionException().isPresent();
        try {
            if (zkView != null) {
                zkView.close();
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
            for (ClusterBroker b : brokers) {
                b.close();
            }
            if (zookeeper != null) {
                zookeeper.close();
            }
            if (failed && perTest) {
                printOutputs(context);
            }
        } finally {
            zkView = null;
            admin = null;
            zookeeper = null;
            brokers.clear();
            started = false;
            if (dir != null && !failed && !Boolean.getBoolean("gregor.it.keep")) {
                TempDirs.deleteRecursively(dir);
            } else if (dir != null) {
                System.out.printf("Cluster directory kept: %s%n", dir);
            }
            failed = false;
            dir = null;
        }
    }

    private void printOutputs(ExtensionContext context) {
        System.out.printf("%n==== %s failed; cluster directory %s%n", context.getDisplayName(), dir);
        for (ClusterBroker b : brokers) {
            System.out.printf("---- %s, last lines:%n%s%n", b, b.tail());
        }
    }

    // ---------------------------------------------------------------- access

    ClusterBroker broker(int id) {
        return brokers.get(id);
    }

    List<ClusterBroker> brokers() {
        return List.copyOf(brokers);
    }

    /** Every broker's address, for clients' bootstrap.servers. */
    String bootstrapServers() {
        return brokers.stream().map(ClusterBroker::address).collect(Collectors.joining(","));
    }

    String zookeeperConnect() {
        return "127.0.0.1:" + zookeeperPort;
    }

    Path dir() {
        return dir;
    }

    /** An admin client of the whole cluster, closed with it. */
    synchronized Admin admin() {
        if (admin == null) {
            admin = Clients.admin(bootstrapServers());
        }
        return admin;
    }

    /** The cluster's state as it is in ZooKeeper, which a frozen or dead broker cannot delay. */
    synchronized ZkView zookeeperView() {
        if (zkView == null) {
            zkView = ZkView.connect(zookeeperConnect());
        }
        return zkView;
    }

    // ---------------------------------------------------------------- metadata helpers

    /** The controller as the brokers report it (DescribeCluster), or -1 when there is none. */
    int controllerId() throws Exception {
        Node controller = admin().describeCluster().controller().get(15, TimeUnit.SECONDS);
        return controller == null || controller.isEmpty() ? -1 : controller.id();
    }

    /** A partition's leader, replicas and ISR as the brokers' metadata shows them. */
    TopicPartitionInfo partition(TopicPartition tp) throws Exception {
        return admin().describeTopics(List.of(tp.topic())).allTopicNames().get(15, TimeUnit.SECONDS)
            .get(tp.topic()).partitions().get(tp.partition());
    }

    List<TopicPartitionInfo> partitions(String topic) throws Exception {
        return admin().describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic).partitions();
    }

    /** The leader's broker id, -1 without a leader. */
    int leader(TopicPartition tp) throws Exception {
        Node leader = partition(tp).leader();
        return leader == null || leader.isEmpty() ? -1 : leader.id();
    }

    /** Creates a topic and waits until every partition has a leader and all replicas in its ISR. */
    void createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) throws Exception {
        admin().createTopics(List.of(new NewTopic(name, partitions, (short) replicationFactor).configs(configs)))
            .all().get(30, TimeUnit.SECONDS);
        awaitFullIsr(name, Duration.ofSeconds(30));
    }

    /** Waits until every partition of the topic has a leader and all its replicas in the ISR. */
    void awaitFullIsr(String topic, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> partitions(topic).stream().allMatch(ProcessCluster::fullyInSync));
    }

    static boolean fullyInSync(TopicPartitionInfo p) {
        return p.leader() != null && !p.leader().isEmpty() && p.isr().size() == p.replicas().size();
    }

    /** Stops every running broker with SIGTERM, one after the other (each a controlled shutdown). */
    void stopAll() throws InterruptedException {
        for (ClusterBroker b : brokers) {
            if (b.isRunning()) {
                b.stop();
            }
        }
    }
}
