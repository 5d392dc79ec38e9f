package io.gregor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The broker's logging set up in code: Kafka's layout on stdout, levels from system properties. */
class LogbackConfiguratorTest {
    private static final String[] PROPERTIES = {"gregor.log.level", "gregor.libs.log.level", "gregor.log.target"};

    @AfterEach
    void clearProperties() {
        for (String property : PROPERTIES) {
            System.clearProperty(property);
        }
    }

    @Test
    void shouldLogInKafkaLayoutToStdoutByDefault() {
        LoggerContext context = new LoggerContext();

        LogbackConfigurator.apply(context);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("CONSOLE");
        assertThat(console.isStarted()).isTrue();
        assertThat(console.getTarget()).isEqualTo("System.out");
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern()).isEqualTo(LogbackConfigurator.PATTERN);
        for (String library : new String[] {"org.apache.zookeeper", "org.apache.curator", "io.netty", "org.apache.kafka"}) {
            assertThat(context.getLogger(library).getLevel()).as(library).isEqualTo(Level.WARN);
        }
        assertThat(context.getLogger("io.gregor.server").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void shouldTakeLevelsAndTargetFromSystemProperties() {
        Map.of("gregor.log.level", "DEBUG", "gregor.libs.log.level", "OFF", "gregor.log.target", "System.err")
            .forEach(System::setProperty);
        LoggerContext context = new LoggerContext();

        LogbackConfigurator.apply(context);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
        assertThat(((ConsoleAppender<ILoggingEvent>) root.getAppender("CONSOLE")).getTarget()).isEqualTo("System.err");
        assertThat(context.getLogger("org.apache.zookeeper.server").getEffectiveLevel()).isEqualTo(Level.OFF);
    }

    @Test
    void shouldStepAsideForAConfigurationFileOfYourOwn() {
        // The test class path has a logback-test.xml, as a test suite using Gregor's jars would.
        assertThat(new LogbackConfigurator().configure(new LoggerContext())).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
}
