package io.gregor.protocol;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * What a handler knows about the request besides its body.
 *
 * @param header        parsed request header (api key, version, correlation id, client id)
 * @param connectionId  stable id of the connection, for logs and per-connection state
 * @param clientAddress peer address
 * @param listenerName  name of the listener the request arrived on (e.g. PLAINTEXT)
 * @param eventLoop     the connection's event loop: handlers schedule timeouts on it, and
 *                      work scheduled on it runs in order with the connection's other events
 * @param closer        closes the connection once earlier responses are written (used where
 *                      Kafka signals an error by disconnecting, e.g. a failed acks=0 produce)
 */
public record RequestContext(RequestHeader header, String connectionId, InetAddress clientAddress,
                             String listenerName, EventLoop eventLoop, Runnable closer) {

    public RequestContext(RequestHeader header, String connectionId, InetAddress clientAddress, String listenerName,
                          EventLoop eventLoop) {
        this(header, connectionId, clientAddress, listenerName, eventLoop, () -> { });
    }

    /** Closes the connection after the responses already queued (the client reconnects and refreshes metadata). */
    public void closeConnection() {
        closer.run();
    }

    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }
}
