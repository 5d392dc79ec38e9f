package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/gregor start} as a user runs it, with the metadata and the log dirs out of step: a
 * broker started on other log dirs, logs deleted while the metadata stayed, a log dir of another
 * cluster. It never serves a topic without the records it had: it starts with the metadata of
 * the dirs it is given, or refuses in one line saying what to do.
 */
class LogDirMetadataIT {
    private static final String TOPIC = "t1";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 100;
    private static final String REFUSAL = "Error: Broker 0 refuses to start: its log dirs [";

    @TempDir
    Path workDir;

    private final List<GregorProcess> processes = new ArrayList<>();
    private int port;
    private int zookeeperPort;
    private int starts;

    @BeforeEach
    void pickPorts() {
        port = FreePorts.pick();
        zookeeperPort = FreePorts.pick();
    }

    @AfterEach
    void killBrokers() throws InterruptedException {
        for (GregorProcess p : processes) {
            p.close();
        }
    }

    @Test
    void shouldRefuseToServeATopicWithoutItsRecordsOnAnotherLogDirUnlessTheEmptyLogsAreAccepted() throws Exception {
        // Given: the broker, from an install that kept its ZooKeeper data in ./data/zookeeper (the
        // old default, kept in use after an upgrade), with 100 records in t1 on log dir a
        GregorProcess first = start(List.of("log.dirs=" + workDir.resolve("a"), "zookeeper.embedded.data.dir=data/zookeeper"));
        produceRecords();
        assertThat(first.stop(Duration.ofSeconds(30))).isIn(0, 143);

        // When: started again with log.dirs=b
        GregorProcess refused = launch(List.of("log.dirs=" + workDir.resolve("b")));
        int exitCode = refused.awaitExit(Duration.ofSeconds(30));

        // Then: it refuses, naming the partitions and the flag, and leaves both dirs as they were
        assertThat(exitCode).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("The embedded ZooKeeper keeps using " + workDir.resolve("data/zookeeper"));
        String error = errorLine(refused);
        assertThat(error).startsWith(REFUSAL + workDir.resolve("b") + "] hold no records of 3 partitions")
            .contains("(t1-0, t1-1, t1-2)").contains("--accept-empty-logs");
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(refused.output()).contains("ERROR Partition t1-" + p + " had records on this broker alone");
        }
        assertThat(workDir.resolve("b/meta.properties")).as("a refused start does not claim the dir").doesNotExist();
        assertThat(workDir.resolve("b/t1-0")).doesNotExist();
        assertThat(workDir.resolve("a/t1-0")).isDirectory();

        // When: the user accepts the empty logs
        GregorProcess accepted = start(List.of("log.dirs=" + workDir.resolve("b")), "--accept-empty-logs");

