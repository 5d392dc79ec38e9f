package io.gregor.cli.testing;

import io.gregor.server.Broker;
import io.gregor.server.BrokerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs one in-process Gregor broker (with embedded ZooKeeper) on free
 * ports for a test class, in fresh temporary directories that are deleted afterwards.
 *
 * <pre>
 * {@literal @}RegisterExtension
 * static final GregorBroker broker = new GregorBroker();
 * </pre>
 */
public final class GregorBroker implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private Path dir;
    private Broker broker;

    /** Sets a broker config before the broker starts. */
    public GregorBroker with(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("gregor-cli-test");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("listeners", "PLAINTEXT://127.0.0.1:0");
        config.put("zookeeper.embedded.port", "0");
        config.put("log.dir", dir.resolve("logs").toString());
        config.put("zookeeper.embedded.data.dir", dir.resolve("zookeeper").toString());
        config.put("num.partitions", "1");
        // Consumer groups start at once: no 3 s wait for more members, one offsets partition instead of 50.
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("offsets.topic.num.partitions", "1");
        config.putAll(overrides);
        broker = Broker.start(BrokerConfig.from(config));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String zookeeperConnect() {
        return broker.zookeeperConnect();
    }

    public int brokerId() {
        return broker.brokerId();
    }

    public String clusterId() {
        return broker.clusterId();
    }

    /** A command line runner pointed at this broker through GREGOR_BOOTSTRAP, with an empty home directory. */
    public Cli cli() {
        return new Cli(Map.of("GREGOR_BOOTSTRAP", bootstrapServers()), dir.resolve("home"));
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
