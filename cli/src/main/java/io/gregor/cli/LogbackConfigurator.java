package io.gregor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Gregor's logging setup, in code rather than a {@code logback.xml}: parsing XML took about a
 * tenth of a second of every broker start. Found by logback through {@code META-INF/services}.
 *
 * <p>Broker logs ({@code gregor start}) go to stdout in Kafka's layout. System properties, set
 * with {@code GREGOR_JVM_OPTS}: {@code gregor.log.level} (default INFO) for Gregor's loggers,
 * {@code gregor.libs.log.level} (default WARN) for ZooKeeper, Curator, Netty and the Kafka
 * client library, and {@code gregor.log.target} ({@code System.out} or {@code System.err}).
 * Client commands keep stdout for their output: {@link CliLogging} points their logs at stderr
 * and silences the libraries before logback starts.
 *
 * <p>A configuration of your own still wins: with {@code -Dlogback.configurationFile=FILE} (or
 * a {@code logback-test.xml} on the class path, as in tests) this configurator steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "[%d{\"yyyy-MM-dd HH:mm:ss,SSS\"}] %-5level %msg \\(%logger{0}\\)%n";
    private static final String[] LIBRARIES = {"org.apache.zookeeper", "org.apache.curator", "io.netty", "org.apache.kafka"};

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
            || LogbackConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets up {@code context} from the system properties (see the class comment). */
    static void apply(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setTarget(System.getProperty("gregor.log.target", "System.out"));
        console.setEncoder(encoder);
        console.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("gregor.log.level"), Level.INFO));
        root.addAppender(console);
        Level libraries = Level.toLevel(System.getProperty("gregor.libs.log.level"), Level.WARN);
        for (String library : LIBRARIES) {
            context.getLogger(library).setLevel(libraries);
        }
    }
}
