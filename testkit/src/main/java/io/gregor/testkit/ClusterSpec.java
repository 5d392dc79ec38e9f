package io.gregor.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What cluster to start: built by {@link GregorTestCluster#builder()} or read from a
 * {@link GregorCluster} annotation. Equal specs describe interchangeable clusters (the Spring
 * integration caches contexts by it).
 *
 * @param brokers          number of brokers, at least 1
 * @param partitions       partitions of {@code topics} and of auto-created topics
 * @param topics           topics to create before the cluster is handed out
 * @param brokerProperties broker configs applied over the testkit's defaults
 * @param baseDir          where the cluster's temporary directory is made; {@code null} for
 *                         the system's temporary directory
 */
public record ClusterSpec(int brokers, int partitions, List<String> topics, Map<String, String> brokerProperties, Path baseDir) {

    public ClusterSpec {
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be at least 1, was " + brokers);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        topics = List.copyOf(topics);
        brokerProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(brokerProperties));
    }

    /** The spec of an annotation; {@code brokerProperties} entries are {@code key=value}. */
    public static ClusterSpec of(GregorCluster annotation) {
        return new ClusterSpec(annotation.brokers(), annotation.partitions(), List.of(annotation.topics()),
            parseProperties(annotation.brokerProperties()), null);
    }

    static Map<String, String> parseProperties(String[] keyValues) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> malformed = new ArrayList<>();
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                malformed.add(kv);
            } else {
                out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        if (!malformed.isEmpty()) {
            throw new IllegalArgumentException("brokerProperties must be key=value, got " + malformed);
        }
        return out;
    }
}
