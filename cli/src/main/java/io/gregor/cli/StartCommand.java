package io.gregor.cli;

import io.gregor.cli.client.CommandException;
import io.gregor.server.Broker;
import io.gregor.server.BrokerConfig;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gregor start [server.properties] [--override key=value]... [--accept-empty-logs]}: runs a broker in the foreground. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = {"Start a Gregor broker in the foreground; stop it with Ctrl-C or SIGTERM.",
        "Without zookeeper.connect it runs an embedded ZooKeeper, so one command gives a working single-node cluster."})
public final class StartCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(StartCommand.class);

    @Parameters(index = "0", arity = "0..1", paramLabel = "server.properties",
        description = "Broker config file in Kafka's server.properties format (optional; defaults apply without it).")
    File configFile;

    @Option(names = "--override", paramLabel = "key=value", description = "Set a config, overriding the file. Repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--accept-empty-logs", description = {
        "Start even though the log dirs hold no records of partitions that had records on this broker alone (accept.empty.logs=true):"
            + " those records are lost and the partitions start again empty. For one start after a deliberate wipe."})
    boolean acceptEmptyLogs;

    /**
     * The command for {@code args} of the plain form {@code start [file] [--override k=v]... [--accept-empty-logs]},
     * without picocli, whose reflection over the command classes took about 0.15 s of a
     * broker's start; null for anything else (help, unknown or malformed flags), which picocli
     * then parses and reports as usual.
     */
    static StartCommand fromPlainArgs(String[] args) {
        if (args.length == 0 || !args[0].equals("start")) {
            return null;
        }
        StartCommand command = new StartCommand();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--override") && i + 1 < args.length) {
                command.overrides.add(args[++i]);
            } else if (arg.startsWith("--override=")) {
                command.overrides.add(arg.substring("--override=".length()));
            } else if (arg.equals("--accept-empty-logs")) {
                command.acceptEmptyLogs = true;
            } else if (!arg.startsWith("-") && command.configFile == null) {
                command.configFile = new File(arg);
            } else {
                return null;
            }
        }
        return command;
    }

    @Override
    public Integer call() throws Exception {
        BrokerConfig config;
        try {
            Map<String, String> properties = load(configFile, overrides);
            if (acceptEmptyLogs) {
                properties.put(BrokerConfig.ACCEPT_EMPTY_LOGS, "true");
            }
            config = BrokerConfig.from(properties);
        } catch (ConfigException | IllegalArgumentException | IOException e) {
            throw new CommandException("invalid configuration: " + e.getMessage(), e);
        }
        for (String key : config.unknownKeys()) {
            log.warn("Unknown config '{}' is ignored", key);
        }
        for (String key : config.ignoredKeysPresent()) {
            log.info("Config '{}' is accepted for compatibility with Kafka but has no effect in Gregor", key);
        }
        Broker broker;
        try {
            broker = Broker.start(config);
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage(), e);
        }
        maybeMarkClassArchiveUsable();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutting down broker {}", config.brokerId());
            broker.close();
            stopped.countDown();
        }, "gregor-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * {@code bin/gregor} records a class-data-sharing archive when this JVM exits, and uses it
     * for later starts only if this file exists: a start that failed (say, on a port in use) has
     * loaded a fraction of the classes, and its archive would slow every later start.
     */
    private static void maybeMarkClassArchiveUsable() {
        String marker = System.getProperty("gregor.cds.marker");
        if (marker == null) {
            return;
        }
        try {
            Files.writeString(Path.of(marker), "written when the broker was ready; see bin/gregor\n");
        } catch (IOException e) {
            log.debug("Could not write {}: {}", marker, e.toString());
        }
    }

    /** Reads a properties file (if any) and applies {@code key=value} overrides. */
    static Map<String, String> load(File file, List<String> overrides) throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        if (file != null) {
            if (!file.isFile()) {
                throw new IOException("config file " + file + " does not exist");
            }
            Properties p = new Properties();
            try (InputStream in = new FileInputStream(file)) {
                p.load(in);
            }
            for (String key : p.stringPropertyNames()) {
                props.put(key, p.getProperty(key).trim());
            }
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--override expects key=value, got '" + o + "'");
            }
            props.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        return props;
    }
}
