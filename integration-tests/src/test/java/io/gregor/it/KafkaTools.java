package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Apache Kafka 4.4's command-line tools from the {@code kafka-tools} jar, run the way their
 * shell scripts run them: a JVM of their own per command, so that they print and exit as they
 * would for a user.
 */
final class KafkaTools {
    private static final String CONSUMER_GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    private static final String CONFIGS = "org.apache.kafka.tools.ConfigCommand";
    private static final long TIMEOUT_SECONDS = 60;

    private final Path scratch;
    private final String bootstrapServers;

    KafkaTools(Path scratch, String bootstrapServers) {
        this.scratch = scratch;
        this.bootstrapServers = bootstrapServers;
    }

    /** What one run printed. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        List<String> lines() {
            return stdout.isBlank() ? List.of() : List.of(stdout.strip().split("\n"));
        }

        /**
         * The rows of the table the tool printed (e.g. {@code kafka-consumer-groups --describe}),
         * each as header → value; blank lines and lines before the header are skipped.
         */
        List<Map<String, String>> table(String firstHeader) {
            List<Map<String, String>> rows = new ArrayList<>();
            String[] headers = null;
            for (String line : stdout.split("\n")) {
                String[] cells = line.trim().split("\\s+");
                if (line.isBlank()) {
                    continue;
                }
                if (cells[0].equals(firstHeader)) {
                    headers = cells;
                    continue;
                }
                if (headers != null && cells.length == headers.length) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < headers.length; i++) {
                        row.put(headers[i], cells[i]);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }

        @Override
        public String toString() {
            return String.join(" ", command.subList(command.size() - argCount(), command.size())) + " -> exit " + exitCode
                + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }

        private int argCount() {
            int i = command.indexOf(CONSUMER_GROUPS);
            if (i < 0) {
                i = command.indexOf(CONFIGS);
            }
            return command.size() - i;
        }
    }

    /** {@code kafka-consumer-groups.sh --bootstrap-server <broker> args}. */
    Result consumerGroups(String... args) throws IOException, InterruptedException {
        return run(CONSUMER_GROUPS, args);
    }

    /** {@code kafka-configs.sh --bootstrap-server <broker> args}. */
    Result configs(String... args) throws IOException, InterruptedException {
        return run(CONFIGS, args);
    }

    /** Like {@link #consumerGroups}, asserting exit code 0. */
    Result consumerGroupsOk(String... args) throws IOException, InterruptedException {
        return assertOk(consumerGroups(args));
    }

    /** Like {@link #configs}, asserting exit code 0. */
    Result configsOk(String... args) throws IOException, InterruptedException {
        return assertOk(configs(args));
    }

    private static Result assertOk(Result result) {
        assertThat(result.exitCode()).as("exit code of %s", result).isZero();
        return result;
    }

    private Result run(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> toolArgs = new ArrayList<>();
        toolArgs.add("--bootstrap-server");
        toolArgs.add(bootstrapServers);
        toolArgs.addAll(List.of(args));
        List<String> command = ChildJvm.command(mainClass, toolArgs);
        Path out = Files.createTempFile(scratch, "tool-out", ".txt");
        Path err = Files.createTempFile(scratch, "tool-err", ".txt");
        Process process = ChildJvm.start(command, out, err);
        try {
            boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(finished).as("%s finished within %d s; stderr:%n%s", toolArgs, TIMEOUT_SECONDS, Files.readString(err)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }
}
