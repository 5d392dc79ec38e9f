package io.gregor.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FuturesTest {
    @Test
    void shouldFindTheCauseInsideNestedCompletionAndExecutionExceptions() {
        IllegalStateException cause = new IllegalStateException("disk full");
        Throwable wrapped = new ExecutionException(new CompletionException(cause));
        assertThat(Futures.unwrap(wrapped)).isSameAs(cause);
    }

    @Test
    void shouldUnwrapTheFailureOfADependentStage() {
        CompletableFuture<Object> failed = CompletableFuture.failedFuture(new IllegalArgumentException("bad"))
            .thenApply(v -> v);
        Throwable seen = failed.handle((v, e) -> e).join();
        assertThat(seen).isInstanceOf(CompletionException.class);
        assertThat(Futures.unwrap(seen)).isInstanceOf(IllegalArgumentException.class).hasMessage("bad");
    }

    @Test
    void shouldKeepACompletionExceptionWithoutACause() {
        CompletionException bare = new CompletionException("no cause", null);
        assertThat(Futures.unwrap(bare)).isSameAs(bare);
    }

    @Test
    void shouldNameDaemonThreadsAfterTheirPool() {
        Thread first = Threads.daemonFactory("gregor-admin").newThread(() -> { });
        Thread second = Threads.daemonFactory("gregor-admin").newThread(() -> { });
        assertThat(first.isDaemon()).isTrue();
        assertThat(first.getName()).isEqualTo("gregor-admin-1");
        assertThat(second.getName()).isEqualTo("gregor-admin-1");
        assertThat(Threads.singleDaemonFactory("gregor-metadata").newThread(() -> { }).getName()).isEqualTo("gregor-metadata");
    }
}
