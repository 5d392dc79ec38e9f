package io.gregor.testkit.internal;

import io.gregor.common.Threads;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loads and initialises, on a second thread, classes that the first cluster of a JVM needs
 * later, while the first thread starts ZooKeeper: class loading dominates a cold start, and
 * most of it does not depend on ZooKeeper being up. The biggest items are ZooKeeper's client
 * TLS defaults (its {@code X509Util} reads the JDK's trust store even for plaintext
 * connections), the Kafka protocol's message schemas and the admin client's configs.
 *
 * <p>Only the first cluster of a JVM runs it; {@link #join} waits for it, so no thread outlives
 * the start. {@code -Dgregor.testkit.warmup=false} turns it off (to measure what it saves).
 */
public final class Warmup {
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    static final List<String> CLASSES = List.of(
        "org.apache.zookeeper.common.X509Util",
        "org.apache.zookeeper.ZooKeeper",
        "org.apache.curator.framework.imps.CuratorFrameworkImpl",
        "org.apache.kafka.common.protocol.ApiKeys",
        "org.apache.kafka.common.requests.AbstractRequest",
        "org.apache.kafka.common.record.internal.MemoryRecords",
        "io.gregor.server.BrokerConfig",
        "io.netty.channel.MultiThreadIoEventLoopGroup",
        "io.netty.channel.nio.NioIoHandler",
        "io.netty.buffer.PooledByteBufAllocator",
        "org.apache.kafka.clients.admin.AdminClientConfig",
        "org.apache.kafka.clients.admin.KafkaAdminClient",
        "org.apache.kafka.clients.NetworkClient");

    private final Thread thread;

    private Warmup(Thread thread) {
        this.thread = thread;
    }

    /** Starts warming up if this is the JVM's first cluster; otherwise does nothing. */
    public static Warmup maybeStart() {
        if (!Boolean.parseBoolean(System.getProperty("gregor.testkit.warmup", "true")) || !STARTED.compareAndSet(false, true)) {
            return new Warmup(null);
        }
        ClassLoader loader = Warmup.class.getClassLoader();
        Thread thread = Threads.daemon("gregor-testkit-warmup", () -> {
            for (String name : CLASSES) {
                try {
                    Class.forName(name, true, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // Only a head start: whatever fails here is loaded, or reported, where it is used.
                }
            }
        });
        thread.start();
        return new Warmup(thread);
    }

    /** Waits for the warm-up to finish (it is short; the cluster start needs it done anyway). */
    public void join() {
        if (thread == null) {
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
