package io.gregor.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.replication.FetcherConfig;
import org.junit.jupiter.api.Test;

/** The versions a follower sends are ones a leader's handlers take. */
class FollowerRequestVersionsTest {
    @Test
    void shouldFetchWithAVersionTheFetchHandlerServes() {
        FetchHandler handler = new FetchHandler(null, null);
        assertThat(FetcherConfig.FETCH_VERSION).isBetween(handler.minVersion(), handler.maxVersion());
    }

    @Test
    void shouldAskForEpochEndOffsetsWithAVersionTheHandlerServes() {
        OffsetForLeaderEpochHandler handler = new OffsetForLeaderEpochHandler(null, null);
        assertThat(FetcherConfig.OFFSET_FOR_LEADER_EPOCH_VERSION).isBetween(handler.minVersion(), handler.maxVersion());
    }
}
