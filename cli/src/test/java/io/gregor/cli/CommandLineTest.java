package io.gregor.cli;

import static io.gregor.cli.testing.CliAssertions.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.cli.testing.Cli;
import io.gregor.cli.testing.Cli.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Help, usage errors and the completion script; no broker needed. */
class CommandLineTest {
    private static final Path COMPLETION_SCRIPT = Path.of(System.getProperty("basedir", ".")).resolve("../bin/gregor-completion.bash");

    private final Cli cli = new Cli(Map.of(), Path.of(System.getProperty("java.io.tmpdir")));

    @ParameterizedTest
    @ValueSource(strings = {"start", "topics", "produce", "consume", "groups", "configs", "cluster"})
    void shouldPrintHelpForEverySubcommand(String subcommand) {
        Result help = cli.run(subcommand, "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: gregor " + subcommand);
        assertThat(help.err()).isEmpty();
        assertThat(cli.run("help", subcommand).out()).isEqualTo(help.out());
    }

    @Test
    void shouldListSubcommandsInTopLevelHelp() {
        Result help = cli.run("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("topics", "produce", "consume", "groups", "configs", "cluster", "start");
    }

    @Test
    void shouldReportUsageErrorsWithOneLineAndExitCodeTwo() {
        assertUsageError(cli.run("topics", "--list", "--frobnicate"), "Unknown option: '--frobnicate' (see 'gregor topics --help')");
        assertUsageError(cli.run("frobnicate"), "frobnicate");
        assertUsageError(cli.run("produce"), "Missing required option: '--topic=name'");
    }

    @Test
    void shouldPrintUsageAndExitTwoWithoutSubcommand() {
        Result result = cli.run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("Usage: gregor");
    }

    /** The committed script must match the commands; regenerate it with the command in the message. */
    @Test
    void shouldShipAnUpToDateBashCompletionScript() throws IOException {
        Result generated = cli.run("generate-completion");

        assertThat(generated.exitCode()).isZero();
        assertThat(Files.readString(COMPLETION_SCRIPT))
            .as("bin/gregor-completion.bash is stale: run  bin/gregor generate-completion > bin/gregor-completion.bash")
            .isEqualTo(generated.out());
    }
}
