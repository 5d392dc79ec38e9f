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
 */
public record RequestContext(RequestHeader header, String connectionId, InetAddress clientAddress,
                             String listenerName, EventLoop eventLoop) {

    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }
}
