package io.gregor.cli.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of Apache Kafka's command-line tools (from the kafka-tools test dependency) in its
 * own JVM, exactly as {@code kafka-*.sh} would: its {@code main} method, its exit code, its
 * stdout and stderr. A separate process because the tools call {@code System.exit} and write to
 * {@code System.out}.
 */
public final class KafkaTool {
    private static final long TIMEOUT_SECONDS = 60;

    private KafkaTool() {
    }

    /** What a tool printed and returned. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    public static Result run(String mainClass, String... args) {
        return runWithInput("", mainClass, args);
    }

    public static Result runWithInput(String stdin, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Short-lived JVMs: skip the optimizing compiler, it only costs start-up time here.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("kafka-tool", ".out");
            Path err = Files.createTempFile("kafka-tool", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().close();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError(mainClass + " did not finish within " + TIMEOUT_SECONDS + " s; stdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
