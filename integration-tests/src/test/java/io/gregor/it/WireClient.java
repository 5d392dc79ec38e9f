package io.gregor.it;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A Kafka protocol client on a plain blocking socket, for tests that need control over the bytes
 * on the wire: requests are encoded with kafka-clients' message classes, or written raw.
 *
 * <p>Requests can be written back to back before any response is read (pipelining); responses
 * are matched to their requests by correlation id. Not thread-safe.
 */
final class WireClient implements AutoCloseable {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Map<Integer, RequestHeader> pending = new LinkedHashMap<>();
    private int nextCorrelationId = 1;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static WireClient connect(String bootstrapServers) throws IOException {
        int colon = bootstrapServers.lastIndexOf(':');
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(bootstrapServers.substring(0, colon),
            Integer.parseInt(bootstrapServers.substring(colon + 1))), 5_000);
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        return new WireClient(socket);
    }

    /** A response and the correlation id it came with. */
    record Response(int correlationId, ApiMessage body) {
    }

    /**
     * Encodes a request with a fresh correlation id into a size-prefixed frame, without sending
     * it. A response is expected for it unless {@code expectResponse} is false (acks=0 produce).
     */
    ByteBuffer frame(ApiMessage request, short version, boolean expectResponse) {
        ApiKeys key = ApiKeys.forId(request.apiKey());
        RequestHeader header = new RequestHeader(key, version, "gregor-it", nextCorrelationId++);
        ByteBuffer body = RequestUtils.serialize(header.data(), header.headerVersion(), request, version);
        ByteBuffer frame = ByteBuffer.allocate(4 + body.remaining());
        frame.putInt(body.remaining()).put(body).flip();
        if (expectResponse) {
            pending.put(header.correlationId(), header);
        }
        return frame;
    }

    /** Sends one request; returns its correlation id. */
    int send(ApiMessage request, short version) throws IOException {
        ByteBuffer frame = frame(request, version, true);
        int correlationId = frame.getInt(4 + 4);
        write(frame);
        return correlationId;
    }

    /** Sends a request and reads its response, which must be the next one on the connection. */
    @SuppressWarnings("unchecked")
    <T extends ApiMessage> T request(ApiMessage request, short version) throws IOException {
        int correlationId = send(request, version);
        Response response = receive();
        if (response.correlationId() != correlationId) {
            throw new AssertionError("expected the response to " + correlationId + ", got " + response.correlationId());
        }
        return (T) response.body();
    }

    void write(ByteBuffer... frames) throws IOException {
        for (ByteBuffer frame : frames) {
            out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        }
        out.flush();
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response frame and parses it as the answer to the request with its correlation id. */
    Response receive() throws IOException {
        ByteBuffer frame = receiveFrame();
        int correlationId = frame.getInt(0);
        RequestHeader request = pending.remove(correlationId);
        if (request == null) {
            throw new AssertionError("response with unexpected correlation id " + correlationId + " (pending: " + pending.keySet() + ")");
        }
        ApiKeys key = request.apiKey();
        short version = request.apiVersion();
        ResponseHeader.parse(frame, key.responseHeaderVersion(version));
        AbstractResponse response = AbstractResponse.parseResponse(key, new ByteBufferAccessor(frame), version);
        return new Response(correlationId, response.data());
    }

    /** Reads the bytes of the next response frame (after the size prefix), without parsing them. */
    ByteBuffer receiveFrame() throws IOException {
        int size = in.readInt();
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        return ByteBuffer.wrap(bytes);
    }

    /** Forgets the expected response to a request whose answer is read with {@link #receiveFrame()}. */
    void forget(int correlationId) {
        pending.remove(correlationId);
    }

    /**
     * Whether the broker closed the connection: the next read ends the stream or the connection
     * is reset, within {@code timeout}. Any bytes the broker sends count as "not closed".
     */
    boolean isClosedByPeer(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            return in.read() == -1;
        } catch (EOFException | SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
