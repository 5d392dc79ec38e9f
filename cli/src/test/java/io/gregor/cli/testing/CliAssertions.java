package io.gregor.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** The error contract of every command: an exit code and exactly one {@code Error: } line on stderr. */
public final class CliAssertions {
    private CliAssertions() {
    }

    public static void assertSucceeded(Cli.Result result) {
        assertThat(result.exitCode()).as("exit code of\n%s", result).isZero();
    }

    /** Exit code 1 and one stderr line containing {@code fragment}; nothing on stdout. */
    public static void assertFailed(Cli.Result result, String fragment) {
        assertFailed(result, 1, fragment);
    }

    /** Exit code 2 (usage error) and one stderr line containing {@code fragment}. */
    public static void assertUsageError(Cli.Result result, String fragment) {
        assertFailed(result, 2, fragment);
    }

    private static void assertFailed(Cli.Result result, int exitCode, String fragment) {
        assertThat(result.exitCode()).as("exit code of\n%s", result).isEqualTo(exitCode);
        assertThat(result.errLines()).as("stderr of\n%s", result).hasSize(1);
        assertThat(result.errLines().get(0)).startsWith("Error: ").contains(fragment);
        assertThat(result.out()).as("stdout of\n%s", result).isEmpty();
    }
}
