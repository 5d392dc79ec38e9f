package io.gregor.coordinator.runtime;

import java.util.List;
import java.util.function.Function;

/**
 * What a write operation of a shard returns: the records to append to its partition and the
 * response to give once they are committed.
 *
 * <p>The shard does not change its durable state itself: the runtime appends {@code records}
 * (one batch), and only when the append is committed it replays them into the shard and then
 * answers with {@code response}. When the append fails, the answer is
 * {@code onAppendFailure.apply(error)} (computed on the shard's thread, so it may adjust
 * ephemeral state such as a rebalance in progress, but it must not write), or the error itself
 * when no such function is given.
 *
 * @param records         records to append, in order; empty when the operation writes nothing
 * @param response        the answer after a successful append (or at once, without records)
 * @param onAppendFailure the answer when the append fails, or {@code null} to fail with the error
 * @param <T>             the response type
 */
public record CoordinatorResult<T>(List<CoordinatorRecord> records, T response, Function<Throwable, T> onAppendFailure) {

    public CoordinatorResult {
        records = List.copyOf(records);
    }

    /** Records to write; the response follows their commit, an append failure fails it. */
    public static <T> CoordinatorResult<T> of(List<CoordinatorRecord> records, T response) {
        return new CoordinatorResult<>(records, response, null);
    }

    /** Nothing to write: answer at once. */
    public static <T> CoordinatorResult<T> respond(T response) {
        return new CoordinatorResult<>(List.of(), response, null);
    }

    /** The same records and response, with {@code failure} computing the answer when the append fails. */
    public CoordinatorResult<T> onAppendFailure(Function<Throwable, T> failure) {
        return new CoordinatorResult<>(records, response, failure);
    }
}
