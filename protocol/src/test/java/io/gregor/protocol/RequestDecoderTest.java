package io.gregor.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.protocol.RequestDecoder.Decoded;
import io.gregor.protocol.RequestDecoder.Dispatch;
import io.gregor.protocol.RequestDecoder.Reply;
import io.gregor.protocol.testing.Frames;
import io.gregor.protocol.testing.TestHandler;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {
    private final TestHandler<MetadataRequestData> metadata =
        new TestHandler<>(ApiKeys.METADATA, 4, 9, (context, request) -> CompletableFuture.completedFuture(null));
    private final RequestDecoder decoder = new RequestDecoder(ApiRegistry.builder().register(metadata).build());

    @Test
    void shouldDispatchAHandledVersionToItsHandler() {
        MetadataRequestData body = new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("t")));

        Decoded decoded = decoder.decode(Frames.request(body, (short) 9, 77));

        assertThat(decoded).isInstanceOf(Dispatch.class);
        Dispatch dispatch = (Dispatch) decoded;
        assertThat(dispatch.handler()).isSameAs(metadata);
        assertThat(dispatch.header().correlationId()).isEqualTo(77);
        assertThat(dispatch.header().apiVersion()).isEqualTo((short) 9);
        assertThat(dispatch.body()).isEqualTo(body);
    }

    @Test
    void shouldRejectTrailingBytesAfterTheBody() {
        ByteBuffer request = Frames.request(new MetadataRequestData().setTopics(null), (short) 9, 1);
        ByteBuffer withTrailer = ByteBuffer.allocate(request.remaining() + 3).put(request).put(new byte[] {1, 2, 3}).flip();

        assertThatThrownBy(() -> decoder.decode(withTrailer))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("3 unexpected trailing bytes");
    }

    @Test
    void shouldRejectAnUnknownApiKey() {
        ByteBuffer frame = ByteBuffer.allocate(12).putShort((short) 9999).putShort((short) 0).putInt(1).putShort((short) -1)
            .putShort((short) 0).flip();

        assertThatThrownBy(() -> decoder.decode(frame))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Unknown API key 9999");
    }

    @Test
    void shouldRejectAFrameTooShortForAHeader() {
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] {0, 3, 0})))
            .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void shouldRejectAMalformedBody() {
        ByteBuffer request = Frames.request(new MetadataRequestData().setTopics(List.of(
            new MetadataRequestData.MetadataRequestTopic().setName("some-topic"))), (short) 9, 1);
        ByteBuffer truncated = request.limit(request.limit() - 4);

        assertThatThrownBy(() -> decoder.decode(truncated))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Malformed METADATA v9");
    }

    @Test
    void shouldRejectAVersionKafkaClientsCannotParse() {
        short future = (short) (ApiKeys.METADATA.latestVersion(true) + 1);
        ByteBuffer frame = ByteBuffer.allocate(12).putShort(ApiKeys.METADATA.id).putShort(future).putInt(1)
            .putShort((short) -1).putShort((short) 0).flip();

        assertThatThrownBy(() -> decoder.decode(frame)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void shouldCloseTheConnectionOnProduceVersionsBelow3AsKafkaDoesThoughApiVersionsAdvertisesThem() {
        // Given a registry with Produce v3-v13, which advertises Produce from v0 (KAFKA-18659)
        RequestDecoder withProduce = new RequestDecoder(ApiRegistry.builder()
            .register(new TestHandler<>(ApiKeys.PRODUCE, 3, 13, (context, request) -> CompletableFuture.completedFuture(null)))
            .build());

        for (short version = 0; version <= 2; version++) {
            // When a Produce v0-v2 request arrives (acks, timeout, no topics: all that v0 has)
            ByteBuffer frame = ByteBuffer.allocate(20).putShort(ApiKeys.PRODUCE.id).putShort(version).putInt(1)
                .putShort((short) -1).putShort((short) 1).putInt(1000).putInt(0).flip();

            // Then the decoder says to close the connection, as Kafka's socket server does for an unsupported version
            short v = version;
            assertThatThrownBy(() -> withProduce.decode(frame)).as("Produce v%d", v).isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void shouldAnswerAnUnhandledVersionOfAHandledApiWithThatApisUnsupportedVersionResponse() {
        Decoded decoded = decoder.decode(Frames.request(new MetadataRequestData().setTopics(List.of(
            new MetadataRequestData.MetadataRequestTopic().setName("t"))), (short) 12, 5));

        assertThat(decoded).isInstanceOf(Reply.class);
        Reply reply = (Reply) decoded;
        assertThat(reply.responseVersion()).isEqualTo((short) 12);
        assertThat(reply.responseHeaderVersion()).isEqualTo(ApiKeys.METADATA.responseHeaderVersion((short) 12));
        MetadataResponseData response = (MetadataResponseData) reply.response();
        assertThat(response.topics()).singleElement()
            .satisfies(t -> assertThat(t.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code()));
    }

    @Test
    void shouldAnswerAnApiWithoutHandlerWithItsUnsupportedVersionResponse() {
        DescribeAclsRequestData body = new DescribeAclsRequestData().setResourceTypeFilter((byte) 1).setPatternTypeFilter((byte) 1)
            .setOperation((byte) 1).setPermissionType((byte) 1);

        Decoded decoded = decoder.decode(Frames.request(body, (short) 3, 6));

        assertThat(decoded).isInstanceOf(Reply.class);
        assertThat(((DescribeAclsResponseData) ((Reply) decoded).response()).errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
    }

    @Test
    void shouldAnswerAnUnknownApiVersionsVersionAsV0WithTheSupportedRanges() {
        // Given a client newer than kafka-clients: its ApiVersions body cannot even be parsed
        short future = (short) (ApiKeys.API_VERSIONS.latestVersion(true) + 1);
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.API_VERSIONS.id).setRequestApiVersion(future)
            .setCorrelationId(9).setClientId("future");
        ByteBuffer frame = RequestUtils.serialize(header, (short) 2, new ApiVersionsRequestData()
            .setClientSoftwareName("future").setClientSoftwareVersion("1"), (short) 3);

        Decoded decoded = decoder.decode(frame);

        assertThat(decoded).isInstanceOf(Reply.class);
        Reply reply = (Reply) decoded;
        assertThat(reply.responseVersion()).isZero();
        assertThat(reply.responseHeaderVersion()).isZero();
        ApiVersionsResponseData response = (ApiVersionsResponseData) reply.response();
        assertThat(response.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(response.apiKeys()).extracting(v -> ApiKeys.forId(v.apiKey())).containsExactlyInAnyOrder(ApiKeys.METADATA, ApiKeys.API_VERSIONS);
    }

    @Test
    void shouldAnswerApiVersionsV5AsUnknownBecauseGregorStopsAtV4() {
        Decoded decoded = decoder.decode(Frames.request(new ApiVersionsRequestData().setClientSoftwareName("c")
            .setClientSoftwareVersion("1"), (short) 5, 3));

        assertThat(decoded).isInstanceOf(Reply.class);
        assertThat(((Reply) decoded).responseVersion()).isZero();
        assertThat(((ApiVersionsResponseData) ((Reply) decoded).response()).errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
    }
}
