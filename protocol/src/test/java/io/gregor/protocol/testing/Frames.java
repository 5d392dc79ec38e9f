package io.gregor.protocol.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestUtils;

/** Request frames as a client writes them, built with kafka-clients' own serialisation. */
public final class Frames {
    private Frames() {
    }

    /** Header and body, without the size prefix (what the frame decoder hands on). */
    public static ByteBuffer request(ApiMessage body, short version, int correlationId) {
        ApiKeys key = ApiKeys.forId(body.apiKey());
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion(version)
            .setCorrelationId(correlationId).setClientId("test-client");
        return RequestUtils.serialize(header, key.requestHeaderVersion(version), body, version);
    }

    /** The same as a Netty buffer the caller owns. */
    public static ByteBuf requestBuf(ApiMessage body, short version, int correlationId) {
        return Unpooled.wrappedBuffer(request(body, version, correlationId));
    }

    /** Size prefix, header and body: bytes as they travel on the socket. */
    public static byte[] sized(ByteBuffer frame) {
        ByteBuffer out = ByteBuffer.allocate(4 + frame.remaining());
        out.putInt(frame.remaining()).put(frame.duplicate());
        return out.array();
    }
}
