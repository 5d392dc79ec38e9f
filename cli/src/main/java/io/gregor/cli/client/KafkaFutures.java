package io.gregor.cli.client;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;

/** Waits for admin results, rethrowing the real error instead of an ExecutionException. */
public final class KafkaFutures {
    private KafkaFutures() {
    }

    /** The client's own timeouts bound the wait, so no timeout is given here. */
    public static <T> T await(KafkaFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = Failures.unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new KafkaException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted");
        }
    }
}
