package io.gregor.protocol.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.protocol.network.ReadGate.Reason;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadGateTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldReadAgainOnlyWhenEveryReasonToPauseHasEnded() {
        // Given a connection paused for memory and for outstanding responses
        ReadGate.pause(channel, Reason.MEMORY);
        ReadGate.pause(channel, Reason.RESPONSES);

        // When the responses drain
        ReadGate.resume(channel, Reason.RESPONSES);

        // Then it still does not read until the memory comes
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(ReadGate.isPaused(channel, Reason.MEMORY)).isTrue();
        ReadGate.resume(channel, Reason.MEMORY);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void shouldIgnoreAResumeForAReasonThatDidNotPause() {
        ReadGate.pause(channel, Reason.CLOSING);

        ReadGate.resume(channel, Reason.MEMORY);

        assertThat(channel.config().isAutoRead()).isFalse();
    }
}
