package io.gregor.cli;

import static io.gregor.cli.testing.CliAssertions.assertFailed;
import static io.gregor.cli.testing.CliAssertions.assertSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.cli.testing.Cli;
import io.gregor.cli.testing.GregorBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Where commands find the cluster, and how they fail when it is not there. */
class ConnectionIT {
    @RegisterExtension
    static final GregorBroker broker = new GregorBroker();

    @TempDir
    Path home;

    /** A local port nothing listens on: connections to it are refused at once. */
    static int deadPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Cli withoutVariable() {
        return broker.cli().withVariable("GREGOR_BOOTSTRAP", null).withHome(home);
    }

    @Test
    void shouldUseBootstrapServerFlagOverEnvironment() {
        Cli cli = broker.cli().withVariable("GREGOR_BOOTSTRAP", "127.0.0.1:" + deadPort());

        assertSucceeded(cli.run("cluster", "--bootstrap-server", broker.bootstrapServers()));
    }

    @Test
    void shouldUseEnvironmentVariable() {
        assertSucceeded(withoutVariable().withVariable("GREGOR_BOOTSTRAP", broker.bootstrapServers()).run("cluster"));
    }

    @Test
    void shouldUseBootstrapServersFromHomeConfigFile() throws IOException {
        Files.createDirectories(home.resolve(".gregor"));
        Files.writeString(home.resolve(".gregor/config"), "bootstrap.servers=" + broker.bootstrapServers() + "\n");

        assertSucceeded(withoutVariable().run("cluster"));
    }

    @Test
    void shouldUseCommandConfigFile() throws IOException {
        Path file = home.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=" + broker.bootstrapServers() + "\nclient.id=from-file\n");

        assertSucceeded(withoutVariable().run("cluster", "--command-config", file.toString()));
    }

    /** This class's broker never gets a topic. */
    @Test
    void shouldDescribeAnEmptyClusterWithoutError() throws IOException {
        var text = broker.cli().run("topics", "--describe");
        var json = broker.cli().run("topics", "--describe", "-o", "json");

        assertSucceeded(text);
        assertThat(text.out()).isEmpty();
        assertSucceeded(json);
        assertThat(com.fasterxml.jackson.jr.ob.JSON.std.listFrom(json.out())).isEmpty();
    }

    @Test
    void shouldNameMissingCommandConfigFile() {
        assertFailed(withoutVariable().run("cluster", "--command-config", home.resolve("nope.properties").toString()),
            "--command-config file '" + home.resolve("nope.properties") + "' does not exist");
    }

    @Test
    void shouldNameUnreachableBrokerAndWhereItsAddressCameFrom() {
        int port = deadPort();

        assertFailed(broker.cli().run("topics", "--list", "--bootstrap-server", "127.0.0.1:" + port),
            "Error: cannot connect to a broker at 127.0.0.1:" + port + " (--bootstrap-server): connection refused");
        assertFailed(withoutVariable().withVariable("GREGOR_BOOTSTRAP", "127.0.0.1:" + port).run("cluster"),
            "(GREGOR_BOOTSTRAP): connection refused");
    }

    @Test
    void shouldFailEveryClientCommandWithOneLineWhenBrokerIsUnreachable() {
        Cli cli = broker.cli().withVariable("GREGOR_BOOTSTRAP", "127.0.0.1:" + deadPort());
        String[][] commands = {
            {"topics", "--describe"},
            {"produce", "--topic", "t"},
            {"consume", "--topic", "t"},
            {"groups", "--list"},
            {"configs", "--entity-type", "topics", "--describe"},
            {"cluster"},
        };
        for (String[] command : commands) {
            assertFailed(cli.runWithInput("x\n", command), "cannot connect to a broker at 127.0.0.1:");
        }
    }

    @Test
    void shouldRejectMalformedAddressAndTimeout() {
        assertFailed(broker.cli().run("cluster", "--bootstrap-server", "localhost"),
            "invalid broker address 'localhost' in --bootstrap-server: expected host:port");
        assertFailed(broker.cli().run("cluster", "--request-timeout-ms", "0"), "invalid value for --request-timeout-ms: 0");
        assertFailed(broker.cli().run("cluster", "--request-timeout-ms", "soon"), "'--request-timeout-ms': 'soon' is not an int");
    }

    @Test
    void shouldTellWhenTheDefaultAddressWasUsed() {
        var result = withoutVariable().run("cluster", "--request-timeout-ms", "2000");

        // Something may listen on localhost:9092 on a developer machine; only check the failure wording.
        if (result.exitCode() != 0) {
            assertThat(result.errLines()).hasSize(1);
            assertThat(result.err()).contains("localhost:9092").contains("the default; set --bootstrap-server or GREGOR_BOOTSTRAP");
        }
    }
}
