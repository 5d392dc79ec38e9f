package io.gregor.protocol.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdleConnectionCloserTest {
    private static final long IDLE_MS = 10_000;

    private final EmbeddedChannel channel = new EmbeddedChannel();

    IdleConnectionCloserTest() {
        // Freeze the clock before the handler reads it.
        channel.freezeTime();
        channel.pipeline().addLast(new IdleConnectionCloser(IDLE_MS));
    }

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldCloseAConnectionOnWhichNothingHappensForTheIdleTime() {
        elapse(IDLE_MS - 1);
        assertThat(channel.isOpen()).isTrue();

        elapse(1);

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldCountTheIdleTimeFromTheLastReadOrWrite() {
        // Given a read late in the first period and a write late in the second
        elapse(IDLE_MS - 100);
        channel.writeInbound(Unpooled.buffer(1).writeByte(1));
        ((ByteBuf) channel.readInbound()).release();
        elapse(IDLE_MS - 100);
        channel.writeOutbound(Unpooled.buffer(1).writeByte(2));
        ((ByteBuf) channel.readOutbound()).release();

        // When almost a whole idle period passes after the write
        elapse(IDLE_MS - 1);

        // Then it is still open, and closes when the period is complete
        assertThat(channel.isOpen()).isTrue();
        elapse(1);
        assertThat(channel.isOpen()).isFalse();
    }

    private void elapse(long ms) {
        channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }
}
