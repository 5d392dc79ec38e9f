package io.gregor.protocol;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestAndSize;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Turns one request frame into something to act on, following Kafka's rules:
 * <ul>
 *   <li>a handled API and version: the parsed body and its handler;</li>
 *   <li>ApiVersions at a version the broker does not know: a v0 UNSUPPORTED_VERSION answer with
 *       the supported ranges, so that the client can pick a version (KIP-511);</li>
 *   <li>an API that kafka-clients can parse but Gregor does not handle (or not at this version):
 *       that API's own error response with UNSUPPORTED_VERSION (an acks=0 produce has none: the
 *       connection closes);</li>
 *   <li>anything else (unknown API key, a version kafka-clients cannot parse such as Produce
 *       v0-v2, which ApiVersions advertises for librdkafka's sake as Kafka does, unparseable
 *       header or body, trailing bytes): {@link InvalidRequestException}, upon which the
 *       connection is closed, as Kafka's socket server closes it.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class RequestDecoder {
    private final ApiRegistry registry;

    public RequestDecoder(ApiRegistry registry) {
        this.registry = registry;
    }

    /** The outcome of decoding one frame. */
    public sealed interface Decoded permits Dispatch, Reply {
        RequestHeader header();
    }

    /** Hand {@code body} to {@code handler}; {@code request} builds error responses. */
    public record Dispatch(RequestHeader header, ApiHandler<ApiMessage> handler, ApiMessage body,
                           AbstractRequest request) implements Decoded {
    }

    /** Answer immediately with {@code response}, encoded at {@code responseVersion}. */
    public record Reply(RequestHeader header, ApiMessage response, short responseVersion,
                        short responseHeaderVersion) implements Decoded {
    }

    /**
     * @param frame the request bytes after the size prefix; its position is advanced
     * @throws InvalidRequestException when the connection should be closed
     */
    @SuppressWarnings("unchecked")
    public Decoded decode(ByteBuffer frame) {
        if (frame.remaining() < 8) {
            throw new InvalidRequestException("Request of " + frame.remaining() + " bytes is too short for a header");
        }
        short apiKeyId = frame.getShort(frame.position());
        short version = frame.getShort(frame.position() + 2);
        if (!ApiKeys.hasId(apiKeyId)) {
            throw new InvalidRequestException("Unknown API key " + apiKeyId);
        }
        ApiKeys key = ApiKeys.forId(apiKeyId);
        RequestHeader header;
        try {
            header = RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Cannot parse request header of " + key + " v" + version + ": " + e.getMessage());
        }

        ApiHandler<?> handler = registry.handler(key, version);
        if (handler == null && key == ApiKeys.API_VERSIONS) {
            return new Reply(header, ApiVersionsHandler.unsupportedVersionResponse(registry), (short) 0, (short) 0);
        }
        if (!key.isVersionSupported(version)) {
            throw new InvalidRequestException("Unsupported version " + version + " of " + key);
        }
        AbstractRequest request;
        try {
            RequestAndSize parsed = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(frame));
            request = parsed.request;
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Malformed " + key + " v" + version + " request: " + e);
        }
        if (frame.hasRemaining()) {
            throw new InvalidRequestException(frame.remaining() + " unexpected trailing bytes after " + key + " v" + version + " request");
        }
        if (handler == null) {
            AbstractResponse error;
            try {
                error = request.getErrorResponse(0, new UnsupportedVersionException("Gregor does not support " + key.name + " v" + version));
            } catch (RuntimeException e) {
                // kafka-clients parses some fields it cannot answer (a null where its error response needs a list).
                throw new InvalidRequestException("Cannot answer " + key + " v" + version + ": " + e);
            }
            if (error == null) {
                // An acks=0 produce has no answer, not even an error: closing is how it learns.
                throw new InvalidRequestException("Unsupported version " + version + " of " + key + " without a response");
            }
            return new Reply(header, error.data(), version, key.responseHeaderVersion(version));
        }
        return new Dispatch(header, (ApiHandler<ApiMessage>) handler, request.data(), request);
    }
}
