package io.gregor.examples.wordcount;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the {@link WordCountTopology} until Ctrl-C:
 *
 * <pre>
 * WordCountApp [--bootstrap-server host:port] [--config name=value]...
 * </pre>
 *
 * The bootstrap servers default to {@code $GREGOR_BOOTSTRAP}, then {@code localhost:9092}.
 * {@code --config} sets any Kafka Streams (or client) config, e.g. {@code state.dir},
 * {@code num.stream.threads} or {@code num.standby.replicas}.
 */
public final class WordCountApp {
    public static final String APPLICATION_ID = "gregor-wordcount";

    private WordCountApp() {
    }

    public static void main(String[] args) throws Exception {
        Properties config;
        try {
            config = config(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            System.err.println("Usage: run [--bootstrap-server host:port] [--config name=value]...");
            System.exit(2);
            return;
        }
        String bootstrap = config.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        List<String> missing = missingTopics(bootstrap);
        if (!missing.isEmpty()) {
            System.err.println("Error: the topics " + missing + " do not exist at " + bootstrap + "; create them first, e.g.");
            for (String topic : missing) {
                System.err.println("  bin/gregor topics --create --if-not-exists --topic " + topic + " --partitions 3");
            }
            System.exit(1);
            return;
        }

        KafkaStreams streams = new KafkaStreams(WordCountTopology.build(config), config);
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((newState, oldState) -> {
            System.out.println("Kafka Streams: " + oldState + " -> " + newState);
            if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            System.err.println("Stream thread failed: " + e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(Duration.ofSeconds(10));
            stopped.countDown();
        }, "shutdown"));

        System.out.println("Word count (application.id " + config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + ") against " + bootstrap
            + ": type lines into '" + WordCountTopology.TEXT_LINES + "', read '" + WordCountTopology.WORD_COUNTS + "'. Ctrl-C stops it.");
        streams.start();
        stopped.await();
        if (streams.state() == KafkaStreams.State.ERROR) {
            streams.close(Duration.ofSeconds(10));
            System.exit(1);
        }
    }

    /** The Streams config: the example's defaults under the command line's settings. */
    public static Properties config(String[] args) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        String bootstrap = System.getenv("GREGOR_BOOTSTRAP");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap == null || bootstrap.isBlank() ? "localhost:9092" : bootstrap);
        config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        // Exactly-once needs transactions, which Gregor does not have yet (this is also Kafka
        // Streams' default).
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        // Commit (and so emit the cached counts) every second rather than every 30 s, so that
        // typed words show up at once.
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        // The run script keeps the state stores under target/ (Kafka Streams' default is under
        // /tmp, where the OS may clean them away).
        String stateDir = System.getProperty("wordcount.state.dir");
        if (stateDir != null) {
            config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        }
        // Kafka 5.0's default; setting it silences a warning at every start.
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");

        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            switch (flag) {
                case "--bootstrap-server" -> config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, value(flag, rest));
                case "--config" -> {
                    String setting = value(flag, rest);
                    int eq = setting.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--config takes name=value, not '" + setting + "'");
                    }
                    config.put(setting.substring(0, eq), setting.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument '" + flag + "'");
            }
        }
        return config;
    }

    private static String value(String flag, List<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.remove(0);
    }

    /** Kafka Streams would stop with MissingSourceTopicException; say what to do instead. */
    private static List<String> missingTopics(String bootstrap) throws Exception {
        Map<String, Object> adminConfig = Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(adminConfig)) {
            Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
            return List.of(WordCountTopology.USER_TOPICS).stream().filter(t -> !existing.contains(t)).toList();
        }
    }
}
