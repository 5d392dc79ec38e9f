package io.gregor.metadata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.TopicImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same scenarios against the Curator stores on an embedded ZooKeeper and against the
 * in-memory model: what the code above the stores relies on (versions, fencing, deletions,
 * config layers, sessions, the election, the order of images) must hold for both.
 */
class MetadataStoreContractTest {
    private static final Map<Integer, List<Integer>> TWO_PARTITIONS = Map.of(0, List.of(0, 1), 1, List.of(1, 0));

    @TempDir
    Path dir;

    private MetadataBackend backend;

    private MetadataBackend start(MetadataBackend.Kind kind) throws Exception {
        backend = kind.start(dir);
        return backend;
    }

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldPublishACreatedTopicWithItsIdPartitionStatesAndConfigs(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        Uuid id = Uuid.randomUuid();

        b.topics().createTopic("orders", id, TWO_PARTITIONS, Map.of("retention.ms", "1000"), initialStates());

        TopicImage topic = awaitImage(i -> i.topic("orders") != null && i.topic("orders").partitions().values().stream()
            .allMatch(PartitionImage::hasLeader)).topic("orders");
        assertThat(topic.id()).isEqualTo(id);
        assertThat(b.view().image().topic(id)).isSameAs(topic);
        assertThat(topic.configs()).containsExactly(Map.entry("retention.ms", "1000"));
        assertThat(topic.assignmentVersion()).isZero();
        assertThat(topic.partition(1).replicas()).containsExactly(1, 0);
        assertThat(topic.partition(1).state()).isEqualTo(new PartitionState(1, 0, List.of(1, 0), 0, 0));
        assertThat(topic.partition(1).stateVersion()).isZero();
        assertThat(b.topics().topicVersion("orders")).isZero();
        assertThat(b.topics().topicVersion("nope")).isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldRefuseToCreateATopicThatExists(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        b.topics().createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of(), initialStates());

        assertThatThrownBy(() -> b.topics().createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of(), initialStates()))
            .isInstanceOf(TopicExistsException.class);
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldUpdateAPartitionStateOnlyFromItsCurrentVersion(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        b.topics().createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of(), initialStates());
        PartitionState shrunk = new PartitionState(0, 0, List.of(0), 0, 1);

        assertThat(b.topics().updatePartitionState("t", 0, shrunk, 0, TopicStore.UNFENCED)).isTrue();
        assertThat(b.topics().updatePartitionState("t", 0, shrunk.withIsr(List.of(0, 1)), 0, TopicStore.UNFENCED)).isFalse();
        assertThat(b.topics().updatePartitionState("gone", 0, shrunk, 0, TopicStore.UNFENCED)).isFalse();

        PartitionImage p = awaitImage(i -> i.topic("t") != null && i.topic("t").partition(0).stateVersion() == 1).topic("t").partition(0);
        assertThat(p.state()).isEqualTo(shrunk);
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldFenceTheWritesOfADeposedController(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        b.topics().createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of(), initialStates());
        ControllerEpoch deposed = b.controller().incrementControllerEpoch();
        ControllerEpoch current = b.controller().incrementControllerEpoch();
        PartitionState moved = new PartitionState(1, 1, List.of(1), current.epoch(), 1);

        assertThat(current.epoch()).isEqualTo(deposed.epoch() + 1);
        assertThat(b.topics().updatePartitionState("t", 0, moved, 0, deposed.version())).isFalse();
        assertThat(b.topics().writeAssignment("t", Uuid.randomUuid(), ReplicaAssignment.of(Map.of(0, List.of(1), 1, List.of(1))), 0,
            Map.of(0, moved), Map.of(0, 0), deposed.version())).isFalse();
        assertThat(b.topics().updatePartitionState("t", 0, moved, 0, current.version())).isTrue();

