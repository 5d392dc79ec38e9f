package io.gregor.server.liveness;

import io.gregor.common.Threads;
import io.gregor.metadata.BrokerProbe;
import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Endpoint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@link BrokerProbe} as a plain TCP connect to the broker's endpoint on one listener, closed at
 * once: "connection refused" is the kernel saying that nothing listens there. A connect that
 * takes longer than {@code timeoutMs} (a host gone silent, a dropped packet) is
 * {@link Result#UNKNOWN}: only the session timeout fences then. Probes run on two daemon threads
 * of their own ({@code gregor-controller-probe}), never on the controller's. Thread-safe.
 */
public final class SocketProbe implements BrokerProbe, AutoCloseable {
    private final String listenerName;
    private final int timeoutMs;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, Threads.daemonFactory("gregor-controller-probe"));

    public SocketProbe(String listenerName, int timeoutMs) {
        this.listenerName = listenerName;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<Result> probe(BrokerRegistration broker) {
        Endpoint endpoint = broker.endpoint(listenerName);
        if (endpoint == null) {
            return CompletableFuture.completedFuture(Result.UNKNOWN);
        }
        try {
            return CompletableFuture.supplyAsync(() -> connect(endpoint), executor);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.completedFuture(Result.UNKNOWN);
        }
    }

    private Result connect(Endpoint endpoint) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), timeoutMs);
            return Result.LISTENING;
        } catch (ConnectException e) {
            return isRefusal(e) ? Result.REFUSED : Result.UNKNOWN;
        } catch (IOException | RuntimeException other) {
            return Result.UNKNOWN;
        }
    }

    /** A refusal, not an operating-system connect timeout (also a ConnectException). */
    static boolean isRefusal(ConnectException e) {
        return String.valueOf(e.getMessage()).contains("refused");
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
