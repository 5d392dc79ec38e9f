package io.gregor.examples.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gregor.testkit.GregorTestCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Connect 4.4 in distributed mode against an in-process Gregor broker: two workers (JVMs
 * of their own, started with the example's {@code config/worker.properties}) form a group, create
 * their internal topics, and run a file source and a file sink connector that copy a file through
 * a topic into another file. A worker killed with SIGKILL and restarted loses nothing, and
 * re-reads only what had not been committed when it died.
 */
class ConnectDistributedIT {
    private static final String TOPIC = "connect-lines";
    private static final String SOURCE = "file-source";
    private static final String SINK = "file-sink";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path scratch;

    private GregorTestCluster cluster;
    private final List<WorkerProcess> workers = new ArrayList<>();
    private Path input;
    private Path output;
    private int linesWritten;

    @BeforeEach
    void startClusterAndWorkers() throws Exception {
        cluster = GregorTestCluster.builder().start();
        // One partition: the sink writes the lines in the order the source read them.
        cluster.createTopic(TOPIC, 1);
        input = Files.createFile(scratch.resolve("input.txt"));
        output = scratch.resolve("output.txt");

        for (String name : List.of("worker-1", "worker-2")) {
            workers.add(WorkerProcess.start(name, scratch, freePort(), List.of(
                "bootstrap.servers=" + cluster.bootstrapServers(),
                // Commit source offsets and sink consumer offsets every second.
                "offset.flush.interval.ms=1000",
                // A killed worker leaves the group after 6 s; its work waits at most 5 s more.
                "session.timeout.ms=6000",
                "heartbeat.interval.ms=1000",
                "scheduled.rebalance.max.delay.ms=5000")));
        }
        await("both workers' REST APIs").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> workers.stream().allMatch(w -> ConnectRest.get(w.restUrl(), "/connectors") != null));

        // Created through different workers: a worker that is not the leader forwards the request.
        ConnectRest.putConnector(workers.get(0).restUrl(), SOURCE, Map.of(
            "connector.class", "FileStreamSource", "tasks.max", "1", "file", input.toString(), "topic", TOPIC));
        ConnectRest.putConnector(workers.get(1).restUrl(), SINK, Map.of(
            "connector.class", "FileStreamSink", "tasks.max", "1", "file", output.toString(), "topics", TOPIC));
        awaitAllRunning();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (WorkerProcess worker : workers) {
            worker.close();
            // Failsafe keeps this in the test's output file.
            System.out.println("==== " + worker.name() + " log ====\n" + worker.logTail());
        }
        cluster.close();
    }

    @Test
    void shouldShareTheConnectorsAndCopyAFileThroughATopicIntoAFile() throws Exception {
        Admin admin = cluster.admin();
        Map<String, Integer> internalTopics = Map.of("connect-configs", 1, "connect-offsets", 25, "connect-status", 5);
        internalTopics.forEach((topic, partitions) -> {
            try {
                assertThat(config(admin, topic).get("cleanup.policy").value()).as("cleanup.policy of %s", topic).isEqualTo("compact");
                assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(partitions);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Set<String> hosts = new TreeSet<>();
        for (String connector : List.of(SOURCE, SINK)) {
            ConnectRest.Status status = ConnectRest.status(workers.get(0).restUrl(), connector);
            hosts.add(status.connectorWorker());
            hosts.addAll(status.taskWorkers());
        }
        assertThat(hosts).as("workers running the connectors and tasks")
            .containsExactlyInAnyOrder(workers.get(0).workerId(), workers.get(1).workerId());

        appendLines(1000);
        List<String> expected = lines(0, 1000);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> assertThat(outputLines()).isEqualTo(expected));
        assertThat(topicLines()).isEqualTo(expected);
    }

    @Test
    void shouldNeitherLoseNorRereadCommittedLinesWhenTheSourceTasksWorkerIsKilledAndRestarted() throws Exception {
        killAndRestartTheWorkerRunning(SOURCE);
    }

    @Test
    void shouldNeitherLoseNorRereadCommittedLinesWhenTheSinkTasksWorkerIsKilledAndRestarted() throws Exception {
        killAndRestartTheWorkerRunning(SINK);
    }

    /**
     * Copies 300 lines and waits until both tasks have committed them; then, while 1200 more
     * lines arrive, kills the worker running {@code connector}'s task with SIGKILL and starts it
     * again. Every line must reach the topic and the output file, and what is copied twice must
     * start at the offsets committed when the worker died.
     */
    private void killAndRestartTheWorkerRunning(String connector) throws Exception {
        appendLines(300);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> outputLines().size() == 300);
        await("both tasks commit the first 300 lines").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> committedSourcePosition() == 300L * LINE_BYTES && committedSinkOffset() == 300);

        CompletableFuture<Void> writer = atFixedRate(60, 50, batch -> appendLines(20));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> outputLines().size() >= 900);
        String sourceWorker = ConnectRest.status(workers.get(0).restUrl(), SOURCE).taskWorkers().get(0);
        String sinkWorker = ConnectRest.status(workers.get(0).restUrl(), SINK).taskWorkers().get(0);
        String victimId = connector.equals(SOURCE) ? sourceWorker : sinkWorker;
        WorkerProcess victim = workers.stream().filter(w -> w.workerId().equals(victimId)).findFirst().orElseThrow();
        victim.kill();
        // Frozen for the tasks that died with the worker (the others may go on committing).
        long committedLine = committedSourcePosition() / LINE_BYTES;
        long committedSinkOffset = committedSinkOffset();
        System.out.printf("Killed %s running the %s; committed: source line %d, sink offset %d%n", victim,
            sourceWorker.equals(sinkWorker) ? "source and sink tasks" : connector + " task", committedLine, committedSinkOffset);
        victim.restart();
        writer.get(60, TimeUnit.SECONDS);

        List<String> expected = lines(0, linesWritten);
        await("every line in the output file").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> assertThat(new TreeSet<>(outputLines())).isEqualTo(new TreeSet<>(expected)));
        awaitAllRunning();

        List<String> topic = topicLines();
        assertCopiedAtLeastOnce("topic " + TOPIC + " from the input file", topic, expected, committedLine);
        assertCopiedAtLeastOnce("output file from the topic", outputLines(), topic, committedSinkOffset);
    }

    /**
     * {@code actual} is {@code expected} in order, except that after the first {@code k} lines
     * it may go back (a task restarted from its last committed offset) and repeat lines from
     * there: {@code expected[0..k) ++ expected[r..n)} with {@code committed <= r <= k}, where
     * {@code committed} is the offset committed when the task died. Nothing is skipped.
     */
    private static void assertCopiedAtLeastOnce(String what, List<String> actual, List<String> expected, long committed) {
        int k = 0;
        while (k < actual.size() && k < expected.size() && actual.get(k).equals(expected.get(k))) {
            k++;
        }
        if (k == actual.size()) {
            assertThat(actual).as("%s: every line, in order", what).isEqualTo(expected);
            return;
        }
        List<String> rest = actual.subList(k, actual.size());
        int r = expected.size() - rest.size();
        System.out.printf("%s: %d lines, then from line %d again (committed at the kill: %d)%n", what, k, r, committed);
        assertThat(r).as("%s: after %d lines in order, the rest (%d lines) repeats lines from %d: %s...", what, k, rest.size(), r,
            rest.subList(0, Math.min(3, rest.size()))).isBetween(0, k);
        assertThat(rest).as("%s: after %d lines in order, the rest is the end of the expected lines", what, k)
            .isEqualTo(expected.subList(r, expected.size()));
        assertThat((long) r).as("%s: first repeated line (never before the committed offset)", what).isGreaterThanOrEqualTo(committed);
    }

    private static final int LINE_BYTES = "line-000000\n".length();

    private static List<String> lines(int from, int to) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i < to; i++) {
            lines.add(String.format("line-%06d", i));
        }
        return lines;
    }

    private synchronized void appendLines(int count) {
        StringBuilder text = new StringBuilder();
        lines(linesWritten, linesWritten + count).forEach(line -> text.append(line).append('\n'));
        try {
            Files.writeString(input, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        linesWritten += count;
    }

    private List<String> outputLines() throws IOException {
        return Files.exists(output) ? Files.readAllLines(output, StandardCharsets.UTF_8) : List.of();
    }

    private void awaitAllRunning() {
        await("connectors and tasks running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            WorkerProcess any = workers.stream().filter(WorkerProcess::isAlive).findFirst().orElseThrow();
            for (String connector : List.of(SOURCE, SINK)) {
                ConnectRest.Status status = ConnectRest.status(any.restUrl(), connector);
                assertThat(status).as("status of %s", connector).isNotNull();
                assertThat(status.allRunning(1)).as("%s: %s", connector, status).isTrue();
            }
        });
    }

    private List<String> topicLines() {
        return records(TOPIC).stream().map(ConsumerRecord::value).toList();
    }

    /** The source task's position in the input file, as last committed to the offsets topic. */
    private long committedSourcePosition() throws IOException {
        long position = 0;
        for (ConsumerRecord<String, String> record : records("connect-offsets")) {
            // key ["file-source",{"filename":"..."}], value {"position":N}
            if (record.key() != null && record.key().contains("\"" + SOURCE + "\"") && record.value() != null) {
                JsonNode value = JSON.readTree(record.value());
                position = value.path("position").asLong();
            }
        }
        return position;
    }

    /** The sink's committed offset in the topic (its consumer group is connect-file-sink). */
    private long committedSinkOffset() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = cluster.admin().listConsumerGroupOffsets("connect-" + SINK)
            .partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata offset = offsets.get(new TopicPartition(TOPIC, 0));
        return offset == null ? 0 : offset.offset();
    }

    /** Every record of {@code topic}, partition by partition, up to its end offsets now. */
    private List<ConsumerRecord<String, String>> records(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                assertThat(System.nanoTime()).as("read %s to %s in time", topic, end).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static Config config(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Runs {@code step} for 0, 1, ... {@code times - 1}, one every {@code periodMs} on a timer
     * thread: a steady input while the test kills and restarts processes. Completes after the
     * last step, or exceptionally with the first step's failure.
     */
    private static CompletableFuture<Void> atFixedRate(int times, long periodMs, IntConsumer step) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        timer.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i >= times) {
                done.complete(null);
                return;
            }
            try {
                step.accept(i);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, 0, periodMs, TimeUnit.MILLISECONDS);
        done.whenComplete((ignored, error) -> timer.shutdownNow());
        return done;
    }
}
