package io.gregor.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.testsupport.ManualTime;
import io.gregor.metadata.store.ReplicaAssignment;
import io.gregor.metadata.store.TopicStore;
import io.gregor.metadata.store.memory.InMemoryMetadata;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.DisconnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's decisions against the in-memory metadata, on a {@link ManualScheduler}: every
 * task it schedules runs when the test says, and time moves only by hand.
 */
class ControllerTest {
    private final InMemoryMetadata metadata = new InMemoryMetadata(0);
    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final ManualScheduler scheduler = new ManualScheduler(time);
    private final AtomicBoolean unclean = new AtomicBoolean();
    private Controller controller;

    @BeforeEach
    void brokers() throws Exception {
        for (int id = 0; id < 3; id++) {
            metadata.register(new BrokerRegistration(id, List.of(new Endpoint("PLAINTEXT", "localhost", 9092 + id)), null, 0));
        }
    }

    @AfterEach
    void close() {
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void shouldTakeOverWithANewEpochAndRecordItselfAsController() throws Exception {
        controller = startController(0, scheduler);
        ManualScheduler otherThread = new ManualScheduler(time);
        Controller other = startController(1, otherThread);

        assertThat(controller.isActive()).isTrue();
        assertThat(controller.epoch()).isEqualTo(1);
        assertThat(controller.epochZkVersion()).isZero();
        assertThat(metadata.image().controllerId()).isZero();
        assertThat(other.isActive()).isFalse();
        other.close();
    }

    @Test
    void shouldHandOverToTheNextCandidateWithAHigherEpochWhenClosed() throws Exception {
        controller = startController(0, scheduler);
        ManualScheduler nextThread = new ManualScheduler(time);
        Controller next = startController(1, nextThread);
        createTopic("t", Map.of(0, List.of(0, 1)), Map.of(0, new PartitionState(0, 0, List.of(0, 1), 1, 0)));

        controller.close();
        controller = null;
        nextThread.runDue();
        metadata.expireSession(0);
        nextThread.runDue();

        assertThat(next.isActive()).isTrue();
        assertThat(next.epoch()).isEqualTo(2);
        assertThat(metadata.image().controllerId()).isEqualTo(1);
        assertThat(state("t", 0)).isEqualTo(new PartitionState(1, 1, List.of(1), 2, 1));
        next.close();
    }

    @Test
    void shouldGiveAnAssignedPartitionWithoutAStateItsFirstLiveReplicaAsLeader() throws Exception {
        metadata.expireSession(1);
        controller = startController(0, scheduler);

        createTopic("t", Map.of(0, List.of(1, 2, 0)), Map.of());
        scheduler.runDue();

        assertThat(state("t", 0)).isEqualTo(new PartitionState(2, 0, List.of(2, 0), 1, 0));
    }

    @Test
    void shouldElectTheFirstLiveInSyncReplicaWhenTheLeaderDies() throws Exception {
        controller = startController(0, scheduler);
        // Replica 2 comes before 0 in the assignment but is out of sync.
        createTopic("t", Map.of(0, List.of(1, 2, 0)), Map.of(0, new PartitionState(1, 4, List.of(1, 0), 1, 6)));

        metadata.expireSession(1);
        scheduler.runDue();

        assertThat(state("t", 0)).isEqualTo(new PartitionState(0, 5, List.of(0), 1, 7));
        assertThat(metadata.image().topic("t").partition(0).stateVersion()).isEqualTo(1);
    }

    @Test
    void shouldShrinkTheIsrWithoutANewLeaderEpochWhenAFollowerDies() throws Exception {
        controller = startController(0, scheduler);
        createTopic("t", Map.of(0, List.of(0, 1, 2)), Map.of(0, new PartitionState(0, 3, List.of(0, 1, 2), 1, 3)));

        metadata.expireSession(2);
        scheduler.runDue();

        assertThat(state("t", 0)).isEqualTo(new PartitionState(0, 3, List.of(0, 1), 1, 4));
    }

    @Test
    void shouldLeaveAPartitionWithoutLeaderWhenNoInSyncReplicaIsAliveAndUncleanElectionIsOff() throws Exception {
        controller = startController(0, scheduler);
        createTopic("t", Map.of(0, List.of(1, 2)), Map.of(0, new PartitionState(1, 0, List.of(1), 1, 0)));

        metadata.expireSession(1);
        scheduler.runDue();

        assertThat(state("t", 0)).isEqualTo(new PartitionState(PartitionState.NO_LEADER, 1, List.of(1), 1, 1));
        assertThat(metadata.image().topic("t").partition(0).hasLeader()).isFalse();
    }

    @Test
    void shouldElectALiveOutOfSyncReplicaWhenUncleanElectionIsOn() throws Exception {
        unclean.set(true);
        controller = startController(0, scheduler);
        createTopic("t", Map.of(0, List.of(1, 2)), Map.of(0, new PartitionState(1, 0, List.of(1), 1, 0)));

        metadata.expireSession(1);
        scheduler.runDue();

        assertThat(state("t", 0)).isEqualTo(new PartitionState(2, 1, List.of(2), 1, 1));
    }

    @Test
    void shouldDeleteATopicMarkedForDeletion() throws Exception {
        controller = startController(0, scheduler);
        createTopic("t", Map.of(0, List.of(0)), Map.of(0, new PartitionState(0, 0, List.of(0), 1, 0)));
        metadata.setTopicConfig("t", Map.of("cleanup.policy", "compact"));

        metadata.markTopicForDeletion("t");
        scheduler.runDue();

        assertThat(metadata.image().topics()).isEmpty();
        assertThat(metadata.image().topicNames()).isEmpty();
    }

    @Test
    void shouldCompleteAReassignmentOnlyOnceTheNewReplicasAreInSync() throws Exception {
        controller = startController(0, scheduler);
        Uuid id = createTopic("t", Map.of(0, List.of(0, 1)), Map.of(0, new PartitionState(0, 2, List.of(0, 1), 1, 2)));
        // Move from [0, 1] to [2, 1]: replicas are the union while 2 catches up.
        metadata.writeAssignment("t", id, new ReplicaAssignment(Map.of(0, List.of(2, 1, 0)), Map.of(0, List.of(2)), Map.of(0, List.of(0))),
            0, Map.of(), Map.of(), TopicStore.UNFENCED);
        scheduler.runDue();
        assertThat(metadata.image().topic("t").partition(0).isReassigning()).isTrue();

        // The leader adds the caught-up replica to the ISR (as its IsrWriter does).
        metadata.updatePartitionState("t", 0, new PartitionState(0, 2, List.of(0, 1, 2), 1, 3), 0, TopicStore.UNFENCED);
        scheduler.runDue();

        PartitionImage p = metadata.image().topic("t").partition(0);
        assertThat(p.isReassigning()).isFalse();
        assertThat(p.replicas()).containsExactly(2, 1);
        // The old leader is not in the target: leadership goes to the first target replica in sync.
        assertThat(p.state()).isEqualTo(new PartitionState(2, 3, List.of(1, 2), 1, 4));
    }

    @Test
    void shouldMoveLeadershipBackToPreferredReplicasWhenTheImbalanceExceedsThePercentage() throws Exception {
        controller = startController(0, scheduler);
        Map<Integer, List<Integer>> preferringOne = new TreeMap<>();
        Map<Integer, PartitionState> ledByZero = new TreeMap<>();
        for (int p = 0; p < 10; p++) {
            preferringOne.put(p, List.of(1, 0));
            ledByZero.put(p, new PartitionState(p < 2 ? 0 : 1, 1, List.of(0, 1), 1, 1));
        }
        createTopic("t", preferringOne, ledByZero);
        controller.enableAutoLeaderRebalance(300_000, 10);

        time.advance(299_999);
        scheduler.runDue();
        assertThat(state("t", 0).leader()).as("before the interval").isZero();
        scheduler.advance(1);

        assertThat(state("t", 0)).isEqualTo(new PartitionState(1, 2, List.of(0, 1), 1, 2));
        assertThat(state("t", 1).leader()).isEqualTo(1);
    }

    @Test
    void shouldLeaveLeadershipAloneWhileTheImbalanceIsWithinThePercentage() throws Exception {
        controller = startController(0, scheduler);
        Map<Integer, List<Integer>> preferringOne = new TreeMap<>();
        Map<Integer, PartitionState> states = new TreeMap<>();
        for (int p = 0; p < 10; p++) {
            preferringOne.put(p, List.of(1, 0));
            states.put(p, new PartitionState(p == 0 ? 0 : 1, 1, List.of(0, 1), 1, 1));
        }
        createTopic("t", preferringOne, states);
        controller.enableAutoLeaderRebalance(1_000, 10);

        scheduler.advance(5_000);

        assertThat(state("t", 0).leader()).as("1 of 10 led elsewhere is 10%, not above it").isZero();
    }

    @Test
    void shouldRetryAFailedReconciliationAfterTheBackoffAndNotBefore() throws Exception {
        controller = startController(0, scheduler);
        createTopic("t", Map.of(0, List.of(1, 0)), Map.of(0, new PartitionState(1, 0, List.of(1, 0), 1, 0)));

        metadata.failNextWrite(new DisconnectException("connection lost"));
        metadata.expireSession(1);
        scheduler.runDue();
        assertThat(state("t", 0).leader()).isEqualTo(1);
        // A change during the backoff does not cut it short.
        metadata.setBrokerConfig("<default>", Map.of("log.retention.ms", "1"));
        scheduler.advance(Controller.RETRY_BACKOFF_MS - 1);
        assertThat(state("t", 0).leader()).isEqualTo(1);

        scheduler.advance(1);
        assertThat(state("t", 0)).isEqualTo(new PartitionState(0, 1, List.of(0), 1, 1));
    }

    @Test
    void shouldNotOverwriteItsSuccessorsDecisionsWhenDeposedBeforeItKnowsIt() throws Exception {
        // Controller 0 hears about its election through events the test holds back.
        ManualScheduler zeroEvents = new ManualScheduler(time);
        controller = new Controller(0, metadata, metadata, metadata, metadata.controllerElection(0, zeroEvents::execute),
            topic -> unclean.get(), time, scheduler);
        controller.start();
        zeroEvents.runDue();
        scheduler.runDue();
        ManualScheduler oneThread = new ManualScheduler(time);
        Controller successor = startController(1, oneThread);
        createTopic("t", Map.of(0, List.of(1, 2)), Map.of(0, new PartitionState(1, 0, List.of(1, 2), 1, 0)));
        scheduler.runDue();

        // Broker 0's session expires: broker 1 takes over, and 0 has not been told yet.
        metadata.expireSession(0);
        oneThread.runDue();
        assertThat(successor.isActive()).isTrue();
        metadata.expireSession(2);
        scheduler.runDue();

        assertThat(controller.isActive()).as("not told yet").isTrue();
        assertThat(metadata.image().topic("t").partition(0).stateVersion()).as("the deposed controller's write was fenced").isZero();
        oneThread.runDue();
        assertThat(state("t", 0)).isEqualTo(new PartitionState(1, 0, List.of(1), 1, 1));
        zeroEvents.runDue();
        assertThat(controller.isActive()).isFalse();
        successor.close();
    }

    private Controller startController(int brokerId, ManualScheduler thread) throws Exception {
        Controller c = new Controller(brokerId, metadata, metadata, metadata, metadata.controllerElection(brokerId), topic -> unclean.get(), time, thread);
        c.start();
        thread.runDue();
        return c;
    }

    private Uuid createTopic(String name, Map<Integer, List<Integer>> assignment, Map<Integer, PartitionState> states) throws Exception {
        Uuid id = Uuid.randomUuid();
        metadata.createTopic(name, id, assignment, Map.of(), states);
        return id;
    }

    private PartitionState state(String topic, int partition) {
        return metadata.image().topic(topic).partition(partition).state();
    }
}
