package io.gregor.it;

import io.gregor.server.Broker;
import io.gregor.server.BrokerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs an in-process Gregor broker (with its embedded ZooKeeper) for a test class, on a free
 * port and in a fresh temporary directory that is deleted afterwards.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig("auto.create.topics.enable", "false");
 * }</pre>
 *
 * <p>As a static field the broker lives for the whole class; as an instance field, for one test.
 * Producers and consumers made through {@link #producer} and {@link #consumer} are closed after
 * each test; the {@link #admin()} client lives as long as the broker. {@link #restart()} stops
 * the broker cleanly and starts it again on the same port and directories, so that clients can
 * be tested across a restart.
 */
public final class GregorBrokerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final Map<String, String> overrides;
    private final List<AutoCloseable> testClients = new ArrayList<>();
    private Path dir;
    private int port;
    private Broker broker;
    private Admin admin;
    private boolean perTest;

    private GregorBrokerExtension(Map<String, String> overrides) {
        this.overrides = overrides;
    }

    /** A broker with Gregor's defaults plus these {@code key, value, key, value, ...} configs. */
    public static GregorBrokerExtension withConfig(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected key, value pairs");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            overrides.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new GregorBrokerExtension(overrides);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        startFresh();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (broker == null) {
            perTest = true;
            startFresh();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        closeTestClients();
        if (perTest) {
            shutdown();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        shutdown();
    }

    private void startFresh() throws Exception {
        dir = Files.createTempDirectory("gregor-it-");
        port = FreePorts.pick();
        start();
    }

    private void start() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("zookeeper.embedded.port", "0");
        config.put("zookeeper.embedded.data.dir", dir.resolve("zookeeper").toString());
        config.put("log.dir", dir.resolve("logs").toString());
        config.put("num.network.threads", "2");
        config.putAll(overrides);
        broker = Broker.start(BrokerConfig.from(config));
    }

    /** The broker's log directory ({@code log.dir}), where each partition has its {@code <topic>-<partition>} directory. */
    public Path logDir() {
        return dir.resolve("logs");
    }

    /** Stops the broker cleanly and starts it again on the same port and directories. */
    public void restart() throws Exception {
        broker.close();
        start();
    }

    private void shutdown() throws IOException {
        closeTestClients();
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (broker != null) {
                broker.close();
            }
        } finally {
            admin = null;
            broker = null;
            if (dir != null) {
                TempDirs.deleteRecursively(dir);
                dir = null;
            }
        }
    }

    private void closeTestClients() {
        for (int i = testClients.size() - 1; i >= 0; i--) {
            AutoCloseable client = testClients.get(i);
            try {
                if (client instanceof KafkaProducer<?, ?> producer) {
                    producer.close(Duration.ofSeconds(5));
                } else if (client instanceof KafkaConsumer<?, ?> consumer) {
                    consumer.close(Duration.ofSeconds(5));
                } else {
                    client.close();
                }
            } catch (Exception e) {
                // A client that cannot close cleanly must not hide the test's own outcome.
            }
        }
        testClients.clear();
    }

    public Broker broker() {
        return broker;
    }

    /** The advertised listener, for clients' bootstrap.servers. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Where the broker really listens (which differs when it advertises a proxy). */
    public InetSocketAddress listenerAddress() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The admin client of this broker; closed with the broker. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Clients.admin(bootstrapServers());
        }
        return admin;
    }

    /** Creates a topic with one replica and waits for the broker to confirm it. */
    public void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
    }

    public void createTopic(String name, int partitions) throws Exception {
        createTopic(name, partitions, Map.of());
    }

    /** A String producer with these settings, closed after the test. */
    public KafkaProducer<String, String> producer(Map<String, Object> settings) {
        KafkaProducer<String, String> producer = Clients.producer(bootstrapServers(), settings);
        testClients.add(producer);
        return producer;
    }

    /** A group-less String consumer with these settings, closed after the test. */
    public KafkaConsumer<String, String> consumer(Map<String, Object> settings) {
        KafkaConsumer<String, String> consumer = Clients.consumer(bootstrapServers(), settings);
        testClients.add(consumer);
        return consumer;
    }

    public KafkaConsumer<String, String> consumer() {
        return consumer(Map.of());
    }
}
