package io.gregor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.cli.client.CommandException;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The picocli-free parse of plain {@code gregor start} command lines, and what it leaves to picocli. */
class StartCommandTest {

    @Test
    void shouldParsePlainStartArgumentsAsPicocliDoes() {
        String[] args = {"start", "config/server.properties", "--override", "broker.id=1", "--override=log.dirs=/data/a,/data/b",
            "--accept-empty-logs"};

        StartCommand plain = StartCommand.fromPlainArgs(args);
        StartCommand picocli = new StartCommand();
        new CommandLine(picocli).parseArgs(List.of(args).subList(1, args.length).toArray(String[]::new));

        assertThat(plain).isNotNull();
        assertThat(plain.configFile).isEqualTo(new File("config/server.properties")).isEqualTo(picocli.configFile);
        assertThat(plain.overrides).containsExactly("broker.id=1", "log.dirs=/data/a,/data/b").isEqualTo(picocli.overrides);
        assertThat(plain.acceptEmptyLogs).isTrue().isEqualTo(picocli.acceptEmptyLogs);
    }

    @Test
    void shouldParseStartWithoutArguments() {
        StartCommand plain = StartCommand.fromPlainArgs(new String[] {"start"});

        assertThat(plain).isNotNull();
        assertThat(plain.configFile).isNull();
        assertThat(plain.overrides).isEmpty();
        assertThat(plain.acceptEmptyLogs).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"start --help", "start -h", "start --version", "start a.properties b.properties", "start --override",
        "start --bogus", "topics --list", "--help start"})
    void shouldLeaveAnythingElseToPicocli(String commandLine) {
        assertThat(StartCommand.fromPlainArgs(commandLine.split(" "))).isNull();
    }

    @Test
    void shouldRefuseABadValueBeforeStartingAnything() {
        StartCommand plain = StartCommand.fromPlainArgs(new String[] {"start", "--override", "num.partitions=many"});

        assertThatThrownBy(plain::call).isInstanceOf(CommandException.class)
            .hasMessageStartingWith("invalid configuration:").hasMessageContaining("num.partitions");
    }

    @Test
    void shouldSayWhenTheListenerPortIsTaken(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String listener = "PLAINTEXT://127.0.0.1:" + taken.getLocalPort();
            StartCommand plain = StartCommand.fromPlainArgs(new String[] {"start", "--override", "listeners=" + listener,
                "--override", "log.dir=" + dir.resolve("logs"), "--override", "zookeeper.embedded.data.dir=" + dir.resolve("zk"),
                "--override", "zookeeper.embedded.port=0"});

            assertThatThrownBy(plain::call).isInstanceOf(CommandException.class)
                .hasMessage("Cannot listen on " + listener + ": address already in use");
        }
    }

    @Test
    void shouldRefuseAMissingConfigFile() {
        StartCommand plain = StartCommand.fromPlainArgs(new String[] {"start", "no/such/server.properties"});

        assertThatThrownBy(plain::call).isInstanceOf(CommandException.class)
            .hasMessageContaining("config file no/such/server.properties does not exist");
    }
}
