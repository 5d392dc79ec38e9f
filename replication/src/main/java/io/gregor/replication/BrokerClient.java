package io.gregor.replication;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A minimal blocking Kafka protocol client for broker-to-broker requests (replica fetches,
 * OffsetsForLeaderEpoch): one request at a time over one socket, encoded with the kafka-clients
 * message classes. Replica fetcher threads each own one; not thread-safe.
 */
public final class BrokerClient implements Closeable {
    private final String host;
    private final int port;
    private final String clientId;
    private final int timeoutMs;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    private int correlationId;

    public BrokerClient(String host, int port, String clientId, int timeoutMs) {
        this.host = host;
        this.port = port;
        this.clientId = clientId;
        this.timeoutMs = timeoutMs;
    }

    public String address() {
        return host + ":" + port;
    }

    private void connect() throws IOException {
        if (socket != null && socket.isConnected() && !socket.isClosed()) {
            return;
        }
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(timeoutMs);
        s.setReceiveBufferSize(1024 * 1024);
        s.connect(new InetSocketAddress(host, port), timeoutMs);
        socket = s;
        in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 64 * 1024));
        out = s.getOutputStream();
    }

    /** Sends a request and waits for its response (up to the socket timeout). */
    @SuppressWarnings("unchecked")
    public <T extends ApiMessage> T send(ApiKeys key, short version, ApiMessage body) throws IOException {
        connect();
        try {
            int correlation = ++correlationId;
            short headerVersion = key.requestHeaderVersion(version);
            RequestHeaderData header = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion(version)
                .setClientId(clientId).setCorrelationId(correlation);
            ObjectSerializationCache cache = new ObjectSerializationCache();
            MessageSizeAccumulator size = new MessageSizeAccumulator();
            header.addSize(size, cache, headerVersion);
            body.addSize(size, cache, version);
            ByteBuffer buf = ByteBuffer.allocate(4 + size.totalSize());
            buf.putInt(size.totalSize());
            ByteBufferAccessor writer = new ByteBufferAccessor(buf);
            header.write(writer, cache, headerVersion);
            body.write(writer, cache, version);
            out.write(buf.array(), 0, buf.position());
            out.flush();
            int length = in.readInt();
            if (length < 0 || length > 512 * 1024 * 1024) {
                throw new IOException("Invalid response size " + length + " from " + address());
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            ByteBuffer response = ByteBuffer.wrap(payload);
            ResponseHeader responseHeader = ResponseHeader.parse(response, key.responseHeaderVersion(version));
            if (responseHeader.correlationId() != correlation) {
                throw new IOException("Correlation id mismatch from " + address());
            }
            ApiMessage message = key.messageType.newResponse();
            message.read(new ByteBufferAccessor(response), version);
            return (T) message;
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
            socket = null;
        }
    }
}
