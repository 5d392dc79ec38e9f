package io.gregor.server.logends;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.PartitionState;
import io.gregor.metadata.store.LogEndsStore;
import io.gregor.metadata.store.TopicStore;
import io.gregor.metadata.store.memory.InMemoryMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** What broker 0 records of its log ends, and when, against the in-memory metadata. */
class LogEndsRecorderTest {
    private static final int BROKER = 0;

    private final InMemoryMetadata metadata = new InMemoryMetadata(BROKER);
    private final Map<TopicPartition, Long> logEnds = new ConcurrentHashMap<>();
    private final AtomicInteger writes = new AtomicInteger();
    private final LogEndsStore counting = new LogEndsStore() {
        @Override
        public Optional<Map<Uuid, Set<Integer>>> recorded(int brokerId) throws Exception {
            return metadata.recorded(brokerId);
        }

        @Override
        public void record(int brokerId, Map<Uuid, Set<Integer>> partitions) throws Exception {
            writes.incrementAndGet();
            metadata.record(brokerId, partitions);
        }
    };

    @Test
    void shouldRecordThePartitionsWithRecordsWhoseOnlyInSyncReplicaIsThisBroker() throws Exception {
        // Given
        Uuid single = createTopic("single", Map.of(0, List.of(0), 1, List.of(0)));
        Uuid replicated = createTopic("replicated", Map.of(0, List.of(0, 1), 1, List.of(0, 1), 2, List.of(1, 0)));
        metadata.updatePartitionState("replicated", 1, new PartitionState(0, 0, List.of(0), 0, 1), 0, TopicStore.UNFENCED);
        metadata.updatePartitionState("replicated", 2, new PartitionState(1, 0, List.of(1), 0, 1), 0, TopicStore.UNFENCED);
        logEnds.put(tp("single", 0), 100L);
        logEnds.put(tp("single", 1), 0L);
        logEnds.put(tp("replicated", 0), 10L);
        logEnds.put(tp("replicated", 1), 10L);
        logEnds.put(tp("replicated", 2), 10L);
        LogEndsRecorder recorder = recorder(Optional.empty());

        // When
        boolean wrote = recorder.maybeRecord();

        // Then: not the empty partition, nor those with another replica in the ISR
        assertThat(wrote).isTrue();
        assertThat(metadata.recorded(BROKER)).contains(Map.of(single, Set.of(0), replicated, Set.of(1)));
    }

    @Test
    void shouldWriteOnlyWhenTheSetChanges() throws Exception {
        Uuid t = createTopic("t", Map.of(0, List.of(0), 1, List.of(0)));
        logEnds.put(tp("t", 0), 5L);
        logEnds.put(tp("t", 1), 0L);
        LogEndsRecorder recorder = recorder(Optional.of(Map.of(t, Set.of(0))));

        assertThat(recorder.maybeRecord()).as("as recorded at start").isFalse();
        logEnds.put(tp("t", 0), 50L);
        assertThat(recorder.maybeRecord()).as("more records in a partition already recorded").isFalse();
        logEnds.put(tp("t", 1), 1L);
        assertThat(recorder.maybeRecord()).as("a partition's first records").isTrue();
        assertThat(recorder.maybeRecord()).isFalse();

        assertThat(writes).hasValue(1);
        assertThat(metadata.recorded(BROKER)).contains(Map.of(t, Set.of(0, 1)));
    }

    @Test
    void shouldRecordEvenNothingOnTheFirstCheckOfABrokerThatNeverRecorded() throws Exception {
        createTopic("replicated", Map.of(0, List.of(0, 1)));
        logEnds.put(tp("replicated", 0), 10L);
        LogEndsRecorder recorder = recorder(Optional.empty());

        assertThat(recorder.maybeRecord()).isTrue();
        assertThat(recorder.maybeRecord()).isFalse();
        assertThat(metadata.recorded(BROKER)).contains(Map.of());
    }

    @Test
    void shouldLetTheStartCheckFindWhatWasRecordedWhenTheLogsAreGone() throws Exception {
        // Given what a running broker recorded
        createTopic("t1", Map.of(0, List.of(0), 1, List.of(0)));
        logEnds.put(tp("t1", 0), 100L);
        logEnds.put(tp("t1", 1), 3L);
        recorder(Optional.empty()).maybeRecord();

        // When it starts again on an empty log dir
        List<TopicPartition> lost = EmptyLogCheck.lostPartitions(BROKER, metadata.image(), metadata.recorded(BROKER).orElseThrow(), Map.of());

        // Then
        assertThat(lost).containsExactly(tp("t1", 0), tp("t1", 1));
    }

    @Test
    void shouldClearTheRecordOncePartitionsAreEmptyOrReplicatedAgain() throws Exception {
        Uuid t = createTopic("t", Map.of(0, List.of(0, 1)));
        metadata.updatePartitionState("t", 0, new PartitionState(0, 0, List.of(0), 0, 1), 0, TopicStore.UNFENCED);
        logEnds.put(tp("t", 0), 7L);
        LogEndsRecorder recorder = recorder(Optional.empty());
        recorder.maybeRecord();
        assertThat(metadata.recorded(BROKER)).contains(Map.of(t, Set.of(0)));

        metadata.updatePartitionState("t", 0, new PartitionState(0, 0, List.of(0, 1), 0, 2), 1, TopicStore.UNFENCED);

        assertThat(recorder.maybeRecord()).isTrue();
        assertThat(metadata.recorded(BROKER)).contains(Map.of());
    }

    private LogEndsRecorder recorder(Optional<Map<Uuid, Set<Integer>>> recordedAtStart) {
        return new LogEndsRecorder(BROKER, counting, recordedAtStart, metadata::image, () -> Map.copyOf(logEnds));
    }

    private Uuid createTopic(String name, Map<Integer, List<Integer>> assignment) throws Exception {
        Uuid id = Uuid.randomUuid();
        Map<Integer, PartitionState> states = new HashMap<>();
        assignment.forEach((p, replicas) -> states.put(p, new PartitionState(replicas.get(0), 0, replicas, 0, 0)));
        metadata.createTopic(name, id, assignment, Map.of(), states);
        return id;
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }
}
