package io.gregor.server.logends;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.store.ReplicaAssignment;
import io.gregor.metadata.store.TopicStore;
import io.gregor.metadata.store.memory.InMemoryMetadata;
import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The start check of broker 0 against the in-memory metadata: which partitions lost records nobody else holds. */
class EmptyLogCheckTest {
    private static final int BROKER = 0;

    private final InMemoryMetadata metadata = new InMemoryMetadata(BROKER);

    @Test
    void shouldNameThePartitionsThatHadRecordsOnThisBrokerAloneWhenNoLogHoldsThem() throws Exception {
        // Given: t1 on broker 0 alone, recorded with records in all three partitions
        Uuid t1 = createTopic("t1", Map.of(0, List.of(0), 1, List.of(0), 2, List.of(0)));
        Map<Uuid, Set<Integer>> recorded = Map.of(t1, Set.of(0, 1, 2));

        // When: the log dirs hold t1-0 with records, t1-1 empty and no t1-2
        List<TopicPartition> lost = EmptyLogCheck.lostPartitions(BROKER, image(), recorded, Map.of(tp("t1", 0), 100L, tp("t1", 1), 0L));

        // Then
        assertThat(lost).containsExactly(tp("t1", 1), tp("t1", 2));
    }

    @Test
    void shouldLetAWipedBrokerStartWhereAnotherReplicaIsInSync() throws Exception {
        Uuid t = createTopic("replicated", Map.of(0, List.of(0, 1, 2)));

        assertThat(EmptyLogCheck.lostPartitions(BROKER, image(), Map.of(t, Set.of(0)), Map.of())).isEmpty();
    }

    @Test
    void shouldRefuseWhenTheOtherReplicasHaveLeftTheIsr() throws Exception {
        Uuid t = createTopic("replicated", Map.of(0, List.of(0, 1, 2)));
        metadata.updatePartitionState("replicated", 0, new PartitionState(0, 0, List.of(0), 0, 1), 0, TopicStore.UNFENCED);

        assertThat(EmptyLogCheck.lostPartitions(BROKER, image(), Map.of(t, Set.of(0)), Map.of())).containsExactly(tp("replicated", 0));
    }

    @Test
    void shouldIgnoreRecordsOfDeletedTopicsTopicsCreatedAgainAndPartitionsMovedAway() throws Exception {
        Uuid deleted = createTopic("old", Map.of(0, List.of(0)));
        metadata.deleteTopic("old");
        createTopic("old", Map.of(0, List.of(0)));
        Uuid moved = createTopic("moved", Map.of(0, List.of(0)));
        metadata.writeAssignment("moved", moved, ReplicaAssignment.of(Map.of(0, List.of(1))), 0,
            Map.of(0, new PartitionState(1, 1, List.of(1), 0, 1)), Map.of(0, 0), TopicStore.UNFENCED);

        assertThat(EmptyLogCheck.lostPartitions(BROKER, image(), Map.of(deleted, Set.of(0), moved, Set.of(0)), Map.of())).isEmpty();
    }

    @Test
    void shouldFindNothingWhenNothingWasRecorded() throws Exception {
        createTopic("t1", Map.of(0, List.of(0)));

        assertThat(EmptyLogCheck.lostPartitions(BROKER, image(), Map.of(), Map.of())).isEmpty();
    }

    @Test
    void shouldRefuseInOneLineNamingTheDirsTheFirstPartitionsTheirCountAndTheFlag() {
        List<TopicPartition> lost = List.of(tp("a", 0), tp("a", 1), tp("a", 2), tp("b", 0), tp("b", 1), tp("b", 2), tp("c", 0));

        String refusal = EmptyLogCheck.refusal(3, List.of(new File("/tmp/b")), lost, false);

        assertThat(refusal).doesNotContain("\n").startsWith("Broker 3 refuses to start: its log dirs [/tmp/b] hold no records of 7 partitions")
            .contains("(a-0, a-1, a-2, b-0, b-1 and 2 more)").contains("point log.dirs at them").endsWith("--accept-empty-logs (accept.empty.logs=true)");
        assertThat(EmptyLogCheck.refusal(3, List.of(new File("/tmp/b")), List.of(tp("a", 0)), false)).contains("of 1 partition whose")
            .contains("(a-0)");
        assertThat(EmptyLogCheck.refusal(3, List.of(new File("/tmp/b")), List.of(tp("a", 0)), true)).doesNotContain("\n")
            .contains("places on this broker alone (a-0), which may have had records").contains("--accept-empty-logs");
    }

    @Test
    void shouldTakeEveryPartitionOnThisBrokerAloneWhenItNeverRecordedWhichHadRecords() throws Exception {
        Uuid single = createTopic("single", Map.of(0, List.of(0), 1, List.of(0)));
        createTopic("replicated", Map.of(0, List.of(0, 1)));
        createTopic("elsewhere", Map.of(0, List.of(1)));

        Map<Uuid, Set<Integer>> assumed = EmptyLogCheck.soleReplicas(BROKER, image());

        assertThat(assumed).isEqualTo(Map.of(single, Set.of(0, 1)));
        assertThat(EmptyLogCheck.lostPartitions(BROKER, image(), assumed, Map.of(tp("single", 0), 4L))).containsExactly(tp("single", 1));
    }

    private Uuid createTopic(String name, Map<Integer, List<Integer>> assignment) throws Exception {
        Uuid id = Uuid.randomUuid();
        Map<Integer, PartitionState> states = new HashMap<>();
        assignment.forEach((p, replicas) -> states.put(p, new PartitionState(replicas.get(0), 0, replicas, 0, 0)));
        metadata.createTopic(name, id, assignment, Map.of(), states);
        return id;
    }

    private MetadataImage image() {
        return metadata.image();
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }
}
