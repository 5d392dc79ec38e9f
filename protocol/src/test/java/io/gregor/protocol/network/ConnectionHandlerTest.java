package io.gregor.protocol.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.protocol.ApiRegistry;
import io.gregor.protocol.testing.Frames;
import io.gregor.protocol.testing.Responses;
import io.gregor.protocol.testing.Responses.Response;
import io.gregor.protocol.testing.TestHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionHandlerTest {
    private static final short DESCRIBE_CLUSTER_VERSION = 0;
    private static final short DESCRIBE_CLUSTER_HEADER = ApiKeys.DESCRIBE_CLUSTER.responseHeaderVersion(DESCRIBE_CLUSTER_VERSION);

    /** DescribeCluster answers with the futures the tests complete, in arrival order. */
    private final List<CompletableFuture<ApiMessage>> pending = new ArrayList<>();
    private final TestHandler<DescribeClusterRequestData> describeCluster = new TestHandler<>(ApiKeys.DESCRIBE_CLUSTER, 0, 0,
        (context, request) -> {
            CompletableFuture<ApiMessage> future = new CompletableFuture<>();
            pending.add(future);
            return future;
        });
    /** Metadata throws. */
    private final TestHandler<MetadataRequestData> throwing = new TestHandler<>(ApiKeys.METADATA, 0, 12, (context, request) -> {
        throw new IllegalStateException("handler bug");
    });
    /** ListGroups fails its future with a Kafka error. */
    private final TestHandler<ListGroupsRequestData> failing = new TestHandler<>(ApiKeys.LIST_GROUPS, 0, 5,
        (context, request) -> CompletableFuture.failedFuture(new CoordinatorNotAvailableException("not yet")));
    /** Heartbeat asks to close the connection and answers nothing, like a failed acks=0 produce. */
    private final TestHandler<HeartbeatRequestData> closing = new TestHandler<>(ApiKeys.HEARTBEAT, 0, 4, (context, request) -> {
        context.closeConnection();
        return CompletableFuture.completedFuture(null);
    });
    private final ApiRegistry registry = ApiRegistry.builder()
        .register(describeCluster).register(throwing).register(failing).register(closing).build();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ConnectionHandler(registry, "PLAINTEXT"));

    @AfterEach
    void releaseWhatIsLeft() {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldWriteResponsesInRequestOrderWhenHandlersCompleteOutOfOrder() {
        // Given three pipelined requests
        for (int correlationId = 1; correlationId <= 3; correlationId++) {
            send(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, correlationId);
        }
        assertThat(pending).hasSize(3);

        // When the last completes first, from another thread
        CompletableFuture.runAsync(() -> pending.get(2).complete(cluster("c3"))).join();
        channel.runPendingTasks();

        // Then nothing may be written yet
        assertThat((Object) channel.readOutbound()).isNull();

        // When the first completes, it goes out alone; when the second does, the second and the third
        pending.get(0).complete(cluster("c1"));
        channel.runPendingTasks();
        assertThat(clusterIds(Responses.drain(channel, DESCRIBE_CLUSTER_HEADER))).containsExactly("1:c1");
        pending.get(1).complete(cluster("c2"));
        channel.runPendingTasks();
        assertThat(clusterIds(Responses.drain(channel, DESCRIBE_CLUSTER_HEADER))).containsExactly("2:c2", "3:c3");
    }

    @Test
    void shouldKeepTheSlotOfARequestAnsweredWithNoResponse() {
        // Given an acks=0-style request followed by an ordinary one
        send(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, 1);
        send(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, 2);

        // When the second is answered first
        pending.get(1).complete(cluster("second"));
        channel.runPendingTasks();

        // Then it waits for the first, which answers nothing
        assertThat((Object) channel.readOutbound()).isNull();
        pending.get(0).complete(null);
        channel.runPendingTasks();
        assertThat(clusterIds(Responses.drain(channel, DESCRIBE_CLUSTER_HEADER))).containsExactly("2:second");
    }

    @Test
    void shouldStopReadingAt256OutstandingResponsesAndReadAgainBelowHalf() {
        for (int i = 0; i < 255; i++) {
            send(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, i);
        }
        assertThat(channel.config().isAutoRead()).isTrue();

        send(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, 255);
        assertThat(channel.config().isAutoRead()).as("at 256 outstanding").isFalse();

        for (int i = 0; i < 128; i++) {
            pending.get(i).complete(cluster("c"));
        }
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("at 128 outstanding").isFalse();

        pending.get(128).complete(cluster("c"));
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("at 127 outstanding").isTrue();
        assertThat(Responses.drain(channel, DESCRIBE_CLUSTER_HEADER)).hasSize(129);
    }

    @Test
    void shouldAnswerWithTheApisErrorResponseWhenTheHandlerThrows() {
        send(new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("t"))), (short) 12, 41);

        List<Response> responses = Responses.drain(channel, ApiKeys.METADATA.responseHeaderVersion((short) 12));

        assertThat(responses).singleElement().satisfies(r -> {
            assertThat(r.correlationId()).isEqualTo(41);
            MetadataResponseData body = r.as(ApiKeys.METADATA, (short) 12);
            // Metadata v12 has no top-level error: Kafka's error response puts it on each topic.
            assertThat(body.topics()).singleElement()
                .satisfies(t -> assertThat(t.errorCode()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR.code()));
        });
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldAnswerWithTheFuturesKafkaErrorWhenTheHandlerFails() {
        send(new ListGroupsRequestData(), (short) 5, 42);
        channel.runPendingTasks();

        List<Response> responses = Responses.drain(channel, ApiKeys.LIST_GROUPS.responseHeaderVersion((short) 5));

        assertThat(responses).singleElement().satisfies(r -> {
            ListGroupsResponseData body = r.as(ApiKeys.LIST_GROUPS, (short) 5);
            assertThat(body.errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        });
    }

    @Test
    void shouldCloseTheConnectionAndReleaseTheFrameWhenARequestCannotBeParsed() {
        ByteBuf garbage = Unpooled.buffer().writeShort(ApiKeys.METADATA.id).writeShort(12).writeInt(1).writeBytes(new byte[] {9, 9, 9});

        channel.writeInbound(garbage);

        assertThat(channel.isOpen()).isFalse();
        assertThat(garbage.refCnt()).isZero();
    }

    @Test
    void shouldReleaseEachFrameOnceItsHandlerReturned() {
        ByteBuf frame = Frames.requestBuf(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, 1);

        channel.writeInbound(frame);

        assertThat(pending).hasSize(1);
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void shouldDispatchWhenThePeerIsNotAnInternetSocket() {
        // EmbeddedChannel's peer address is not an InetSocketAddress, as with local or domain sockets.
        send(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, 1);

        assertThat(describeCluster.contexts()).singleElement().satisfies(c -> assertThat(c.clientAddress()).isNull());
        assertThat(pending).hasSize(1);
    }

    @Test
    void shouldCloseOnlyAfterEarlierResponsesAreWrittenWhenAHandlerAsksToClose() {
        // Given a slow request, then one whose handler closes the connection, then one more
        send(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, 1);
        send(new HeartbeatRequestData().setGroupId("g").setMemberId("m"), (short) 4, 2);
        send(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, 3);

        // Then the connection stays open for the earlier response, and nothing after the close is dispatched
        assertThat(channel.isOpen()).isTrue();
        assertThat(pending).as("the request after the close was not dispatched").hasSize(1);
        assertThat(channel.config().isAutoRead()).isFalse();

        // When the earlier response is ready
        pending.get(0).complete(cluster("before-close"));
        channel.runPendingTasks();

        // Then it is written, and the connection closed after it
        assertThat(clusterIds(Responses.drain(channel, DESCRIBE_CLUSTER_HEADER))).containsExactly("1:before-close");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldCloseRightAfterTheClosingRequestWhenLaterRequestsAreStillPending() {
        // Given a request dispatched before the close request's answer hops back
        send(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, 1);
        pending.get(0).complete(cluster("answered"));
        send(new HeartbeatRequestData().setGroupId("g").setMemberId("m"), (short) 4, 2);
        channel.runPendingTasks();

        // Then the connection is closed once the closing request's turn came, whatever comes after it
        assertThat(clusterIds(Responses.drain(channel, DESCRIBE_CLUSTER_HEADER))).containsExactly("1:answered");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldAnswerAnUnknownApiVersionsVersionWithV0UnsupportedVersionAndTheRanges() {
        short future = (short) (ApiKeys.API_VERSIONS.latestVersion(true) + 1);
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.API_VERSIONS.id).setRequestApiVersion(future)
            .setCorrelationId(7).setClientId("future");
        ByteBuffer frame = RequestUtils.serialize(header, (short) 2,
            new ApiVersionsRequestData().setClientSoftwareName("future").setClientSoftwareVersion("1"), (short) 3);

        channel.writeInbound(Unpooled.wrappedBuffer(frame));

        List<Response> responses = Responses.drain(channel, (short) 0);
        assertThat(responses).singleElement().satisfies(r -> {
            assertThat(r.correlationId()).isEqualTo(7);
            ApiVersionsResponseData body = r.as(ApiKeys.API_VERSIONS, (short) 0);
            assertThat(body.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(body.apiKeys()).extracting(v -> ApiKeys.forId(v.apiKey())).containsExactlyInAnyOrder(
                ApiKeys.API_VERSIONS, ApiKeys.DESCRIBE_CLUSTER, ApiKeys.METADATA, ApiKeys.LIST_GROUPS, ApiKeys.HEARTBEAT);
        });
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldAnswerApiVersionsWithHeaderV0WhateverVersionWasAsked() {
        send(new ApiVersionsRequestData().setClientSoftwareName("c").setClientSoftwareVersion("1"), (short) 4, 8);

        List<Response> responses = Responses.drain(channel, (short) 0);

        assertThat(responses).singleElement().satisfies(r -> {
            assertThat(r.correlationId()).isEqualTo(8);
            ApiVersionsResponseData body = r.as(ApiKeys.API_VERSIONS, (short) 4);
            assertThat(body.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(body.apiKeys().find(ApiKeys.DESCRIBE_CLUSTER.id).maxVersion()).isZero();
        });
    }

    @Test
    void shouldCloseWithoutAnAnswerAfterEarlierResponsesWhenAnAcksZeroProduceFails() {
        // Given a produce handler failing as one does when an append throws, behind a waiting request
        TestHandler<ProduceRequestData> produce = new TestHandler<>(ApiKeys.PRODUCE, 3, 13,
            (context, request) -> CompletableFuture.failedFuture(new IllegalStateException("append failed")));
        EmbeddedChannel produceChannel = new EmbeddedChannel(new ConnectionHandler(
            ApiRegistry.builder().register(produce).register(describeCluster).build(), "PLAINTEXT"));
        produceChannel.writeInbound(Frames.requestBuf(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, 1));

        // When an acks=0 produce fails (it has no error response) and a request follows it
        produceChannel.writeInbound(Frames.requestBuf(new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000), (short) 9, 2));
        produceChannel.writeInbound(Frames.requestBuf(new DescribeClusterRequestData(), DESCRIBE_CLUSTER_VERSION, 3));
        pending.get(0).complete(cluster("c1"));
        produceChannel.runPendingTasks();

        // Then the earlier answer is written, then the connection closes: no stall behind the produce
        assertThat(clusterIds(Responses.drain(produceChannel, DESCRIBE_CLUSTER_HEADER))).containsExactly("1:c1");
        assertThat(produceChannel.isOpen()).isFalse();
        assertThat(pending).as("nothing dispatched after the produce").hasSize(1);
        produceChannel.finishAndReleaseAll();
    }

    private void send(ApiMessage body, short version, int correlationId) {
        channel.writeInbound(Frames.requestBuf(body, version, correlationId));
    }

    private static DescribeClusterResponseData cluster(String id) {
        return new DescribeClusterResponseData().setClusterId(id).setControllerId(0);
    }

    private static List<String> clusterIds(List<Response> responses) {
        return responses.stream().map(r -> r.correlationId() + ":"
            + ((DescribeClusterResponseData) r.as(ApiKeys.DESCRIBE_CLUSTER, DESCRIBE_CLUSTER_VERSION)).clusterId()).toList();
    }

}