        // Then: it starts, t1 is there, empty, and the next start needs no flag
        assertThat(accepted.output()).contains("WARN  Partition t1-0 had records on this broker alone");
        assertThat(readAll()).isEmpty();
        accepted.stop(Duration.ofSeconds(30));
        start(List.of("log.dirs=" + workDir.resolve("b"))).stop(Duration.ofSeconds(30));
        assertThat(workDir.resolve("a/t1-0")).as("the records of a are still there").isDirectory();
    }

    @Test
    void shouldRefuseAnUpgradedInstallOnAnotherLogDirBeforeItRecordedWhichPartitionsHadRecords() throws Exception {
        // Given: the broker as a Gregor version before the record of log ends left it: ZooKeeper data
        // in ./data/zookeeper, t1 with records on log dir a, no /gregor/log_ends/0
        GregorProcess first = start(List.of("log.dirs=" + workDir.resolve("a"), "zookeeper.embedded.data.dir=data/zookeeper"));
        produceRecords();
        try (ZkView zookeeper = ZkView.connect("127.0.0.1:" + zookeeperPort)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> zookeeper.exists("/gregor/log_ends/0"));
            zookeeper.deleteRecursively("/gregor/log_ends/0");
        }
        first.kill();

        // When
        GregorProcess refused = launch(List.of("log.dirs=" + workDir.resolve("b")));

        // Then
        assertThat(refused.awaitExit(Duration.ofSeconds(30))).as(refused.output()).isEqualTo(1);
        assertThat(errorLine(refused)).startsWith(REFUSAL + workDir.resolve("b") + "] hold no records of 3 partitions that the metadata"
            + " in ZooKeeper places on this broker alone (t1-0, t1-1, t1-2), which may have had records").contains("--accept-empty-logs");
        assertThat(readAllAfterStart(List.of("log.dirs=" + workDir.resolve("a")))).as("on its own dir it starts with every record")
            .hasSize(RECORDS);
    }

    @Test
    void shouldKeepTheMetadataOfEachLogDirWithItsLogs() throws Exception {
        // Given: defaults but for log.dirs=a, 100 records in t1
        GregorProcess first = start(List.of("log.dirs=" + workDir.resolve("a")));
        produceRecords();
        first.stop(Duration.ofSeconds(30));

        // When: started on b, then on a again
        GregorProcess onB = start(List.of("log.dirs=" + workDir.resolve("b")));
        List<String> topicsOnB = topics();
        onB.stop(Duration.ofSeconds(30));
        start(List.of("log.dirs=" + workDir.resolve("a")));

        // Then: b is a cluster of its own without t1; a has t1 with every record
        assertThat(workDir.resolve("a/zookeeper")).isDirectory();
        assertThat(workDir.resolve("b/zookeeper")).isDirectory();
        assertThat(workDir.resolve("data")).as("nothing outside the log dirs").doesNotExist();
        assertThat(onB.output()).contains("Created cluster");
        assertThat(topicsOnB).doesNotContain(TOPIC);
        assertThat(readAll()).hasSize(RECORDS);
    }

    @Test
    void shouldRefuseWhenTheLogsWereDeletedButNotTheMetadata() throws Exception {
        // Given: a broker whose ZooKeeper data lives apart from its logs
        List<String> config = List.of("log.dirs=" + workDir.resolve("logs"), "zookeeper.embedded.data.dir=" + workDir.resolve("zk"));
        GregorProcess first = start(config);
        produceRecords();
        first.stop(Duration.ofSeconds(30));

        // When
        TempDirs.deleteRecursively(workDir.resolve("logs"));
        GregorProcess refused = launch(config);

        // Then
        assertThat(refused.awaitExit(Duration.ofSeconds(30))).as(refused.output()).isEqualTo(1);
        assertThat(errorLine(refused)).startsWith(REFUSAL + workDir.resolve("logs") + "] hold no records of 3 partitions");
        start(config, "--accept-empty-logs");
        assertThat(readAll()).isEmpty();
    }

    @Test
    void shouldRefuseALogDirOfAnotherCluster() throws Exception {
        // Given: log dir a, written by the cluster whose ZooKeeper data is in zk-1
        Path logDir = workDir.resolve("a");
        start(List.of("log.dirs=" + logDir, "zookeeper.embedded.data.dir=" + workDir.resolve("zk-1"))).stop(Duration.ofSeconds(30));
        String firstCluster = Files.readAllLines(logDir.resolve("meta.properties")).stream()
            .filter(l -> l.startsWith("cluster.id=")).findFirst().orElseThrow().substring("cluster.id=".length());

        // When: started with another ZooKeeper data dir, a new cluster
        GregorProcess refused = launch(List.of("log.dirs=" + logDir, "zookeeper.embedded.data.dir=" + workDir.resolve("zk-2")));

        // Then
        assertThat(refused.awaitExit(Duration.ofSeconds(30))).as(refused.output()).isEqualTo(1);
        assertThat(errorLine(refused)).startsWith("Error: Log dir " + logDir + " belongs to cluster " + firstCluster
                + " (its meta.properties), not to cluster ")
            .contains("of the embedded ZooKeeper in " + workDir.resolve("zk-2"))
            .contains("zookeeper.connect (or zookeeper.embedded.data.dir) at the ZooKeeper of cluster " + firstCluster)
            .contains("; remove " + logDir.resolve("meta.properties") + " only if the dir's data is to join cluster ");
    }

    // ---- helpers ----

    private GregorProcess start(List<String> overrides, String... flags) throws Exception {
        GregorProcess broker = launch(overrides, flags);
        try {
            broker.awaitReady(Duration.ofSeconds(30));
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private GregorProcess launch(List<String> overrides, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("start"));
        List<String> all = new ArrayList<>(List.of("listeners=PLAINTEXT://127.0.0.1:" + port, "zookeeper.embedded.port=" + zookeeperPort));
        all.addAll(overrides);
        for (String override : all) {
            args.add("--override");
            args.add(override);
        }
        args.addAll(List.of(flags));
        GregorProcess broker = GregorProcess.launch(workDir, "gregor-" + ++starts + ".log", args);
        processes.add(broker);
        return broker;
    }

    /** The one line a failed start prints on stderr. */
    private static String errorLine(GregorProcess broker) {
        List<String> errors = broker.output().lines().filter(l -> l.startsWith("Error: ")).toList();
        assertThat(errors).as("one error line in:%n%s", broker.output()).hasSize(1);
        return errors.get(0);
    }

    private void produceRecords() throws Exception {
        try (Admin admin = Clients.admin(bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrapServers(), Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                sends.add(producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "key-" + i, "value-" + i)));
            }
            for (Future<RecordMetadata> f : sends) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private List<ConsumerRecord<String, String>> readAllAfterStart(List<String> overrides) throws Exception {
        GregorProcess broker = start(overrides);
        try {
            return readAll();
        } finally {
            broker.stop(Duration.ofSeconds(30));
        }
    }

    private List<String> topics() throws Exception {
        try (Admin admin = Clients.admin(bootstrapServers())) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            return List.copyOf(names);
        }
    }

    private List<ConsumerRecord<String, String>> readAll() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrapServers(), Map.of())) {
            return Consume.readToEnd(consumer, partitions, Duration.ofSeconds(30));
        }
    }

    private String bootstrapServers() {
        return "127.0.0.1:" + port;
    }
}
