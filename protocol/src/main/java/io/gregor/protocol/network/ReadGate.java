package io.gregor.protocol.network;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.EnumSet;

/**
 * Whether a connection reads, when several handlers may each want it paused for reasons of
 * their own: {@code autoRead} is on exactly while no reason holds, so one handler resuming
 * cannot undo another's pause.
 *
 * <p>The reasons live in a channel attribute. Event-loop confined, like the handlers that use it.
 */
final class ReadGate {
    /** Why a connection does not read. */
    enum Reason {
        /** Too many responses are outstanding ({@link ConnectionHandler}'s back-pressure). */
        RESPONSES,
        /** The broker-wide request memory is used up ({@link RequestMemoryPool}). */
        MEMORY,
        /** The connection is being closed after a handler asked for it. */
        CLOSING
    }

    private static final AttributeKey<EnumSet<Reason>> PAUSES = AttributeKey.valueOf(ReadGate.class, "pauses");

    private ReadGate() {
    }

    static void pause(Channel channel, Reason reason) {
        pauses(channel).add(reason);
        channel.config().setAutoRead(false);
    }

    static void resume(Channel channel, Reason reason) {
        EnumSet<Reason> pauses = pauses(channel);
        if (pauses.remove(reason) && pauses.isEmpty()) {
            channel.config().setAutoRead(true);
        }
    }

    static boolean isPaused(Channel channel, Reason reason) {
        return pauses(channel).contains(reason);
    }

    private static EnumSet<Reason> pauses(Channel channel) {
        EnumSet<Reason> pauses = channel.attr(PAUSES).get();
        if (pauses == null) {
            pauses = EnumSet.noneOf(Reason.class);
            channel.attr(PAUSES).set(pauses);
        }
        return pauses;
    }
}
