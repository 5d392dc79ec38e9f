package io.gregor.common;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What the broker needs around {@link java.util.concurrent.CompletableFuture}s beyond the JDK. */
public final class Futures {
    private Futures() {
    }

    /**
     * The failure a future stands for: {@link CompletionException} and {@link ExecutionException}
     * only wrap it (the JDK adds them when a stage fails or when {@code get} rethrows), so error
     * codes and messages must come from the cause inside.
     */
    public static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
