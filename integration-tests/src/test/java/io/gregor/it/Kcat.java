package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code kcat} (librdkafka's command-line client, Debian package {@code kcat}; formerly
 * {@code kafkacat}). Its absence is a test failure, not a skip: CI installs it in {@code .ci/run}.
 */
final class Kcat {
    private final String executable;
    private final Path scratch;

    private Kcat(String executable, Path scratch) {
        this.executable = executable;
        this.scratch = scratch;
    }

    /** What one run printed. */
    record Result(int exitCode, String stdout, String stderr) {
        List<String> lines() {
            return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
        }
    }

    /** Finds kcat on the PATH, or fails the test with how to install it. */
    static Kcat locate(Path scratch) {
        for (String name : List.of("kcat", "kafkacat")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return new Kcat(candidate.toString(), scratch);
                }
            }
        }
        return fail("kcat is not installed, so the non-Java client tests cannot run. Install it with "
            + "'apt-get install kcat' (Debian/Ubuntu); .ci/run does this in CI.");
    }

    /** Runs kcat with these arguments, feeding {@code stdin}; fails the test if it does not finish in 30 s. */
    Result run(String stdin, String... args) throws IOException, InterruptedException {
        Path in = Files.createTempFile(scratch, "kcat-in", ".txt");
        Path out = Files.createTempFile(scratch, "kcat-out", ".txt");
        Path err = Files.createTempFile(scratch, "kcat-err", ".txt");
        Files.writeString(in, stdin, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        try {
            boolean finished = process.waitFor(30, TimeUnit.SECONDS);
            assertThat(finished).as("%s finished within 30 s; stderr:%n%s", command, Files.readString(err)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A kcat started with {@link #start}, running until stopped. */
    final class Running implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;

        private Running(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** Complete lines printed so far. */
        List<String> lines() throws IOException {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
        }

        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** SIGTERM, on which kcat closes its consumer (leaving the group, committing offsets); returns the exit code. */
        int stop() throws InterruptedException, IOException {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("kcat stopped within 30 s after SIGTERM; stderr:%n%s", stderr()).isTrue();
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts kcat with these arguments in the background, e.g. a balanced consumer ({@code -G}). Close it. */
    Running start(String... args) throws IOException {
        Path out = Files.createTempFile(scratch, "kcat-out", ".txt");
        Path err = Files.createTempFile(scratch, "kcat-err", ".txt");
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        return new Running(process, out, err);
    }

    /** Runs kcat and asserts that it succeeded. */
    Result runOk(String stdin, String... args) throws IOException, InterruptedException {
        Result result = run(stdin, args);
        assertThat(result.exitCode()).as("kcat %s exit code; stderr:%n%s", String.join(" ", args), result.stderr()).isZero();
        return result;
    }
}
