package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Apache Kafka 4.4's topic and partition tools from the {@code kafka-tools} jar, each run in a JVM
 * of its own ({@link ChildJvm}) as {@code kafka-topics.sh}, {@code kafka-reassign-partitions.sh}
 * and {@code kafka-leader-election.sh} run them.
 */
final class ClusterTools {
    private static final String TOPICS = "org.apache.kafka.tools.TopicCommand";
    private static final String REASSIGN_PARTITIONS = "org.apache.kafka.tools.reassign.ReassignPartitionsCommand";
    private static final String LEADER_ELECTION = "org.apache.kafka.tools.LeaderElectionCommand";
    private static final long TIMEOUT_SECONDS = 60;
    /** A partition line of {@code kafka-topics --describe}. */
    private static final Pattern PARTITION_LINE =
        Pattern.compile("Partition: (\\d+)\\s+Leader: (\\S+)\\s+Replicas: ([\\d,]*)\\s+Isr: ([\\d,]*)");

    private final Path scratch;
    private final String bootstrapServers;

    ClusterTools(Path scratch, String bootstrapServers) {
        this.scratch = scratch;
        this.bootstrapServers = bootstrapServers;
    }

    /** What one run printed. */
    record Result(String tool, List<String> args, int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return tool + " " + String.join(" ", args) + " -> exit " + exitCode + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }

        Result assertOk() {
            assertThat(exitCode).as("exit code of %s", this).isZero();
            return this;
        }
    }

    /** One partition as {@code kafka-topics --describe} shows it; leader -1 for "none". */
    record DescribedPartition(int partition, int leader, List<Integer> replicas, List<Integer> isr) {
    }

    /** {@code kafka-topics.sh --bootstrap-server <cluster> args}. */
    Result topics(String... args) throws IOException, InterruptedException {
        return run("kafka-topics", TOPICS, args);
    }

    /** {@code kafka-topics --describe --topic <topic>}, parsed: partition number → leader, replicas, ISR. */
    Map<Integer, DescribedPartition> describeTopic(String topic) throws IOException, InterruptedException {
        Result result = topics("--describe", "--topic", topic).assertOk();
        Map<Integer, DescribedPartition> partitions = new TreeMap<>();
        Matcher m = PARTITION_LINE.matcher(result.stdout());
        while (m.find()) {
            int leader = m.group(2).equals("none") ? -1 : Integer.parseInt(m.group(2));
            partitions.put(Integer.parseInt(m.group(1)), new DescribedPartition(Integer.parseInt(m.group(1)), leader,
                ids(m.group(3)), ids(m.group(4))));
        }
        assertThat(partitions).as("partitions described by %s", result).isNotEmpty();
        return partitions;
    }

    /** {@code kafka-reassign-partitions.sh --bootstrap-server <cluster> args}. */
    Result reassignPartitions(String... args) throws IOException, InterruptedException {
        return run("kafka-reassign-partitions", REASSIGN_PARTITIONS, args);
    }

    /** {@code kafka-leader-election.sh --bootstrap-server <cluster> args}. */
    Result leaderElection(String... args) throws IOException, InterruptedException {
        return run("kafka-leader-election", LEADER_ELECTION, args);
    }

    private static List<Integer> ids(String commaSeparated) {
        List<Integer> ids = new ArrayList<>();
        for (String id : commaSeparated.split(",")) {
            if (!id.isBlank()) {
                ids.add(Integer.parseInt(id.trim()));
            }
        }
        return ids;
    }

    private Result run(String tool, String mainClass, String... args) throws IOException, InterruptedException {
        List<String> toolArgs = new ArrayList<>();
        toolArgs.add("--bootstrap-server");
        toolArgs.add(bootstrapServers);
        toolArgs.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, tool + "-out", ".txt");
        Path err = Files.createTempFile(scratch, tool + "-err", ".txt");
        Process process = ChildJvm.start(ChildJvm.command(mainClass, toolArgs), out, err);
        try {
            boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(finished).as("%s %s finished within %d s; stderr:%n%s", tool, args, TIMEOUT_SECONDS, Files.readString(err)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        return new Result(tool, List.of(args), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }
}
