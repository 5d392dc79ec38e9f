package io.gregor.server;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * {@code meta.properties} in each log directory: which cluster and broker the data belongs to,
 * in Kafka's format (version 0, as Kafka's ZooKeeper-mode brokers write it):
 * <pre>
 * version=0
 * broker.id=0
 * cluster.id=mlobMWc3TKm8xokoLJoBdg
 * </pre>
 * Version 1 files (Kafka's KRaft brokers) name the broker {@code node.id}; they are read too.
 *
 * <p>The first start on a directory writes the file (to a temporary file, fsynced, then renamed
 * over, so that a crash never leaves a torn one), once the broker is sure to start: a start
 * refused for another reason leaves a new directory unclaimed. Every later start checks it: a directory of
 * another cluster or broker is refused with one line naming the directory, both ids and what to
 * do, so that data is never mixed up by a wrong {@code zookeeper.connect}, {@code log.dirs} or
 * {@code broker.id}.
 */
final class MetaProperties {
    static final String FILE = "meta.properties";

    /** The ids a directory's file names. */
    record Ids(String clusterId, int brokerId) {
    }

    private MetaProperties() {
    }

    /**
     * Checks the file of {@code logDir} against this broker; returns false when the directory has
     * none, which the broker then writes with {@link #write} once it is sure to start.
     *
     * @param metadataSource where {@code clusterId} comes from, for the refusal ("ZooKeeper at host:2181")
     * @throws IllegalStateException when the directory belongs to another cluster or broker, or its file is unreadable
     */
    static boolean check(File logDir, String clusterId, int brokerId, String metadataSource) throws IOException {
        File file = new File(logDir, FILE);
        Ids stored = read(logDir);
        if (stored == null) {
            return false;
        }
        if (!stored.clusterId().equals(clusterId)) {
            throw new IllegalStateException("Log dir " + logDir + " belongs to cluster " + stored.clusterId() + " (its " + FILE
                + "), not to cluster " + clusterId + " of " + metadataSource + ": point log.dirs at the dirs of cluster " + clusterId
                + ", or zookeeper.connect (or zookeeper.embedded.data.dir) at the ZooKeeper of cluster " + stored.clusterId()
                + "; remove " + file + " only if the dir's data is to join cluster " + clusterId);
        }
        if (stored.brokerId() != brokerId) {
            throw new IllegalStateException("Log dir " + logDir + " belongs to broker " + stored.brokerId() + " (its " + FILE
                + "), not to broker " + brokerId + " (broker.id): give each broker its own log.dirs, or start this one with broker.id="
                + stored.brokerId() + "; remove " + file + " only if broker " + brokerId + " is to take over the dir's data");
        }
        return true;
    }

    /**
     * The ids in the directory's file; null when it has none.
     *
     * @throws IllegalStateException when the file lacks an id or does not parse
     */
    static Ids read(File logDir) throws IOException {
        File file = new File(logDir, FILE);
        if (!file.exists()) {
            return null;
        }
        Properties props = new Properties();
        try (InputStream in = new FileInputStream(file)) {
            props.load(in);
        }
        String clusterId = props.getProperty("cluster.id");
        String brokerId = props.getProperty("broker.id", props.getProperty("node.id"));
        try {
            if (clusterId != null && !clusterId.isBlank() && brokerId != null) {
                return new Ids(clusterId.trim(), Integer.parseInt(brokerId.trim()));
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new IllegalStateException("Log dir " + logDir + " has a " + FILE + " without a valid cluster.id and broker.id (" + file
            + "): remove it if the dir belongs to this broker, and it is written again at the next start");
    }

    static void write(File logDir, Ids ids) throws IOException {
        Properties props = new Properties();
        props.setProperty("version", "0");
        props.setProperty("broker.id", Integer.toString(ids.brokerId()));
        props.setProperty("cluster.id", ids.clusterId());
        Path target = new File(logDir, FILE).toPath();
        Path temp = new File(logDir, FILE + ".tmp").toPath();
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(channel);
            props.store(out, "Written by Gregor; do not edit");
            out.flush();
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
