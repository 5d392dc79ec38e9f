package io.gregor.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface, for brokers that must keep their port across restarts. */
final class FreePorts {
    private FreePorts() {
    }

    /**
     * A port that was free a moment ago. Another process could take it before the broker binds
     * it; on a test machine that is rare enough, and the bind error names the port.
     */
    static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on the loopback interface", e);
        }
    }
}
