package io.gregor.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

class ReplicaAssignorTest {
    private final ReplicaAssignor assignor = new ReplicaAssignor(new Random(42));

    @Test
    void shouldSpreadLeadersAndReplicasEvenly() {
        Map<Integer, List<Integer>> a = assignor.assign(List.of(0, 1, 2), 0, 6, 3);
        Map<Integer, Integer> leaders = new HashMap<>();
        for (List<Integer> replicas : a.values()) {
            assertThat(new HashSet<>(replicas)).hasSize(3);
            leaders.merge(replicas.get(0), 1, Integer::sum);
        }
        assertThat(leaders.values()).containsOnly(2);
    }

    @Test
    void shouldPutReplicasOnDifferentRacks() {
        Map<Integer, String> racks = Map.of(0, "a", 1, "a", 2, "b", 3, "b", 4, "c", 5, "c");
        Map<Integer, List<Integer>> a = assignor.assign(racks, 0, 12, 3);
        for (List<Integer> replicas : a.values()) {
            assertThat(replicas.stream().map(racks::get).distinct()).hasSize(3);
        }
        Map<Integer, Integer> leaders = new HashMap<>();
        a.values().forEach(r -> leaders.merge(r.get(0), 1, Integer::sum));
        assertThat(leaders.values()).containsOnly(2);
    }

    @Test
    void shouldRejectMoreReplicasThanBrokers() {
        assertThatThrownBy(() -> assignor.assign(List.of(0), 0, 1, 2)).isInstanceOf(InvalidReplicationFactorException.class);
    }
}
