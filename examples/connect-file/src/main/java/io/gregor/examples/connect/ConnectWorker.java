package io.gregor.examples.connect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;

/**
 * Starts one Kafka Connect worker in distributed mode, as Apache Kafka's
 * {@code connect-distributed.sh} does ({@link ConnectDistributed}), with settings from the
 * command line over those of the properties file, so that a second worker on the same machine
 * needs no file of its own:
 *
 * <pre>
 * ConnectWorker worker.properties [--override name=value]...
 * </pre>
 *
 * It runs until SIGTERM or Ctrl-C (Connect's own shutdown hook stops the worker cleanly).
 */
public final class ConnectWorker {
    private ConnectWorker() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> config;
        try {
            config = config(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            System.err.println("Usage: ConnectWorker worker.properties [--override name=value]...");
            System.exit(2);
            return;
        }
        Connect<DistributedHerder> connect = new ConnectDistributed().startConnect(config);
        connect.awaitStop();
    }

    /** The worker config: the file's settings, then the overrides in order. */
    static Map<String, String> config(List<String> args) throws IOException {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            throw new IllegalArgumentException("the first argument is the worker properties file");
        }
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args.get(0)))) {
            file.load(in);
        }
        Map<String, String> config = new LinkedHashMap<>();
        file.stringPropertyNames().forEach(name -> config.put(name, file.getProperty(name)));

        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            if (!flag.equals("--override") || rest.isEmpty()) {
                throw new IllegalArgumentException("expected --override name=value, not '" + flag + "'");
            }
            String setting = rest.remove(0);
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--override takes name=value, not '" + setting + "'");
            }
            config.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return config;
    }
}
