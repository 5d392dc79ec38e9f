package io.gregor.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.store.memory.InMemoryMetadata;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProducerIdManagerTest {
    private final InMemoryMetadata metadata = new InMemoryMetadata(0);

    @Test
    void shouldHandOutConsecutiveIdsAndReserveANewBlockWhenOneIsUsedUp() throws Exception {
        ProducerIdManager zero = new ProducerIdManager(metadata, 0);
        ProducerIdManager one = new ProducerIdManager(metadata, 1);

        assertThat(zero.nextProducerId()).isZero();
        assertThat(zero.nextProducerId()).isEqualTo(1);
        assertThat(one.nextProducerId()).as("the next block").isEqualTo(ProducerIdManager.BLOCK_SIZE);
        for (int i = 2; i < ProducerIdManager.BLOCK_SIZE; i++) {
            zero.nextProducerId();
        }
        assertThat(zero.nextProducerId()).as("a third block").isEqualTo(2L * ProducerIdManager.BLOCK_SIZE);
    }

    @Test
    void shouldNeverHandOutAnIdTwiceAcrossManagers() throws Exception {
        Set<Long> ids = new HashSet<>();
        ProducerIdManager first = new ProducerIdManager(metadata, 0);
        for (int i = 0; i < 1500; i++) {
            assertThat(ids.add(first.nextProducerId())).isTrue();
        }
        // A restarted broker gets a fresh manager, and a fresh block.
        ProducerIdManager restarted = new ProducerIdManager(metadata, 0);
        for (int i = 0; i < 1500; i++) {
            assertThat(ids.add(restarted.nextProducerId())).isTrue();
        }
    }
}
