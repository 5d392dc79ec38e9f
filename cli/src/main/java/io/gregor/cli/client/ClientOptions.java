package io.gregor.cli.client;

import io.gregor.cli.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Option;

/**
 * How a command reaches the cluster (a picocli mixin shared by every client command), and the
 * factory for its Kafka clients.
 *
 * <p>The bootstrap list comes from, in order: {@code --bootstrap-server}, the
 * {@code GREGOR_BOOTSTRAP} variable, {@code bootstrap.servers} in the client config file
 * ({@code --command-config}, else {@code ~/.gregor/config} if it exists), then
 * {@code localhost:9092}. The config file's other entries are passed to the Kafka clients, like
 * Kafka tools' {@code --command-config}; the timeout flag wins over timeouts set there, so that
 * one flag bounds how long any command can wait.
 */
public final class ClientOptions {
    public static final String BOOTSTRAP_VARIABLE = "GREGOR_BOOTSTRAP";
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    static final String CLIENT_ID = "gregor-cli";

    private final Environment env;

    @Option(names = "--bootstrap-server", paramLabel = "host:port", order = 100,
        description = "Broker(s) to connect to, comma-separated. Default: $GREGOR_BOOTSTRAP, then bootstrap.servers "
            + "in the client config file, then " + DEFAULT_BOOTSTRAP + ".")
    String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "file", order = 101,
        description = "Kafka client properties file (default: ~/.gregor/config if it exists).")
    Path commandConfig;

    @Option(names = "--request-timeout-ms", paramLabel = "ms", defaultValue = "10000", order = 102,
        description = "How long to wait for the cluster before giving up (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    private Properties fileProperties;
    private Bootstrap bootstrap;

    public ClientOptions(Environment env) {
        this.env = env;
    }

    /** Replaces the bootstrap list, for the ZooKeeper compatibility path that discovers it. */
    public void useDiscovered(Bootstrap discovered) {
        this.bootstrap = discovered;
    }

    public boolean bootstrapServerGiven() {
        return bootstrapServer != null;
    }

    public int timeoutMs() {
        if (timeoutMs <= 0) {
            throw new CommandException("invalid value for --request-timeout-ms: " + timeoutMs + " (must be positive)");
        }
        return timeoutMs;
    }

    public Bootstrap bootstrap() {
        if (bootstrap == null) {
            bootstrap = resolveBootstrap();
        }
        return bootstrap;
    }

    private Bootstrap resolveBootstrap() {
        if (bootstrapServer != null) {
            return Bootstrap.parse(bootstrapServer, "--bootstrap-server");
        }
        String fromEnv = env.variable(BOOTSTRAP_VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Bootstrap.parse(fromEnv, BOOTSTRAP_VARIABLE);
        }
        String fromFile = fileProperties().getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (fromFile != null && !fromFile.isBlank()) {
            return Bootstrap.parse(fromFile, "bootstrap.servers in " + configFile());
        }
        return Bootstrap.parse(DEFAULT_BOOTSTRAP, "the default; set --bootstrap-server or " + BOOTSTRAP_VARIABLE);
    }

    private Path configFile() {
        return commandConfig != null ? commandConfig : env.home().resolve(".gregor").resolve("config");
    }

    private Properties fileProperties() {
        if (fileProperties == null) {
            fileProperties = new Properties();
            Path file = configFile();
            if (commandConfig != null && !Files.isRegularFile(file)) {
                throw new CommandException("--command-config file '" + file + "' does not exist");
            }
            if (Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    fileProperties.load(in);
                } catch (IOException | IllegalArgumentException e) {
                    throw new CommandException("cannot read client config file '" + file + "': " + e.getMessage());
                }
            }
        }
        return fileProperties;
    }

    /** Checks the bootstrap address accepts connections, so that an absent broker fails fast and clearly. */
    public void requireReachable() {
        Reachability.requireBroker(bootstrap(), timeoutMs());
    }

    private Map<String, Object> common() {
        Map<String, Object> props = new HashMap<>();
        fileProperties().forEach((k, v) -> props.put(k.toString(), v));
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap().joined());
        props.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, CLIENT_ID);
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs());
        props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs());
        return props;
    }

    /** An admin client for a reachable cluster. */
    public Admin admin() {
        requireReachable();
        Map<String, Object> props = common();
        props.put(AdminClientConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        return create(() -> Admin.create(props));
    }

    /** A byte-array producer for a reachable cluster; {@code overrides} win over everything. */
    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        requireReachable();
        Map<String, Object> props = common();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs());
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        Object linger = overrides.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, props.get(ProducerConfig.LINGER_MS_CONFIG));
        long lingerMs = 5;
        try {
            lingerMs = linger == null ? lingerMs : Long.parseLong(linger.toString().trim());
        } catch (NumberFormatException e) {
            // The producer's own config check reports the bad value.
        }
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, 2L * timeoutMs() + lingerMs));
        props.putAll(overrides);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return create(() -> new KafkaProducer<>(props));
    }

    /** A byte-array consumer for a reachable cluster; {@code overrides} win over everything. */
    public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
        requireReachable();
        Map<String, Object> props = common();
        props.putAll(overrides);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return create(() -> new KafkaConsumer<>(props));
    }

    /** Client constructors reject bad settings with a KafkaException wrapping the real reason. */
    private static <T> T create(java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CommandException("invalid client configuration: " + Failures.oneLine(cause.getMessage()), e);
        }
    }
}
