package io.gregor.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.testsupport.ManualTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** Which partition a replica fetcher asks for first. */
class ReplicaFetcherRequestOrderTest {
    private final ManualTime time = new ManualTime();

    private ReplicaFetcher.Fetching fetching(int partition) {
        Partition p = new Partition(new TopicPartition("t", partition), 2, time, (tp, state, version) -> CompletableFuture.completedFuture(true),
            id -> true);
        return new ReplicaFetcher.Fetching(p, Uuid.ONE_UUID, 1);
    }

    @Test
    void shouldAskFirstForPartitionsWhoseLastResponseWasCutShort() {
        ReplicaFetcher.Fetching a = fetching(0);
        ReplicaFetcher.Fetching b = fetching(1);
        ReplicaFetcher.Fetching c = fetching(2);
        ReplicaFetcher.Fetching d = fetching(3);
        b.cutShort = true;
        d.cutShort = true;

        assertThat(ReplicaFetcher.requestOrder(List.of(a, b, c, d))).containsExactly(b, d, a, c);
    }

    @Test
    void shouldKeepTheOrderWhenNoResponseWasCutShort() {
        ReplicaFetcher.Fetching a = fetching(0);
        ReplicaFetcher.Fetching b = fetching(1);

        assertThat(ReplicaFetcher.requestOrder(List.of(a, b))).containsExactly(a, b);
    }
}
