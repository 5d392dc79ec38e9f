package io.gregor.metadata;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ServerCnxn;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache ZooKeeper server running inside the broker's JVM, used when
 * {@code zookeeper.connect} is not set. It is the same server as a standalone one (same jar,
 * same on-disk snapshots and transaction logs), so the broker has exactly one code path for
 * metadata whether ZooKeeper is embedded or external.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    private static final int TICK_TIME_MS = 500;

    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;
    private final FileChannel lock;

    private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory factory, FileChannel lock) {
        this.server = server;
        this.factory = factory;
        this.lock = lock;
    }

    /**
     * Starts a server storing its data in {@code dataDir}, listening on {@code host:port}
     * ({@code port} 0 picks a free port). The server holds a lock on {@code dataDir/.lock} while
     * it runs: two servers writing one transaction log would corrupt it.
     *
     * @throws IllegalStateException when another server holds {@code dataDir}
     */
    public static EmbeddedZooKeeper start(File dataDir, String host, int port) throws IOException, InterruptedException {
        FileChannel lock = lock(dataDir);
        try {
            return start(dataDir, host, port, lock);
        } catch (IOException | InterruptedException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static FileChannel lock(File dataDir) throws IOException {
        Files.createDirectories(dataDir.toPath());
        FileChannel channel = FileChannel.open(new File(dataDir, ".lock").toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        boolean locked;
        try {
            locked = channel.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            locked = false;
        }
        if (!locked) {
            channel.close();
            throw new IllegalStateException("Cannot start the embedded ZooKeeper: its data dir " + dataDir
                + " is in use by another broker (could not lock " + new File(dataDir, ".lock") + ")");
        }
        return channel;
    }

    private static EmbeddedZooKeeper start(File dataDir, String host, int port, FileChannel lock) throws IOException, InterruptedException {
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.jmx.log4j.disable", "true");
        System.setProperty("zookeeper.maxCnxns", System.getProperty("zookeeper.maxCnxns", "10000"));
        // A handful of local clients: one selector and one worker thread are plenty.
        System.setProperty("zookeeper.nio.numSelectorThreads", System.getProperty("zookeeper.nio.numSelectorThreads", "1"));
        System.setProperty("zookeeper.nio.numWorkerThreads", System.getProperty("zookeeper.nio.numWorkerThreads", "1"));
        File snapshots = new File(dataDir, "version-2-snapshots");
        File txnLogs = new File(dataDir, "version-2-log");
        ZooKeeperServer server = new WithoutJmx(snapshots, txnLogs, TICK_TIME_MS);
        // Sessions of 2..60 s; brokers ask for zookeeper.session.timeout.ms within this range.
        server.setMinSessionTimeout(2 * TICK_TIME_MS * 2);
        server.setMaxSessionTimeout(60_000);
        ServerCnxnFactory factory = new ConnectionsWithoutJmx();
        factory.configure(new InetSocketAddress(host, port), 1000);
        factory.startup(server);
        log.info("Embedded ZooKeeper {} serving on {}:{} (data in {})", org.apache.zookeeper.Version.getFullVersion().split(",")[0],
            host, factory.getLocalPort(), dataDir);
        return new EmbeddedZooKeeper(server, factory, lock);
    }

    /**
     * The server without its JMX beans and metric gauges: registering them brought up the JVM's
     * platform MBean server and management beans during every broker start (about 0.1 s on two
     * cores) for an in-process server that nobody manages over JMX, and whose metrics go to
     * ZooKeeper's default provider, which discards them.
     */
    private static final class WithoutJmx extends ZooKeeperServer {
        WithoutJmx(File snapshots, File txnLogs, int tickTime) throws IOException {
            super(snapshots, txnLogs, tickTime);
        }

        @Override
        protected void registerJMX() {
        }

        @Override
        protected void unregisterJMX() {
        }

        @Override
        protected void registerMetrics() {
        }

        @Override
        protected void unregisterMetrics() {
        }
    }

    /** The NIO connection factory without a JMX bean per client connection (see {@link WithoutJmx}). */
    private static final class ConnectionsWithoutJmx extends NIOServerCnxnFactory {
        @Override
        public void registerConnection(ServerCnxn connection) {
        }

        @Override
        public void unregisterConnection(ServerCnxn connection) {
        }
    }

    public int port() {
        return factory.getLocalPort();
    }

    public String connectString() {
        return "127.0.0.1:" + port();
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown(true);
        try {
            lock.close();
        } catch (IOException e) {
            log.warn("Could not release the lock of the embedded ZooKeeper's data dir: {}", e.toString());
        }
    }
}
