package io.gregor.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a broker that can lose the broker's answers: after
 * {@link #swallowResponses()} requests still reach the broker but nothing comes back on the
 * connections open at that moment, and {@link #disconnectAll()} then drops them. Clients see
 * exactly what a lost acknowledgement looks like: a request that may or may not have been
 * applied, and a broken connection.
 *
 * <p>The broker must advertise the proxy's address, so that clients keep going through it.
 * One thread per direction and connection; for tests with a handful of connections.
 */
final class LossyProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lossy-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong swallowedBytes = new AtomicLong();

    private LossyProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Listens on {@code 127.0.0.1:port} and forwards to {@code target}. */
    static LossyProxy start(int port, InetSocketAddress target) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        LossyProxy proxy = new LossyProxy(server, target);
        proxy.threads.execute(proxy::acceptLoop);
        return proxy;
    }

    /** One client connection and its connection to the broker. */
    private final class Link {
        final Socket client;
        final Socket broker;
        volatile boolean swallow;

        Link(Socket client, Socket broker) {
            this.client = client;
            this.broker = broker;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(broker);
            links.remove(this);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket();
                broker.connect(target, 5_000);
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                Link link = new Link(client, broker);
                links.add(link);
                try {
                    threads.execute(() -> pump(link, client, broker, false));
                    threads.execute(() -> pump(link, broker, client, true));
                } catch (RejectedExecutionException closing) {
                    link.close();
                    return;
                }
            } catch (IOException e) {
                // Closed, or the broker refused: the client sees its connection fail.
            }
        }
    }

    private void pump(Link link, Socket from, Socket to, boolean responses) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (responses && link.swallow) {
                    swallowedBytes.addAndGet(n);
                    continue;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // Either side closed.
        } finally {
            link.close();
        }
    }

    /** From now on, the broker's answers on the connections open now are lost. */
    void swallowResponses() {
        for (Link link : links) {
            link.swallow = true;
        }
    }

    /** Bytes of broker answers lost so far. */
    long swallowedBytes() {
        return swallowedBytes.get();
    }

    /** Drops every open connection; new connections work normally. */
    void disconnectAll() {
        for (Link link : links) {
            link.close();
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        disconnectAll();
        threads.shutdownNow();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing anyway.
        }
    }
}
