package io.gregor.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gregor.testkit.GregorTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several instances of the word-count application, each in a JVM of its own, in one group on an
 * in-process Gregor broker: they share the tasks, keep standby replicas, and when one is killed
 * with SIGKILL in the middle of processing, its tasks continue elsewhere from the changelog.
 *
 * <p>Under at-least-once a kill may make Streams process some records twice, never lose one: a
 * final count is never below the truth, and the counts together exceed it by at most what was
 * in flight at the kill (records past the committed offsets of the input and repartition topics).
 */
class StreamsFailoverIT {
    private static final int PARTITIONS = 6;
    private static final String APP = WordCountApp.APPLICATION_ID;
    private static final String REPARTITION = APP + "-words-repartition";
    private static final String CHANGELOG = APP + "-word-counts-changelog";

    @TempDir
    Path scratch;

    private GregorTestCluster cluster;
    private final List<InstanceProcess> instances = new ArrayList<>();

    @BeforeEach
    void startClusterAndCreateTopics() throws Exception {
        cluster = GregorTestCluster.builder().partitions(PARTITIONS).start();
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : WordCountTopology.USER_TOPICS) {
            topics.add(new NewTopic(topic, topic.equals(WordCountTopology.TEXT_LINES) ? PARTITIONS : 1, (short) 1));
        }
        cluster.admin().createTopics(topics).all().get();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (InstanceProcess instance : instances) {
            instance.close();
            // Failsafe keeps this in the test's output file: what each instance logged.
            System.out.println("==== " + instance.name() + " stderr ====\n" + instance.stderr());
        }
        cluster.close();
    }

    @Test
    void shouldShareTasksWithStandbysAndMoveAKilledInstancesTasksToItsStandbys() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            start(name, 1);
        }
        Set<String> allTasks = allTasks();
        Set<String> statefulTasks = statefulTasks();
        await("three instances running, sharing all tasks, with a standby of each stateful task")
            .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(instances).allSatisfy(i -> {
                    assertThat(i.state()).isEqualTo("RUNNING");
                    assertThat(i.activeTasks()).as("active tasks of %s", i).isNotEmpty();
                });
                assertThat(activeTasks(instances)).isEqualTo(allTasks);
                for (String task : statefulTasks) {
                    List<InstanceProcess> standbys = instances.stream().filter(i -> i.standbyTasks().contains(task)).toList();
                    assertThat(standbys).as("standbys of %s in %s", task, instances).hasSize(1);
                    assertThat(standbys.get(0).activeTasks()).doesNotContain(task);
                }
            });

        List<String> lines = TextInput.lines(7, 1500);
        try (KafkaProducer<String, String> producer = Topics.producer(cluster.bootstrapServers())) {
            Topics.sendLines(producer, lines.subList(0, 500), 0, null);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> !Topics.latestCounts(cluster.bootstrapServers(), WordCountTopology.WORD_COUNTS).isEmpty());

            // The rest arrives while the instance with the most stateful tasks dies.
            CompletableFuture<Void> rest = sendPaced(producer, lines, 500);
            InstanceProcess victim = instances.stream()
                .max((x, y) -> Integer.compare(stateful(x.activeTasks()).size(), stateful(y.activeTasks()).size()))
                .orElseThrow();
            Set<String> victimsTasks = stateful(victim.activeTasks());
            victim.kill();
            long bound = inFlightWords();
            rest.get(60, TimeUnit.SECONDS);

            List<InstanceProcess> survivors = instances.stream().filter(InstanceProcess::isAlive).toList();
            await("the survivors take over every task").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(activeTasks(survivors)).as("%s", survivors).isEqualTo(allTasks));
            for (String task : victimsTasks) {
                InstanceProcess owner = survivors.stream().filter(i -> i.activeTasks().contains(task)).findFirst().orElseThrow();
                assertThat(owner.everStandby().contains(task) || restored(owner, task))
                    .as("%s's task %s continues on %s, which kept a standby of it or restored it from %s", victim.name(), task, owner, CHANGELOG)
                    .isTrue();
            }

            assertCountsAtLeastOnce(lines, bound);
            assertRepartitionTopicPurged();
        }
    }

    @Test
    void shouldRestoreAKilledInstancesStateFromTheChangelogInAFreshInstance() throws Exception {
        InstanceProcess first = start("first", 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> first.state().equals("RUNNING") && activeTasks(List.of(first)).equals(allTasks()));

        List<String> lines = TextInput.lines(11, 1000);
        try (KafkaProducer<String, String> producer = Topics.producer(cluster.bootstrapServers())) {
            Topics.sendLines(producer, lines.subList(0, 500), 0, null);
            Map<String, Long> truth = TextInput.counts(lines.subList(0, 500));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Topics.latestCounts(cluster.bootstrapServers(), WordCountTopology.WORD_COUNTS).equals(truth));
            first.kill();
            long bound = inFlightWords();

            // A new instance, with an empty state directory, on another "machine".
            InstanceProcess second = start("second", 0);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(activeTasks(List.of(second))).as("%s", second).isEqualTo(allTasks()));
            Map<Integer, Long> restored = new HashMap<>();
            for (String[] event : second.events()) {
                if (event[0].equals("RESTORE_END") && event[1].equals(CHANGELOG)) {
                    restored.merge(Integer.parseInt(event[2]), Long.parseLong(event[3]), Long::sum);
                }
            }
            Set<Integer> written = new TreeSet<>();
            endOffsets(cluster.admin(), CHANGELOG).forEach((partition, end) -> {
                if (end > 0) {
                    written.add(partition.partition());
                }
            });
            assertThat(restored.keySet()).as("changelog partitions restored by %s", second).isEqualTo(written);
            assertThat(restored.values().stream().mapToLong(Long::longValue).sum())
                .as("records restored from %s", CHANGELOG).isGreaterThanOrEqualTo(truth.size());

            Topics.sendLines(producer, lines.subList(500, lines.size()), 500, null);
            assertCountsAtLeastOnce(lines, bound);
        }
    }

    private InstanceProcess start(String name, int standbys) throws Exception {
        Path stateDir = Files.createDirectories(scratch.resolve(name + "-state"));
        InstanceProcess instance = InstanceProcess.start(name, scratch, List.of(
            "--bootstrap-server", cluster.bootstrapServers(),
            "--config", StreamsConfig.STATE_DIR_CONFIG + "=" + stateDir,
            "--config", StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG + "=" + standbys,
            "--config", StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG + "=1000",
            // A dead instance leaves the group after 6 s (the broker's minimum) instead of 45 s.
            "--config", "session.timeout.ms=6000",
            "--config", "heartbeat.interval.ms=1000"));
        instances.add(instance);
        return instance;
    }

    /** The lines from {@code from} on, in batches of 50 every 100 ms, while an instance is being killed. */
    private static CompletableFuture<Void> sendPaced(KafkaProducer<String, String> producer, List<String> lines, int from) {
        int batches = (lines.size() - from + 49) / 50;
        return atFixedRate(batches, 100, batch -> {
            int start = from + batch * 50;
            try {
                Topics.sendLines(producer, lines.subList(start, Math.min(start + 50, lines.size())), start, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
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

    /**
     * What a kill can make Streams count twice: the words of the input records past the group's
     * committed offsets, plus the repartition records past them (the changelog may already hold
     * their effect). Called right after a kill, before any other member takes over.
     */
    private long inFlightWords() throws Exception {
        Admin admin = cluster.admin();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APP).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> ends = endOffsets(admin, REPARTITION);
        ends.putAll(endOffsets(admin, WordCountTopology.TEXT_LINES));

        long bound = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (end.getKey().topic().equals(REPARTITION)) {
                bound += end.getValue() - committedOffset(committed, end.getKey());
            }
        }
        for (ConsumerRecord<String, String> record : Topics.readAll(cluster.bootstrapServers(), WordCountTopology.TEXT_LINES)) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (record.offset() >= committedOffset(committed, partition) && record.offset() < ends.get(partition)) {
                bound += TextInput.wordCount(List.of(record.value()));
            }
        }
        System.out.println("At the kill: committed " + committed + ", end offsets " + ends + ", at most " + bound + " words in flight");
        return bound;
    }

    private static long committedOffset(Map<TopicPartition, OffsetAndMetadata> committed, TopicPartition partition) {
        OffsetAndMetadata offset = committed.get(partition);
        return offset == null ? 0 : offset.offset();
    }

    /** Waits until the group has committed everything, then checks the final counts against the truth. */
    private void assertCountsAtLeastOnce(List<String> lines, long inFlightAtKill) throws Exception {
        Admin admin = cluster.admin();
        await("the group has committed every input and repartition record").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> {
                Map<TopicPartition, Long> ends = endOffsets(admin, WordCountTopology.TEXT_LINES);
                ends.putAll(endOffsets(admin, REPARTITION));
                ends.values().removeIf(end -> end == 0);
                Map<TopicPartition, Long> committed = admin.listConsumerGroupOffsets(APP).partitionsToOffsetAndMetadata().get()
                    .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
                assertThat(committed).containsAllEntriesOf(ends);
            });

        Map<String, Long> truth = TextInput.counts(lines);
        Map<String, Long> counts = Topics.latestCounts(cluster.bootstrapServers(), WordCountTopology.WORD_COUNTS);
        assertThat(counts.keySet()).isEqualTo(truth.keySet());
        long overcount = 0;
        for (Map.Entry<String, Long> word : truth.entrySet()) {
            assertThat(counts.get(word.getKey())).as("count of '%s' (never below the truth)", word.getKey()).isGreaterThanOrEqualTo(word.getValue());
            overcount += counts.get(word.getKey()) - word.getValue();
        }
        System.out.println("Counted " + overcount + " words twice; at most " + inFlightAtKill + " were in flight at the kill");
        assertThat(overcount).as("words counted twice (only replays of what was in flight at the kill)").isLessThanOrEqualTo(inFlightAtKill);
    }

    private void assertRepartitionTopicPurged() {
        Admin admin = cluster.admin();
        await("Streams purges the repartition topic (DeleteRecords) up to its commits")
            .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Map<TopicPartition, Long> ends = endOffsets(admin, REPARTITION);
                Map<TopicPartition, Long> starts = offsets(admin, ends.keySet(), OffsetSpec.earliest());
                assertThat(starts).isEqualTo(ends);
            });
    }

    /** Task ids ({@code subtopology_partition}) of the topology on this test's topics. */
    private static Set<String> allTasks() {
        Set<String> tasks = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : WordCountTopology.build().describe().subtopologies()) {
            boolean lookups = sub.nodes().stream().anyMatch(n -> n instanceof TopologyDescription.Source s
                && s.topicSet() != null && s.topicSet().contains(WordCountTopology.WORD_LOOKUPS));
            int partitions = lookups ? 1 : PARTITIONS;
            for (int p = 0; p < partitions; p++) {
                tasks.add(sub.id() + "_" + p);
            }
        }
        return tasks;
    }

    /** The tasks with state stores: those of the counting subtopology. */
    private static Set<String> statefulTasks() {
        return stateful(allTasks());
    }

    private static Set<String> stateful(Set<String> tasks) {
        Set<Integer> statefulSubtopologies = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : WordCountTopology.build().describe().subtopologies()) {
            if (sub.nodes().stream().anyMatch(n -> n instanceof TopologyDescription.Processor p && !p.stores().isEmpty())) {
                statefulSubtopologies.add(sub.id());
            }
        }
        return tasks.stream().filter(t -> statefulSubtopologies.contains(Integer.parseInt(t.substring(0, t.indexOf('_')))))
            .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The active tasks of {@code instances}, which must not overlap. */
    private static Set<String> activeTasks(List<InstanceProcess> instances) {
        Set<String> all = new TreeSet<>();
        for (InstanceProcess instance : instances) {
            for (String task : instance.activeTasks()) {
                assertThat(all.add(task)).as("task %s active on one instance only: %s", task, instances).isTrue();
            }
        }
        return all;
    }

    private static boolean restored(InstanceProcess instance, String task) {
        String partition = task.substring(task.indexOf('_') + 1);
        return instance.events().stream().anyMatch(e -> e[0].equals("RESTORE_START") && e[1].equals(CHANGELOG) && e[2].equals(partition));
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        return offsets(admin, partitions, OffsetSpec.latest());
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Set<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        return offsets(admin, List.copyOf(partitions), spec);
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        return new HashMap<>(admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec))).all().get()
            .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset())));
    }
}
