package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Consumer groups with the unmodified Kafka Java consumer (classic protocol): partitions shared
 * among members and moved when members leave or die, manual, asynchronous and automatic
 * commits, rebalance listeners, the eager and cooperative assignors, static membership, and
 * groups that read the same topic independently. One broker for the class; every test uses its
 * own topic and group.
 */
class ConsumerGroupIT {
    /** Kafka's group.min.session.timeout.ms default, the smallest a consumer may ask for. */
    private static final int SESSION_TIMEOUT_MS = 6_000;
    private static final Duration CONVERGE = Duration.ofSeconds(40);

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig("group.initial.rebalance.delay.ms", "0");

    @TempDir
    static Path scratch;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception | AssertionError e) {
                // The test's own outcome matters more than a resource that would not close.
            }
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    @Test
    void shouldShareSixPartitionsAndMoveThemToTheSurvivorWhenMembersLeaveOrDie() throws Exception {
        // Given three members of one group on a six-partition topic, one of them in a JVM of its own
        String topic = "orders";
        String group = "order-processors";
        broker.createTopic(topic, 6);
        ProcessingLog log = new ProcessingLog();
        Map<String, Object> settings = Map.of(
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500,
            ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 30_000);
        GroupMemberThread a = track(GroupMemberThread.start("member-a", broker.bootstrapServers(), group, topic, settings, log));
        GroupMemberThread b = track(GroupMemberThread.start("member-b", broker.bootstrapServers(), group, topic, settings, log));
        KillableMember c = track(KillableMember.start("member-c", scratch, broker.bootstrapServers(), group, topic, SESSION_TIMEOUT_MS));
        await().atMost(CONVERGE).failFast(() -> assertThat(c.isAlive()).as(c::stderr).isTrue()).untilAsserted(() ->
            assertShares(List.of(a.assignment(), b.assignment(), c.assignment()), 2, 6));
        PacedProducer producer = track(new PacedProducer(broker.bootstrapServers(), topic, 6, "order", 20_000));
        await().atMost(Duration.ofSeconds(30)).until(() -> log.processedBy("member-a").size() >= 10
            && log.processedBy("member-b").size() >= 10 && c.log().processedBy("member-c").size() >= 10);

        // When one member is closed (LeaveGroup)
        long leftAt = ProcessingLog.nowMicros();
        b.close();

        // Then its partitions move at once, well within a session timeout
        await().atMost(Duration.ofMillis(SESSION_TIMEOUT_MS)).untilAsserted(() ->
            assertShares(List.of(a.assignment(), c.assignment()), 3, 6));
        Set<Integer> partitionsOfC = c.assignment();
        await().atMost(Duration.ofSeconds(30)).until(() -> c.log().committedBy("member-c").stream()
            .filter(commit -> commit.micros() > leftAt).map(ProcessingLog.Committed::partition).collect(Collectors.toSet())
            .containsAll(partitionsOfC));

        // When another one dies without leaving the group
        c.kill();
        long killedAt = System.nanoTime();
        long killedAtMicros = ProcessingLog.nowMicros();

        // Then the survivor gets its partitions once the broker has missed its heartbeats for a
        // session timeout (plus the survivor's next heartbeat and rejoin)
        await().atMost(Duration.ofMillis(SESSION_TIMEOUT_MS + 5_000)).until(() -> a.assignment().size() == 6);
        System.out.printf("partitions of the killed member moved after %d ms (session timeout %d ms)%n",
            (System.nanoTime() - killedAt) / 1_000_000, SESSION_TIMEOUT_MS);
        List<String> sent = producer.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(group, topic).equals(endOffsets(topic, 6)));
        a.close();

        // And across the three members no record was lost, and none that was committed came again
        ProcessingLog all = new ProcessingLog();
        all.addAll(log);
        all.addAll(c.log());
        System.out.printf("%d records sent, %d processed, %d of them twice (processed but not committed by a member that died)%n",
            sent.size(), all.processed().size(), all.duplicates());
        all.assertNothingLost(sent);
        all.assertNoCommittedRecordDeliveredAgain();
        Map<Integer, Long> lastOfC = all.lastCommitted("member-c");
        for (int partition : partitionsOfC) {
            assertThat(all.processedBy("member-a")).as("what member-a read of partition %d after member-c died", partition)
                .filteredOn(p -> p.partition() == partition && p.micros() > killedAtMicros).isNotEmpty()
                .allSatisfy(p -> assertThat(p.offset()).isGreaterThanOrEqualTo(lastOfC.get(partition)));
        }
    }

    @Test
    void shouldCommitAsynchronouslyAndReportToTheCallback() throws Exception {
        // Given a consumer that has read everything
        String topic = "async-commits";
        String group = "async-committer";
        produce(topic, 2, 10, "async");
        KafkaConsumer<String, String> consumer = broker.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group));
        consumer.subscribe(List.of(topic));
        pollUntil(consumer, new ArrayList<>(), 20);

        // When
        AtomicReference<Map<TopicPartition, OffsetAndMetadata>> reported = new AtomicReference<>();
        AtomicReference<Exception> error = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        consumer.commitAsync((offsets, exception) -> {
            reported.set(offsets);
            error.set(exception);
            calls.incrementAndGet();
        });
        await().atMost(Duration.ofSeconds(20)).pollInSameThread().until(() -> {
            consumer.poll(Duration.ofMillis(50));
            return calls.get() > 0;
        });

        // Then
        assertThat(error.get()).isNull();
        assertThat(calls.get()).isEqualTo(1);
        assertThat(reported.get()).containsOnlyKeys(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        assertThat(reported.get().values()).extracting(OffsetAndMetadata::offset).containsOnly(10L);
        assertThat(committed(group, topic)).isEqualTo(Map.of(0, 10L, 1, 10L));
    }

    @Test
    void shouldAutoCommitAtTheAutoCommitInterval() throws Exception {
        // Given
        String topic = "auto-commits";
        String group = "auto-committer";
        produce(topic, 2, 10, "auto");
        KafkaConsumer<String, String> consumer = broker.consumer(Map.of(
            ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true,
            ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, 200));
        consumer.subscribe(List.of(topic));

        // When it reads everything and goes on polling
        pollUntil(consumer, new ArrayList<>(), 20);

        // Then the offsets are committed while it runs (not only when it closes)
        await().atMost(Duration.ofSeconds(10)).pollInSameThread().until(() -> {
            consumer.poll(Duration.ofMillis(50));
            return committed(group, topic).equals(Map.of(0, 10L, 1, 10L));
        });
    }

    /** Commits the positions of revoked partitions in onPartitionsRevoked, the pattern of the Kafka consumer docs. */
    private static final class CommitOnRevoke implements ConsumerRebalanceListener {
        final List<Set<TopicPartition>> revocations = new CopyOnWriteArrayList<>();
        final Map<TopicPartition, Long> committedOnRevoke = new HashMap<>();
        KafkaConsumer<String, String> consumer;

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            revocations.add(Set.copyOf(partitions));
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : partitions) {
                offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
            }
            consumer.commitSync(offsets);
            offsets.forEach((tp, o) -> committedOnRevoke.put(tp, o.offset()));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"range", "cooperative-sticky"})
    void shouldHandPartitionsOverWhereTheRebalanceListenerCommitted(String assignor) throws Exception {
        // Given a member that has read four partitions without committing
        String topic = "revoke-" + assignor;
        String group = topic + "-group";
        produce(topic, 4, 10, "before");
        CommitOnRevoke firstListener = new CommitOnRevoke();
        KafkaConsumer<String, String> first = groupConsumer(group, assignor, "first");
        firstListener.consumer = first;
        first.subscribe(List.of(topic), firstListener);
        List<ConsumerRecord<String, String>> readByFirst = new ArrayList<>();
        pollUntil(first, readByFirst, 40);

        // When a second member joins
        CommitOnRevoke secondListener = new CommitOnRevoke();
        KafkaConsumer<String, String> second = groupConsumer(group, assignor, "second");
        secondListener.consumer = second;
        second.subscribe(List.of(topic), secondListener);
        List<ConsumerRecord<String, String>> readBySecond = new ArrayList<>();
        await().atMost(CONVERGE).pollInSameThread().pollInterval(Duration.ofMillis(1)).untilAsserted(() -> {
            first.poll(Duration.ofMillis(50)).forEach(readByFirst::add);
            second.poll(Duration.ofMillis(50)).forEach(readBySecond::add);
            assertShares(List.of(GroupMemberLoop.partitionsOf(first.assignment()), GroupMemberLoop.partitionsOf(second.assignment())), 2, 4);
        });

        // Then the listener saw the partitions the protocol takes away: all of them (eager), or
        // only those that move (cooperative)
        Set<TopicPartition> moved = second.assignment();
        Set<TopicPartition> all = partitions(topic, 4);
        if (assignor.equals("range")) {
            assertThat(firstListener.revocations).first().isEqualTo(all);
        } else {
            assertThat(firstListener.revocations.stream().flatMap(Set::stream).collect(Collectors.toSet())).isEqualTo(moved);
        }
        // and its commits took effect
        assertThat(firstListener.committedOnRevoke).containsKeys(moved.toArray(TopicPartition[]::new));
        for (TopicPartition tp : moved) {
            assertThat(committed(group, topic)).containsEntry(tp.partition(), 10L);
        }
        assertThat(readBySecond).as("records the first member had read before the rebalance").isEmpty();

        // When more records arrive, each member reads its partitions on from the committed offsets
        produce(topic, 4, 10, "after");
        await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
            first.poll(Duration.ofMillis(50)).forEach(readByFirst::add);
            second.poll(Duration.ofMillis(50)).forEach(readBySecond::add);
            return readByFirst.size() + readBySecond.size() >= 80;
        });
        assertThat(readBySecond).allSatisfy(r -> assertThat(r.offset()).isGreaterThanOrEqualTo(10));
        assertThat(readBySecond).extracting(ConsumerRecord::partition).containsOnly(partitionNumbers(moved));
        List<String> everything = new ArrayList<>();
        readByFirst.forEach(r -> everything.add(r.partition() + "@" + r.offset()));
        readBySecond.forEach(r -> everything.add(r.partition() + "@" + r.offset()));
        assertThat(everything).as("each record read once").hasSize(80).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"range", "roundrobin", "cooperative-sticky"})
    void shouldConvergeToAnEvenShareWithEveryAssignor(String assignor) throws Exception {
        // Given
        String topic = "converge-" + assignor;
        String group = topic + "-group";
        List<String> sent = produce(topic, 6, 10, "converge");
        ProcessingLog log = new ProcessingLog();
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            KafkaConsumer<String, String> consumer = groupConsumer(group, assignor, "member-" + i);
            consumer.subscribe(List.of(topic));
            members.add(consumer);
        }

        // When / Then: three members share six partitions two by two and read everything once committed
        await().atMost(CONVERGE).pollInSameThread().pollInterval(Duration.ofMillis(1)).untilAsserted(() -> {
            pollAndCommit(members, log);
            assertShares(members.stream().map(m -> GroupMemberLoop.partitionsOf(m.assignment())).toList(), 2, 6);
            assertThat(committed(group, topic)).isEqualTo(endOffsets(topic, 6));
        });
        assertStable(group, 3, 2);

        // When / Then: one leaves, the two others share its partitions
        members.remove(2).close(Duration.ofSeconds(10));
        await().atMost(CONVERGE).pollInSameThread().pollInterval(Duration.ofMillis(1)).untilAsserted(() -> {
            pollAndCommit(members, log);
            assertShares(members.stream().map(m -> GroupMemberLoop.partitionsOf(m.assignment())).toList(), 3, 6);
        });
        assertStable(group, 2, 3);
        log.assertNothingLost(sent);
        log.assertNoCommittedRecordDeliveredAgain();
    }

    @Test
    void shouldLetAStaticMemberRestartWithoutARebalance() throws Exception {
        // Given two static members sharing four partitions
        String topic = "static-members";
        String group = "static-group";
        produce(topic, 4, 5, "static");
        AtomicInteger otherAssignments = new AtomicInteger();
        KafkaConsumer<String, String> restarting = track(staticConsumer(group, "pod-x"));
        KafkaConsumer<String, String> other = track(staticConsumer(group, "pod-y"));
        restarting.subscribe(List.of(topic));
        other.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                otherAssignments.incrementAndGet();
            }
        });
        await().atMost(CONVERGE).pollInSameThread().pollInterval(Duration.ofMillis(1)).untilAsserted(() -> {
            restarting.poll(Duration.ofMillis(50));
            other.poll(Duration.ofMillis(50));
            assertShares(List.of(GroupMemberLoop.partitionsOf(restarting.assignment()), GroupMemberLoop.partitionsOf(other.assignment())), 2, 4);
        });
        Set<TopicPartition> assignmentBefore = Set.copyOf(restarting.assignment());
        int generation = other.groupMetadata().generationId();
        int assignmentsOfOther = otherAssignments.get();

        // When one restarts within the session timeout (a static member does not leave on close)
        restarting.close(Duration.ofSeconds(10));
        KafkaConsumer<String, String> restarted = track(staticConsumer(group, "pod-x"));
        restarted.subscribe(List.of(topic));
        await().atMost(Duration.ofSeconds(SESSION_TIMEOUT_MS / 1000)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
            restarted.poll(Duration.ofMillis(50));
            other.poll(Duration.ofMillis(50));
            return !restarted.assignment().isEmpty();
        });
        other.poll(Duration.ofMillis(200));

        // Then it gets its partitions back in the same generation, and the other member noticed nothing
        assertThat(restarted.assignment()).isEqualTo(assignmentBefore);
        assertThat(restarted.groupMetadata().generationId()).isEqualTo(generation);
        assertThat(other.groupMetadata().generationId()).isEqualTo(generation);
        assertThat(otherAssignments.get()).as("rebalances the other member went through").isEqualTo(assignmentsOfOther);
        ConsumerGroupDescription description = describe(group);
        assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(description.members()).extracting(m -> m.groupInstanceId().orElse(null)).containsExactlyInAnyOrder("pod-x", "pod-y");
        assertThat(description.members()).filteredOn(m -> m.groupInstanceId().orElse("").equals("pod-x"))
            .extracting(MemberDescription::consumerId).containsExactly(restarted.groupMetadata().memberId());
    }

    @Test
    void shouldLetTwoGroupsReadTheSameTopicIndependently() throws Exception {
        // Given one group that read and committed everything
        String topic = "shared-topic";
        produce(topic, 3, 10, "first");
        try (KafkaConsumer<String, String> billing = Clients.consumer(broker.bootstrapServers(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, "billing"))) {
            billing.subscribe(List.of(topic));
            pollUntil(billing, new ArrayList<>(), 30);
            billing.commitSync();
        }

        // When a second group starts, it reads everything from the beginning
        KafkaConsumer<String, String> audit = broker.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "audit"));
        audit.subscribe(List.of(topic));
        List<ConsumerRecord<String, String>> readByAudit = new ArrayList<>();
        pollUntil(audit, readByAudit, 30);
        audit.commitSync();
        assertThat(readByAudit).extracting(ConsumerRecord::value).doesNotHaveDuplicates().hasSize(30);

        // and when more records come, each group reads just those, from its own committed offsets
        produce(topic, 3, 5, "second");
        List<ConsumerRecord<String, String>> newForAudit = new ArrayList<>();
        pollUntil(audit, newForAudit, 15);
        audit.commitSync();
        List<ConsumerRecord<String, String>> newForBilling = new ArrayList<>();
        try (KafkaConsumer<String, String> billing = Clients.consumer(broker.bootstrapServers(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, "billing"))) {
            billing.subscribe(List.of(topic));
            pollUntil(billing, newForBilling, 15);
            assertThat(committed("billing", topic)).isEqualTo(Map.of(0, 10L, 1, 10L, 2, 10L));
        }

        // Then
        assertThat(newForAudit).extracting(ConsumerRecord::value).allMatch(v -> v.startsWith("second-")).hasSize(15);
        assertThat(newForBilling).extracting(ConsumerRecord::value).allMatch(v -> v.startsWith("second-")).hasSize(15);
        assertThat(committed("audit", topic)).isEqualTo(Map.of(0, 15L, 1, 15L, 2, 15L));
    }

    // ---- helpers ----

    private KafkaConsumer<String, String> groupConsumer(String group, String assignor, String clientId) {
        return broker.consumer(Map.of(
            ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.CLIENT_ID_CONFIG, clientId,
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignorClass(assignor),
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500));
    }

    private KafkaConsumer<String, String> staticConsumer(String group, String instanceId) {
        return Clients.consumer(broker.bootstrapServers(), Map.of(
            ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId,
            ConsumerConfig.CLIENT_ID_CONFIG, instanceId,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 2 * SESSION_TIMEOUT_MS,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500));
    }

    private static String assignorClass(String assignor) {
        return switch (assignor) {
            case "range" -> RangeAssignor.class.getName();
            case "roundrobin" -> RoundRobinAssignor.class.getName();
            case "cooperative-sticky" -> CooperativeStickyAssignor.class.getName();
            default -> throw new IllegalArgumentException(assignor);
        };
    }

    /** Each member holds {@code perMember} partitions, no partition twice, all {@code total} held. */
    private static void assertShares(List<Set<Integer>> assignments, int perMember, int total) {
        Set<Integer> union = new HashSet<>();
        for (Set<Integer> assignment : assignments) {
            assertThat(assignment).as("assignments %s", assignments).hasSize(perMember);
            for (int p : assignment) {
                assertThat(union.add(p)).as("partition %d held twice in %s", p, assignments).isTrue();
            }
        }
        assertThat(union).hasSize(total);
    }

    private static void assertStable(String group, int members, int partitionsEach) throws Exception {
        ConsumerGroupDescription description = describe(group);
        assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(description.members()).hasSize(members)
            .allSatisfy(m -> assertThat(m.assignment().topicPartitions()).hasSize(partitionsEach));
    }

    private static ConsumerGroupDescription describe(String group) throws Exception {
        return broker.admin().describeConsumerGroups(List.of(group)).all().get().get(group);
    }

    /** One poll of every member, then commitSync of what each read; a commit refused during a rebalance is skipped. */
    private static void pollAndCommit(List<KafkaConsumer<String, String>> members, ProcessingLog log) {
        for (KafkaConsumer<String, String> member : members) {
            String name = member.groupMetadata().memberId();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (ConsumerRecord<String, String> r : member.poll(Duration.ofMillis(50))) {
                log.processed(name, r.partition(), r.offset(), r.value());
                offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            }
            if (offsets.isEmpty()) {
                continue;
            }
            try {
                member.commitSync(offsets);
                offsets.forEach((tp, o) -> log.committed(name, tp.partition(), o.offset()));
            } catch (CommitFailedException | RebalanceInProgressException e) {
                // Not committed; the next owner reads these again.
            }
        }
    }

    /** Polls until {@code into} holds at least {@code count} records. */
    private static void pollUntil(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> into, int count) {
        int target = into.size() + count;
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
            consumer.poll(Duration.ofMillis(100)).forEach(into::add);
            return into.size() >= target;
        });
    }

    /** Creates the topic if needed and writes {@code perPartition} records to each partition; returns their values. */
    private static List<String> produce(String topic, int partitions, int perPartition, String prefix) throws Exception {
        if (!broker.admin().listTopics().names().get().contains(topic)) {
            broker.createTopic(topic, partitions);
        }
        List<String> values = new ArrayList<>();
        KafkaProducer<String, String> producer = broker.producer(Map.of());
        for (int p = 0; p < partitions; p++) {
            for (int i = 0; i < perPartition; i++) {
                String value = prefix + "-" + p + "-" + i;
                producer.send(new ProducerRecord<>(topic, p, "k" + i, value));
                values.add(value);
            }
        }
        producer.flush();
        return values;
    }

    private static Set<TopicPartition> partitions(String topic, int count) {
        Set<TopicPartition> out = new HashSet<>();
        for (int p = 0; p < count; p++) {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }

    private static Integer[] partitionNumbers(Set<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toArray(Integer[]::new);
    }

    /** The group's committed offsets on the topic, by partition. */
    private static Map<Integer, Long> committed(String group, String topic) throws Exception {
        Map<Integer, Long> out = new HashMap<>();
        broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((tp, o) -> {
            if (tp.topic().equals(topic) && o != null) {
                out.put(tp.partition(), o.offset());
            }
        });
        return out;
    }

    private static Map<Integer, Long> endOffsets(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<Integer, Long> out = new HashMap<>();
        broker.admin().listOffsets(request).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }
}