        awaitImage(i -> i.topic("t") != null && i.topic("t").partition(0).leader() == 1);
        assertThat(b.view().image().topic("t").assignmentVersion()).isZero();
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldAddPartitionsOnlyFromTheCurrentTopicVersion(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        Uuid id = Uuid.randomUuid();
        b.topics().createTopic("t", id, TWO_PARTITIONS, Map.of(), initialStates());
        Map<Integer, List<Integer>> three = Map.of(0, List.of(0, 1), 1, List.of(1, 0), 2, List.of(0, 1));
        Map<Integer, PartitionState> third = Map.of(2, new PartitionState(0, 0, List.of(0, 1), 0, 0));

        assertThat(b.topics().addPartitions("t", id, three, 1, third)).isFalse();
        assertThat(b.topics().addPartitions("t", id, three, 0, third)).isTrue();
        assertThatThrownBy(() -> b.topics().addPartitions("nope", id, three, 0, third)).isInstanceOf(UnknownTopicOrPartitionException.class);

        TopicImage topic = awaitImage(i -> i.topic("t") != null && i.topic("t").partitions().size() == 3
            && i.topic("t").partition(2).hasLeader()).topic("t");
        assertThat(topic.assignmentVersion()).isEqualTo(1);
        assertThat(topic.partition(0).stateVersion()).isZero();
        assertThat(b.topics().topicVersion("t")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldKeepTheFirstStateCreatedForAPartition(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        b.topics().createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of(), Map.of(0, new PartitionState(0, 0, List.of(0, 1), 0, 0)));
        PartitionState controllers = new PartitionState(1, 0, List.of(1), 3, 0);

        assertThat(b.topics().createPartitionState("t", 1, controllers)).isTrue();
        assertThat(b.topics().createPartitionState("t", 1, new PartitionState(0, 0, List.of(0), 4, 0))).isFalse();

        PartitionImage p = awaitImage(i -> i.topic("t") != null && i.topic("t").partition(1).hasLeader()).topic("t").partition(1);
        assertThat(p.state()).isEqualTo(controllers);
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldRecordAReassignmentAndCompleteItTogetherWithItsStates(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        Uuid id = Uuid.randomUuid();
        b.topics().createTopic("t", id, Map.of(0, List.of(0, 1)), Map.of(), Map.of(0, new PartitionState(0, 0, List.of(0, 1), 0, 0)));
        ReplicaAssignment moving = new ReplicaAssignment(Map.of(0, List.of(2, 1, 0)), Map.of(0, List.of(2)), Map.of(0, List.of(0)));

        assertThat(b.topics().writeAssignment("t", id, moving, 0, Map.of(), Map.of(), TopicStore.UNFENCED)).isTrue();
        PartitionImage during = awaitImage(i -> i.topic("t") != null && i.topic("t").partition(0).isReassigning()).topic("t").partition(0);
        assertThat(during.replicas()).containsExactly(2, 1, 0);
        assertThat(during.addingReplicas()).containsExactly(2);
        assertThat(during.removingReplicas()).containsExactly(0);
        assertThat(during.targetReplicas()).containsExactly(2, 1);

        PartitionState handedOver = during.state().withLeader(2, List.of(2, 1), 1);
        ReplicaAssignment done = new ReplicaAssignment(Map.of(0, List.of(2, 1)), Map.of(0, List.of()), Map.of());
        assertThat(b.topics().writeAssignment("t", id, done, 1, Map.of(0, handedOver), Map.of(0, 1), TopicStore.UNFENCED)).isFalse();
        assertThat(b.topics().writeAssignment("t", id, done, 1, Map.of(0, handedOver), Map.of(0, 0), TopicStore.UNFENCED)).isTrue();

        // One transaction, but the cache may see the topic node before the state node.
        TopicImage after = awaitImage(i -> i.topic("t") != null && !i.topic("t").partition(0).isReassigning()
            && i.topic("t").partition(0).stateVersion() == 1).topic("t");
        assertThat(after.partition(0).replicas()).containsExactly(2, 1);
        assertThat(after.partition(0).state()).isEqualTo(handedOver);
        assertThat(after.partition(0).stateVersion()).isEqualTo(1);
        assertThat(after.assignmentVersion()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldMarkATopicForDeletionAndDeleteItWithItsConfigs(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        Uuid id = Uuid.randomUuid();
        b.topics().createTopic("t", id, TWO_PARTITIONS, Map.of("cleanup.policy", "compact"), initialStates());
        awaitImage(i -> i.topic("t") != null);

        b.topics().markTopicForDeletion("t");
        b.topics().markTopicForDeletion("t");
        awaitImage(i -> i.topic("t").markedForDeletion());
        b.topics().deleteTopic("t");

        MetadataImage gone = awaitImage(i -> i.topic("t") == null);
        assertThat(gone.topic(id)).isNull();
        assertThat(gone.topicNames()).doesNotContainKey(id);
        b.topics().createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of(), initialStates());
        TopicImage again = awaitImage(i -> i.topic("t") != null).topic("t");
        assertThat(again.configs()).isEmpty();
        assertThat(again.markedForDeletion()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldReplaceTopicConfigsAndLayerBrokerConfigsOverTheClusterDefault(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        b.topics().createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of("retention.ms", "1000"), initialStates());

        b.configs().setTopicConfig("t", Map.of("segment.bytes", "1048576"));
        b.configs().setBrokerConfig(ConfigStore.DEFAULT_BROKER_ENTITY, Map.of("log.retention.ms", "5000", "message.max.bytes", "100"));
        b.configs().setBrokerConfig("0", Map.of("log.retention.ms", "7000"));
        b.configs().setBrokerConfig("1", Map.of("log.segment.bytes", "2000"));

        MetadataImage image = awaitImage(i -> "7000".equals(i.brokerConfigs().get("log.retention.ms"))
            && i.topic("t") != null && i.topic("t").configs().containsKey("segment.bytes"));
        assertThat(image.topic("t").configs()).containsExactly(Map.entry("segment.bytes", "1048576"));
        assertThat(image.brokerConfigs()).containsOnly(Map.entry("log.retention.ms", "7000"), Map.entry("message.max.bytes", "100"));
        assertThat(image.defaultBrokerConfigs()).containsOnly(Map.entry("log.retention.ms", "5000"), Map.entry("message.max.bytes", "100"));
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldShowABrokerAliveUntilItDeregistersOrItsSessionEnds(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        MetadataBackend.Session one = b.session(1);
        MetadataBackend.Session two = b.session(2);
        one.brokers().register(broker(1, 9093));
        two.brokers().register(broker(2, 9094));
        assertThat(awaitImage(i -> i.isAlive(1) && i.isAlive(2)).brokers().get(2).endpoint("PLAINTEXT").port()).isEqualTo(9094);

        one.brokers().deregister(1);
        two.end();

        MetadataImage image = awaitImage(i -> !i.isAlive(1) && !i.isAlive(2));
        assertThat(image.brokers()).isEmpty();
        b.brokers().deregister(7);
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldReplaceAStaleRegistrationWithTheSameEndpointsButRefuseAnotherBrokersId(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        b.session(5).brokers().register(broker(5, 9095));

        // A restarted broker 5 on a new session, before the old session expired.
        b.session(6).brokers().register(new BrokerRegistration(5, List.of(new Endpoint("PLAINTEXT", "localhost", 9095)), "r1", 2));
        assertThatThrownBy(() -> b.session(7).brokers().register(broker(5, 9999)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("unique broker.id");

        BrokerRegistration registered = awaitImage(i -> i.isAlive(5) && "r1".equals(i.brokers().get(5).rack())).brokers().get(5);
        assertThat(registered.endpoints()).containsExactly(new Endpoint("PLAINTEXT", "localhost", 9095));
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldRecordTheControllerUntilItsSessionEnds(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        MetadataBackend.Session three = b.session(3);
        ControllerEpoch first = three.controller().incrementControllerEpoch();

        three.controller().registerController(3, 1_000);
        assertThat(awaitImage(i -> i.controllerId() == 3).controllerId()).isEqualTo(3);
        three.controller().removeStaleElectionEntries(3);
        three.end();

        assertThat(awaitImage(i -> i.controllerId() == -1).controllerId()).isEqualTo(-1);
        assertThat(b.controller().incrementControllerEpoch()).isEqualTo(new ControllerEpoch(first.epoch() + 1, first.version() + 1));
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldElectTheNextCandidateWhenTheLeaderLeaves(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        Candidate first = new Candidate(b.session(1).election(1));
        Candidate second = new Candidate(b.session(2).election(2));

        first.election.start(first);
        first.elected.get(10, TimeUnit.SECONDS);
        second.election.start(second);
        assertThat(second.election.hasLeadership()).isFalse();
        first.election.close();

        second.elected.get(10, TimeUnit.SECONDS);
        assertThat(second.election.hasLeadership()).isTrue();
        assertThat(first.election.hasLeadership()).isFalse();
        second.election.close();
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldKeepTheFirstClusterIdAndHandOutDisjointProducerIdBlocks(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);

        assertThat(b.clusterIds().getOrCreateClusterId("first")).isEqualTo("first");
        assertThat(b.clusterIds().getOrCreateClusterId("second")).isEqualTo("first");
        assertThat(b.producerIds().allocateProducerIdBlock(0, 1000)).isZero();
        assertThat(b.producerIds().allocateProducerIdBlock(1, 1000)).isEqualTo(1000);
        assertThat(b.producerIds().allocateProducerIdBlock(0, 10)).isEqualTo(2000);
        assertThat(awaitImage(i -> "first".equals(i.clusterId())).clusterId()).isEqualTo("first");
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldReplayTheCurrentImageToANewListenerBeforeAnyLaterOne(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        b.topics().createTopic("before", Uuid.randomUuid(), TWO_PARTITIONS, Map.of(), initialStates());
        awaitImage(i -> i.topic("before") != null);
        List<MetadataImage[]> seen = new CopyOnWriteArrayList<>();

        b.view().addListenerAndReplay((previous, current) -> seen.add(new MetadataImage[] {previous, current})).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            b.topics().createTopic("after" + i, Uuid.randomUuid(), TWO_PARTITIONS, Map.of(), initialStates());
        }
        awaitImage(i -> i.topic("after4") != null);

        assertThat(seen.get(0)[0]).isSameAs(MetadataImage.EMPTY);
        assertThat(seen.get(0)[1].topic("before")).isNotNull();
        List<Long> versions = new ArrayList<>();
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)[0]).isSameAs(seen.get(i - 1)[1]);
            versions.add(seen.get(i)[1].version());
        }
        assertThat(versions).isSorted().doesNotHaveDuplicates();
        assertThat(awaitImage(i -> i.topic("before") != null).topic("after4")).as("an await satisfied by the current image").isNotNull();
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldReplaceWhatEachBrokerRecordedOfItsLogEnds(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        Uuid orders = Uuid.randomUuid();
        Uuid payments = Uuid.randomUuid();
        LogEndsStore broker0 = b.logEnds();
        LogEndsStore broker1 = b.logEnds();

        assertThat(broker0.recorded(0)).as("never recorded").isEmpty();
        broker0.record(0, Map.of(orders, Set.of(0, 1, 2, 5), payments, Set.of(3)));
        broker1.record(1, Map.of(orders, Set.of(4)));
        assertThat(b.logEnds().recorded(0)).contains(Map.of(orders, Set.of(0, 1, 2, 5), payments, Set.of(3)));

        broker0.record(0, Map.of(payments, Set.of(3, 4), orders, Set.of()));
        assertThat(b.logEnds().recorded(0)).as("a topic with no partitions left is dropped").contains(Map.of(payments, Set.of(3, 4)));
        assertThat(b.logEnds().recorded(1)).contains(Map.of(orders, Set.of(4)));

        b.logEnds().record(0, Map.of());
        assertThat(b.logEnds().recorded(0)).as("recorded that nothing is on broker 0 alone").contains(Map.of());
        b.logEnds().record(2, Map.of());
        assertThat(b.logEnds().recorded(2)).contains(Map.of());
        assertThat(b.view().image().topics()).as("not part of the image").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MetadataBackend.Kind.class)
    void shouldRecordTheLogEndsOfTensOfThousandsOfPartitions(MetadataBackend.Kind kind) throws Exception {
        MetadataBackend b = start(kind);
        Map<Uuid, Set<Integer>> partitions = new HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            partitions.put(Uuid.randomUuid(), Set.of(0));
        }
        Set<Integer> everyOther = new HashSet<>();
        for (int p = 0; p < 20_000; p += 2) {
            everyOther.add(p);
        }
        partitions.put(Uuid.randomUuid(), everyOther);

        b.logEnds().record(0, partitions);

        assertThat(b.logEnds().recorded(0)).contains(partitions);
    }

    private MetadataImage awaitImage(Predicate<MetadataImage> condition) throws Exception {
        return backend.view().await(condition).get(10, TimeUnit.SECONDS);
    }

    private static Map<Integer, PartitionState> initialStates() {
        return Map.of(0, new PartitionState(0, 0, List.of(0, 1), 0, 0), 1, new PartitionState(1, 0, List.of(1, 0), 0, 0));
    }

    private static BrokerRegistration broker(int id, int port) {
        return new BrokerRegistration(id, List.of(new Endpoint("PLAINTEXT", "localhost", port)), null, 1);
    }

    /** A candidate that completes {@link #elected} when it is elected. */
    private static final class Candidate implements ControllerElection.Listener {
        final ControllerElection election;
        final CompletableFuture<Void> elected = new CompletableFuture<>();

        Candidate(ControllerElection election) {
            this.election = election;
        }

        @Override
        public void elected() {
            elected.complete(null);
        }

        @Override
        public void deposed() {
        }
    }
}
