package io.gregor.faults;

import com.fasterxml.jackson.jr.ob.JSON;
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
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.zookeeper.KeeperException;

/**
 * ZooKeeper and N brokers, each a {@link NodeProcess} in its own namespace of the
 * {@link Network}: ZooKeeper at 10.77.0.10:2181, broker {@code i} at 10.77.0.{20+i}:9092 (its
 * advertised listener too). Clients in the root namespace reach them through the bridge. One
 * broker (the last) may keep its log dir on a {@link LogDisk} for the disk-full fault.
 *
 * <p>Roles are read from ZooKeeper (partition states, {@code /controller}, {@code /brokers/ids}),
 * which a frozen or cut-off broker cannot delay; the group coordinator comes from the brokers
 * (FindCoordinator through the admin client). Not thread-safe except where noted: the suite's main
 * thread owns it.
 */
final class Cluster implements AutoCloseable {
    static final String ZK = "zk";
    private static final int BROKER_PORT = 9092;
    private final Network network;
    private final NodeProcess zookeeper;
    private final List<NodeProcess> brokers = new ArrayList<>();
    private final Map<Integer, Path> logDirs = new LinkedHashMap<>();
    private final LogDisk disk;
    private final int diskBroker;
    private Admin admin;
    private CuratorFramework curator;

    private Cluster(Network network, NodeProcess zookeeper, LogDisk disk, int diskBroker) {
        this.network = network;
        this.zookeeper = zookeeper;
        this.disk = disk;
        this.diskBroker = diskBroker;
    }

    /** The name of broker {@code id}'s node and namespace suffix. */
    static String brokerNode(int id) {
        return "b" + id;
    }

    /**
     * Creates the network and the nodes' directories under {@code dir} and starts ZooKeeper and the
     * brokers; returns once every broker is registered and a controller elected.
     */
    static Cluster start(Path dir, Path gregorHome, int brokerCount, Map<String, String> brokerConfig, int diskMb) throws Exception {
        Network network = Network.create();
        Cluster cluster = null;
        try {
            String zkAddress = network.addNode(ZK, 10);
            Path zkDir = Files.createDirectories(dir.resolve(ZK));
            Path zkConfig = zkDir.resolve("zookeeper.properties");
            Files.writeString(zkConfig, String.join("\n",
                "dataDir=" + zkDir.resolve("data"),
                "clientPort=2181",
                "clientPortAddress=" + zkAddress,
                "maxClientCnxns=0",
                "admin.enableServer=false",
                "tickTime=2000",
                ""));
            Map<String, String> env = Map.of("GREGOR_HEAP_OPTS", "-Xms32m -Xmx256m", "GREGOR_NO_REBUILD", "1");
            NodeProcess zk = new NodeProcess(ZK, zkAddress, zkDir, gregorHome,
                List.of("zookeeper", zkConfig.toString()), env, null);
            int diskBroker = diskMb > 0 ? brokerCount - 1 : -1;
            LogDisk disk = diskMb > 0 ? LogDisk.mount(dir.resolve(brokerNode(diskBroker)), brokerNode(diskBroker), diskMb) : null;
            cluster = new Cluster(network, zk, disk, diskBroker);
            zk.launch();
            String zkConnect = zkAddress + ":2181";
            zk.awaitReady(Duration.ofSeconds(60), () -> accepts(zkAddress, 2181));
            for (int id = 0; id < brokerCount; id++) {
                String node = brokerNode(id);
                String address = network.addNode(node, 20 + id);
                Path workDir = dir.resolve(node);
                Path logDir = id == diskBroker ? disk.logDir() : workDir.resolve("logs");
                cluster.logDirs.put(id, logDir);
                Map<String, String> config = new LinkedHashMap<>();
                config.put("broker.id", Integer.toString(id));
                config.put("listeners", "PLAINTEXT://" + address + ":" + BROKER_PORT);
                config.put("zookeeper.connect", zkConnect);
                config.put("log.dirs", logDir.toString());
                config.put("offsets.topic.replication.factor", Integer.toString(Math.min(3, brokerCount)));
                config.put("offsets.topic.num.partitions", "6");
                config.put("group.initial.rebalance.delay.ms", "0");
                config.put("log.flush.offset.checkpoint.interval.ms", "1000");
                config.put("num.network.threads", "2");
                config.put("auto.create.topics.enable", "false");
                config.putAll(brokerConfig);
                List<String> args = new ArrayList<>(List.of("start"));
                config.forEach((k, v) -> {
                    args.add("--override");
                    args.add(k + "=" + v);
                });
                cluster.brokers.add(new NodeProcess(node, address, workDir, gregorHome, args, env, "ready on PLAINTEXT://"));
            }
            cluster.curator = CuratorFrameworkFactory.builder().connectString(zkConnect).sessionTimeoutMs(30_000)
                .connectionTimeoutMs(10_000).retryPolicy(new ExponentialBackoffRetry(200, 5)).build();
            cluster.curator.start();
            for (NodeProcess b : cluster.brokers) {
                b.launch();
            }
            for (NodeProcess b : cluster.brokers) {
                b.awaitReady(Duration.ofSeconds(90), null);
            }
            cluster.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(cluster.registeredBrokers().size() == brokerCount && cluster.controller() >= 0)) {
                if (System.nanoTime() > deadline) {
                    throw new HarnessException("the brokers did not all register with a controller within 60 s");
                }
                Thread.sleep(200);
            }
            return cluster;
        } catch (Exception | Error e) {
            if (cluster != null) {
                cluster.close();
            } else {
                network.close();
            }
            throw e;
        }
    }

    static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Network network() {
        return network;
    }

    NodeProcess zookeeper() {
        return zookeeper;
    }

    NodeProcess broker(int id) {
        return brokers.get(id);
    }

    List<NodeProcess> brokers() {
        return List.copyOf(brokers);
    }

    int brokerCount() {
        return brokers.size();
    }

    /** The broker on the small filesystem, -1 without one. */
    int diskBroker() {
        return diskBroker;
    }

    LogDisk disk() {
        return disk;
    }

    Map<Integer, Path> logDirs() {
        return Map.copyOf(logDirs);
    }

    String bootstrapServers() {
        return brokers.stream().map(b -> b.address() + ":" + BROKER_PORT).collect(Collectors.joining(","));
    }

    Admin admin() {
        return admin;
    }

    void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) Math.min(3, brokers.size())).configs(configs)))
            .all().get(60, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- roles, from ZooKeeper

    /** A partition's state node: leader (-1 for none), leader epoch and ISR. */
    record PartitionState(int leader, int leaderEpoch, List<Integer> isr) {
    }

    PartitionState partitionState(String topic, int partition) throws Exception {
        Map<String, Object> state = JSON.std.mapFrom(curator.getData().forPath("/brokers/topics/" + topic + "/partitions/" + partition + "/state"));
        List<Integer> isr = new ArrayList<>();
        for (Object id : (List<?>) state.get("isr")) {
            isr.add(((Number) id).intValue());
        }
        return new PartitionState(((Number) state.get("leader")).intValue(), ((Number) state.get("leader_epoch")).intValue(), isr);
    }

    /** The replicas of each partition of the topic, from {@code /brokers/topics/<topic>}. */
    Map<Integer, List<Integer>> assignment(String topic) throws Exception {
        Map<String, Object> data = JSON.std.mapFrom(curator.getData().forPath("/brokers/topics/" + topic));
        Map<Integer, List<Integer>> result = new LinkedHashMap<>();
        ((Map<?, ?>) data.get("partitions")).forEach((p, replicas) -> {
            List<Integer> ids = new ArrayList<>();
            for (Object id : (List<?>) replicas) {
                ids.add(((Number) id).intValue());
            }
            result.put(Integer.parseInt(String.valueOf(p)), ids);
        });
        return result;
    }

    /** The broker id in {@code /controller}, -1 when there is none. */
    int controller() throws Exception {
        try {
            return ((Number) JSON.std.mapFrom(curator.getData().forPath("/controller")).get("brokerid")).intValue();
        } catch (KeeperException.NoNodeException e) {
            return -1;
        }
    }

    List<Integer> registeredBrokers() throws Exception {
        try {
            return curator.getChildren().forPath("/brokers/ids").stream().map(Integer::valueOf).sorted().toList();
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    /** The group's coordinator as the brokers answer FindCoordinator; -1 if none answers in time. */
    int coordinator(String group) {
        try {
            Node node = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS).coordinator();
            return node == null || node.isEmpty() ? -1 : node.id();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Whether the cluster is whole again: ZooKeeper answers, every broker runs and is registered,
     * and every partition of the topics has a leader and all its replicas in the ISR.
     */
    boolean healthy(List<String> topics) {
        try {
            if (!zookeeper.isRunning() || brokers.stream().anyMatch(b -> !b.isRunning() || b.isPaused())) {
                return false;
            }
            if (registeredBrokers().size() != brokers.size() || controller() < 0) {
                return false;
            }
            for (String topic : topics) {
                for (Map.Entry<Integer, List<Integer>> p : assignment(topic).entrySet()) {
                    PartitionState s = partitionState(topic, p.getKey());
                    if (s.leader() < 0 || s.isr().size() != p.getValue().size()) {
                        return false;
                    }
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Stops every broker with SIGTERM (SIGKILL after {@code timeout} each), then ZooKeeper. */
    void stopAll(Duration timeout) throws InterruptedException {
        for (NodeProcess b : brokers) {
            b.stop(timeout);
        }
        zookeeper.stop(timeout);
    }

    @Override
    public void close() throws InterruptedException {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        if (curator != null) {
            curator.close();
        }
        for (NodeProcess b : brokers) {
            b.kill();
        }
        zookeeper.kill();
        if (disk != null) {
            disk.unmount();
        }
        network.close();
    }
}
