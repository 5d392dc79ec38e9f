package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad and unusual input on raw sockets: frames the broker must refuse without harm, versions
 * and APIs it does not support, pipelining, acks=0, and the produce paths that clients rarely
 * exercise on purpose (retried idempotent batches, corrupt batches, missing topics).
 */
class ProtocolEdgeCasesIT {
    private static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final short PRODUCE_BY_NAME = 12;
    private static final short METADATA_VERSION = 12;
    private static final short FETCH_BY_NAME = 12;
    /** The newest ApiVersions Gregor answers (v5, KIP-1242's misrouting check, is not implemented). */
    private static final short API_VERSIONS_VERSION = 4;

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig(
        "auto.create.topics.enable", "false",
        "socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES));

    @Test
    void shouldCloseConnectionWhenFrameExceedsSocketRequestMaxBytesAndKeepServingOthers() throws Exception {
        try (WireClient bystander = WireClient.connect(broker.bootstrapServers());
             WireClient offender = WireClient.connect(broker.bootstrapServers())) {
            // Given
            assertThat(apiVersions(bystander).errorCode()).isEqualTo(Errors.NONE.code());

            // When
            ByteBuffer oversized = ByteBuffer.allocate(4 + 1024);
            oversized.putInt(MAX_REQUEST_BYTES + 1);
            offender.writeRaw(oversized.array());

            // Then
            assertThat(offender.isClosedByPeer(Duration.ofSeconds(10))).as("offending connection closed").isTrue();
            assertThat(apiVersions(bystander).errorCode()).as("other connection still served").isEqualTo(Errors.NONE.code());
        }
        assertBrokerServesNewConnections();
    }

    static Stream<Arguments> garbage() {
        ByteBuffer unknownApiKey = ByteBuffer.allocate(4 + 14);
        unknownApiKey.putInt(14).putShort((short) 0x7abc).putShort((short) 0).putInt(1).putShort((short) -1).putInt(0);
        ByteBuffer metadataHeader = MessageUtil.toByteBufferAccessor(new RequestHeaderData().setRequestApiKey(ApiKeys.METADATA.id)
            .setRequestApiVersion(METADATA_VERSION).setCorrelationId(1).setClientId("gregor-it"),
            ApiKeys.METADATA.requestHeaderVersion(METADATA_VERSION)).buffer();
        byte[] badBody = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        ByteBuffer malformedBody = ByteBuffer.allocate(4 + metadataHeader.remaining() + badBody.length);
        malformedBody.putInt(metadataHeader.remaining() + badBody.length).put(metadataHeader).put(badBody);
        return Stream.of(
            Arguments.of("an HTTP request", "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
            Arguments.of("a negative frame size", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 1, 2, 3, 4}),
            Arguments.of("a frame too short for a header", new byte[] {0, 0, 0, 3, 0, 18, 0}),
            Arguments.of("an unknown API key", unknownApiKey.array()),
            Arguments.of("a Metadata header with a malformed body", malformedBody.array()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void shouldCloseConnectionOnGarbageBytesAndKeepServing(String description, byte[] bytes) throws Exception {
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            client.writeRaw(bytes);

            assertThat(client.isClosedByPeer(Duration.ofSeconds(10))).as("connection closed after %s", description).isTrue();
        }
        assertBrokerServesNewConnections();
    }

    @Test
    void shouldAnswerApiVersionsOfUnknownVersionWithV0UnsupportedVersionAndTheApiList() throws Exception {
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            // Given a client newer than the broker
            short future = (short) (ApiKeys.API_VERSIONS.latestVersion(true) + 1);
            RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.API_VERSIONS.id).setRequestApiVersion(future)
                .setCorrelationId(4242).setClientId("future-client");
            ApiVersionsRequestData body = new ApiVersionsRequestData().setClientSoftwareName("future-client").setClientSoftwareVersion("99.0");
            ByteBuffer request = RequestUtils.serialize(header, (short) 2, body, API_VERSIONS_VERSION);
            ByteBuffer frame = ByteBuffer.allocate(4 + request.remaining());
            frame.putInt(request.remaining()).put(request).flip();

            // When
            client.write(frame);
            ByteBuffer response = client.receiveFrame();

            // Then: a v0 response (header v0 is just the correlation id)
            assertThat(response.getInt()).isEqualTo(4242);
            ApiVersionsResponseData versions = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 0);
            assertThat(response.remaining()).as("bytes after the v0 body").isZero();
            assertThat(versions.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(versions.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo(API_VERSIONS_VERSION);
            assertThat(versions.apiKeys()).extracting(ApiVersion::apiKey).contains(ApiKeys.PRODUCE.id, ApiKeys.FETCH.id,
                ApiKeys.METADATA.id, ApiKeys.LIST_OFFSETS.id, ApiKeys.CREATE_TOPICS.id, ApiKeys.INIT_PRODUCER_ID.id);

            // and the connection stays usable, as with Kafka
            assertThat(apiVersions(client).errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    @Test
    void shouldAnswerUnhandledApiWithItsOwnErrorResponseCarryingUnsupportedVersion() throws Exception {
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            // Given
            assertThat(apiVersions(client).apiKeys().find(ApiKeys.DESCRIBE_ACLS.id)).as("DescribeAcls advertised").isNull();
            short version = ApiKeys.DESCRIBE_ACLS.latestVersion(false);

            // When
            DescribeAclsResponseData response = client.request(new DescribeAclsRequest.Builder(AclBindingFilter.ANY).build(version).data(),
                version);

            // Then
            assertThat(response.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(response.resources()).isEmpty();
            assertThat(apiVersions(client).errorCode()).as("connection still usable").isEqualTo(Errors.NONE.code());
        }
    }

    @Test
    void shouldRejectProduceToMissingTopicWhenAutoCreationIsDisabled() throws Exception {
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()));

            ProduceResponseData byName = client.request(produce((short) -1, new ProduceRequestData.TopicProduceData().setName("missing"),
                records), PRODUCE_BY_NAME);
            ProduceResponseData byId = client.request(produce((short) -1, new ProduceRequestData.TopicProduceData()
                .setTopicId(Uuid.randomUuid()), records), ApiKeys.PRODUCE.latestVersion(false));
            MetadataResponseData metadata = client.request(new MetadataRequestData().setAllowAutoTopicCreation(true)
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("missing"))), METADATA_VERSION);

            assertThat(partitionResult(byName).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(partitionResult(byId).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(metadata.topics().find("missing").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        assertThat(broker.admin().listTopics().names().get()).doesNotContain("missing");
    }

    @Test
    void shouldDisconnectAnAcksZeroProducerWhoseProduceFailed() throws Exception {
        // Given: no response can carry the error, so Kafka signals it by closing the connection
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()));

            // When
            client.write(client.frame(produce((short) 0, new ProduceRequestData.TopicProduceData().setName("no-such-topic"), records),
                PRODUCE_BY_NAME, false));

            // Then
            assertThat(client.isClosedByPeer(Duration.ofSeconds(10))).as("connection closed after a failed acks=0 produce").isTrue();
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInRequestOrder() throws Exception {
        // Given
        String topic = "pipelined";
        broker.createTopic(topic, 1);
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            List<ByteBuffer> frames = new ArrayList<>();
            List<Class<?>> expectedTypes = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                switch (i % 3) {
                    case 0 -> {
                        frames.add(client.frame(apiVersionsRequest(), API_VERSIONS_VERSION, true));
                        expectedTypes.add(ApiVersionsResponseData.class);
                    }
                    case 1 -> {
                        frames.add(client.frame(new MetadataRequestData().setTopics(List.of(
                            new MetadataRequestData.MetadataRequestTopic().setName(topic))), METADATA_VERSION, true));
                        expectedTypes.add(MetadataResponseData.class);
                    }
                    default -> {
                        // A long poll on an empty partition: answered late, but must not be overtaken.
                        frames.add(client.frame(emptyFetch(topic, 300), FETCH_BY_NAME, true));
                        expectedTypes.add(FetchResponseData.class);
                    }
                }
            }

            // When: all requests in one write, before reading anything
            client.write(frames.toArray(ByteBuffer[]::new));

            // Then
            List<Integer> correlationIds = new ArrayList<>();
            List<Class<?>> types = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                WireClient.Response response = client.receive();
                correlationIds.add(response.correlationId());
                types.add(response.body().getClass());
            }
            List<Integer> sent = frames.stream().map(f -> f.getInt(8)).toList();
            assertThat(correlationIds).containsExactlyElementsOf(sent);
            assertThat(types).containsExactlyElementsOf(expectedTypes);
        }
    }

    @Test
    void shouldNotAnswerAcksZeroProduceButAppendItsRecords() throws Exception {
        // Given
        String topic = "acks-zero-raw";
        broker.createTopic(topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("k".getBytes(), "fire-and-forget".getBytes()));

            // When
            ByteBuffer produce = client.frame(produce((short) 0, new ProduceRequestData.TopicProduceData().setName(topic), records),
                PRODUCE_BY_NAME, false);
            ByteBuffer versions = client.frame(apiVersionsRequest(), API_VERSIONS_VERSION, true);
            client.write(produce, versions);

            // Then the first response on the connection answers the request after the produce
            WireClient.Response first = client.receive();
            assertThat(first.correlationId()).isEqualTo(versions.getInt(8));
            assertThat(first.body()).isInstanceOf(ApiVersionsResponseData.class);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.consumer().endOffsets(List.of(tp)).get(tp) == 1L);
        assertThat(Consume.readToEnd(broker.consumer(), topic, 1)).extracting(ConsumerRecord::value).containsExactly("fire-and-forget");
    }

    @Test
    void shouldAnswerRetriedIdempotentBatchWithItsOriginalOffsetWithoutAppendingItAgain() throws Exception {
        // Given
        String topic = "idempotent-raw";
        broker.createTopic(topic, 1);
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            InitProducerIdResponseData producer = client.request(new InitProducerIdRequestData().setTransactionalId(null)
                .setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short) -1), ApiKeys.INIT_PRODUCER_ID.latestVersion(false));
            assertThat(producer.errorCode()).isEqualTo(Errors.NONE.code());
            long pid = producer.producerId();
            short epoch = producer.producerEpoch();
            MemoryRecords first = MemoryRecords.withIdempotentRecords(Compression.NONE, pid, epoch, 0, records("a", 3));
            MemoryRecords second = MemoryRecords.withIdempotentRecords(Compression.NONE, pid, epoch, 3, records("b", 3));
            MemoryRecords gap = MemoryRecords.withIdempotentRecords(Compression.NONE, pid, epoch, 10, records("c", 1));

            // When
            PartitionProduceResponse original = produceAll(client, topic, first);
            PartitionProduceResponse retried = produceAll(client, topic, MemoryRecords.readableRecords(first.buffer().duplicate()));
            PartitionProduceResponse next = produceAll(client, topic, second);
            PartitionProduceResponse outOfOrder = produceAll(client, topic, gap);

            // Then
            assertThat(original.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(original.baseOffset()).isZero();
            assertThat(retried.errorCode()).as("duplicate batch").isEqualTo(Errors.NONE.code());
            assertThat(retried.baseOffset()).as("duplicate batch answered with its original offset").isZero();
            assertThat(next.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(next.baseOffset()).isEqualTo(3);
            assertThat(outOfOrder.errorCode()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());
        }
        assertThat(Consume.readToEnd(broker.consumer(), topic, 1)).extracting(ConsumerRecord::value)
            .containsExactly("a0", "a1", "a2", "b0", "b1", "b2");
    }

    @Test
    void shouldRejectBatchWithBadCrcAsCorruptMessageAndAppendNothing() throws Exception {
        // Given
        String topic = "corrupt";
        broker.createTopic(topic, 1);
        MemoryRecords valid = MemoryRecords.withRecords(Compression.NONE, records("ok", 2));
        ByteBuffer corrupted = ByteBuffer.allocate(valid.sizeInBytes());
        corrupted.put(valid.buffer().duplicate()).flip();
        int last = corrupted.limit() - 1;
        corrupted.put(last, (byte) (corrupted.get(last) ^ 0x5a));

        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            // When
            PartitionProduceResponse rejected = produceAll(client, topic, MemoryRecords.readableRecords(corrupted));
            PartitionProduceResponse accepted = produceAll(client, topic, valid);

            // Then
            assertThat(rejected.errorCode()).isEqualTo(Errors.CORRUPT_MESSAGE.code());
            assertThat(accepted.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(accepted.baseOffset()).as("nothing of the corrupt batch was appended").isZero();
        }
        assertThat(Consume.readToEnd(broker.consumer(), topic, 1)).extracting(ConsumerRecord::value).containsExactly("ok0", "ok1");
    }

    @Test
    void shouldAnswerEveryAdvertisedVersionOfProduceListOffsetsFetchAndMetadata() throws Exception {
        // Given
        String topic = "every-version";
        broker.createTopic(topic, 1);
        Uuid topicId = broker.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
        List<String> problems = new ArrayList<>();
        int produced = 0;

        try (VersionSweep sweep = new VersionSweep(broker.bootstrapServers())) {
            // When / Then: each version's answer decodes and carries no error
            // Produce v0-v2 are advertised but refused, as in Kafka 4 (see the test below).
            for (short v : sweep.advertised(ApiKeys.PRODUCE).stream().filter(v -> v >= 3).toList()) {
                ProduceRequestData.TopicProduceData target = v >= 13
                    ? new ProduceRequestData.TopicProduceData().setTopicId(topicId)
                    : new ProduceRequestData.TopicProduceData().setName(topic);
                MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("produce v" + v).getBytes()));
                ProduceResponseData response = sweep.exchange(produce((short) -1, target, records), v, problems);
                if (response != null) {
                    PartitionProduceResponse result = partitionResult(response);
                    sweep.expect(problems, "Produce v" + v, result.errorCode() == 0 && result.baseOffset() == produced, result);
                    produced++;
                }
            }
            for (short v : sweep.advertised(ApiKeys.LIST_OFFSETS)) {
                for (long timestamp : new long[] {-2L, -1L}) {
                    ListOffsetsResponseData response = sweep.exchange(new ListOffsetsRequestData().setReplicaId(-1)
                        .setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName(topic).setPartitions(List.of(
                            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(timestamp))))), v, problems);
                    if (response != null) {
                        ListOffsetsResponseData.ListOffsetsPartitionResponse result = response.topics().get(0).partitions().get(0);
                        long expected = timestamp == -2L ? 0 : produced;
                        sweep.expect(problems, "ListOffsets v" + v + " timestamp " + timestamp,
                            result.errorCode() == 0 && result.offset() == expected, result);
                    }
                }
            }
            for (short v : sweep.advertised(ApiKeys.FETCH)) {
                FetchRequestData request = emptyFetch(topic, 0);
                if (v >= 13) {
                    request.topics().get(0).setTopic("").setTopicId(topicId);
                }
                FetchResponseData response = sweep.exchange(request, v, problems);
                if (response != null) {
                    FetchResponseData.PartitionData result = response.responses().get(0).partitions().get(0);
                    sweep.expect(problems, "Fetch v" + v, result.errorCode() == 0 && result.highWatermark() == produced
                        && result.records().sizeInBytes() > 0, result.errorCode() + " hw=" + result.highWatermark());
                }
            }
            for (short v : sweep.advertised(ApiKeys.METADATA)) {
                // Before v4 a request cannot say "do not auto-create" (the broker has auto-creation off anyway).
                MetadataResponseData response = sweep.exchange(new MetadataRequestData().setAllowAutoTopicCreation(v < 4)
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(topic))), v, problems);
                if (response != null) {
                    MetadataResponseData.MetadataResponseTopic result = response.topics().find(topic);
                    sweep.expect(problems, "Metadata v" + v, result != null && result.errorCode() == 0 && result.partitions().size() == 1,
                        result);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldAdvertiseProduceFromV0ButCloseTheConnectionOnV0ToV2AsKafka4Does() throws Exception {
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            ApiVersion produce = apiVersions(client).apiKeys().find(ApiKeys.PRODUCE.id);
            assertThat(produce.minVersion()).as("librdkafka keeps compression only when Produce v0-v2 are advertised").isZero();
        }
        for (short version = 0; version <= 2; version++) {
            // kafka-clients 4 cannot encode these versions: header v1 and a v0-v2 body (acks, timeout, no topics) by hand
            ByteBuffer frame = ByteBuffer.allocate(24).putInt(20).putShort(ApiKeys.PRODUCE.id).putShort(version).putInt(7)
                .putShort((short) -1).putShort((short) 1).putInt(1000).putInt(0).flip();
            try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
                client.writeRaw(frame.array());

                assertThat(client.isClosedByPeer(Duration.ofSeconds(10))).as("connection closed after Produce v%d", version).isTrue();
            }
        }
        assertBrokerServesNewConnections();
    }

    @Test
    void shouldRefuseAFetchClaimingAReplicaIdOfNoFollowerAndLeaveTheHighWatermark() throws Exception {
        // Given three records on a partition of broker 0 alone
        String topic = "claimed-replica";
        broker.createTopic(topic, 1);
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            for (int i = 0; i < 3; i++) {
                produceAll(client, topic, MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("v" + i).getBytes())));
            }

            // When a client sends Fetch as replica 42 (no broker) and as replica 0 (the leader itself), from offset 0 and past the end
            for (int replicaId : List.of(42, 0)) {
                for (long offset : new long[] {0, 3}) {
                    FetchRequestData request = emptyFetch(topic, 0).setReplicaId(replicaId);
                    request.topics().get(0).partitions().get(0).setFetchOffset(offset);
                    FetchResponseData.PartitionData result = ((FetchResponseData) client.request(request, FETCH_BY_NAME))
                        .responses().get(0).partitions().get(0);

                    // Then it gets NOT_LEADER_OR_FOLLOWER, as Kafka answers a replica it does not know, and no records
                    assertThat(result.errorCode()).as("replica %d at %d", replicaId, offset).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
                    assertThat(result.records().sizeInBytes()).isZero();
                }
            }

            // and consumers see the high watermark where the appends put it
            FetchResponseData.PartitionData consumer = ((FetchResponseData) client.request(emptyFetch(topic, 0), FETCH_BY_NAME))
                .responses().get(0).partitions().get(0);
            assertThat(consumer.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(consumer.highWatermark()).isEqualTo(3);
        }
        assertThat(Consume.readToEnd(broker.consumer(), topic, 1)).extracting(ConsumerRecord::value).containsExactly("v0", "v1", "v2");
    }

    // ---- helpers ----

    private static void assertBrokerServesNewConnections() throws IOException {
        try (WireClient client = WireClient.connect(broker.bootstrapServers())) {
            assertThat(apiVersions(client).errorCode()).isEqualTo(Errors.NONE.code());
            MetadataResponseData metadata = client.request(new MetadataRequestData().setTopics(null), METADATA_VERSION);
            assertThat(metadata.brokers()).hasSize(1);
        }
    }

    private static ApiVersionsRequestData apiVersionsRequest() {
        return new ApiVersionsRequestData().setClientSoftwareName("gregor-it").setClientSoftwareVersion("1.0");
    }

    private static ApiVersionsResponseData apiVersions(WireClient client) throws IOException {
        return client.request(apiVersionsRequest(), API_VERSIONS_VERSION);
    }

    private static FetchRequestData emptyFetch(String topic, int maxWaitMs) {
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(1).setMaxBytes(1024 * 1024)
            .setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1)
            .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1024 * 1024)
                    .setCurrentLeaderEpoch(-1).setLogStartOffset(-1)))));
    }

    private static ProduceRequestData produce(short acks, ProduceRequestData.TopicProduceData topic, MemoryRecords records) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(topic.setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        return new ProduceRequestData().setAcks(acks).setTimeoutMs(10_000).setTransactionalId(null).setTopicData(topics);
    }

    private static PartitionProduceResponse produceAll(WireClient client, String topic, MemoryRecords records) throws IOException {
        ApiMessage request = produce((short) -1, new ProduceRequestData.TopicProduceData().setName(topic), records);
        return partitionResult(client.request(request, PRODUCE_BY_NAME));
    }

    private static PartitionProduceResponse partitionResult(ProduceResponseData response) {
        assertThat(response.responses()).hasSize(1);
        List<PartitionProduceResponse> partitions = response.responses().iterator().next().partitionResponses();
        assertThat(partitions).hasSize(1);
        return partitions.get(0);
    }

    private static SimpleRecord[] records(String prefix, int count) {
        SimpleRecord[] out = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            out[i] = new SimpleRecord(System.currentTimeMillis(), "key".getBytes(StandardCharsets.UTF_8),
                (prefix + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Sends one request per advertised version; a version whose answer closes the connection
     * (or cannot be decoded) is recorded as a problem and the sweep goes on with a new connection.
     */
    private static final class VersionSweep implements AutoCloseable {
        private final String bootstrapServers;
        private final ApiVersionsResponseData advertised;
        private WireClient client;

        VersionSweep(String bootstrapServers) throws IOException {
            this.bootstrapServers = bootstrapServers;
            this.client = WireClient.connect(bootstrapServers);
            this.advertised = apiVersions(client);
        }

        List<Short> advertised(ApiKeys key) {
            ApiVersion range = advertised.apiKeys().find(key.id);
            assertThat(range).as("%s advertised", key).isNotNull();
            List<Short> versions = new ArrayList<>();
            for (short v = range.minVersion(); v <= range.maxVersion(); v++) {
                versions.add(v);
            }
            return versions;
        }

        <T extends ApiMessage> T exchange(ApiMessage request, short version, List<String> problems) throws IOException {
            try {
                return client.request(request, version);
            } catch (IOException | RuntimeException e) {
                problems.add(ApiKeys.forId(request.apiKey()) + " v" + version + ": no usable answer (" + e + ")");
                client.close();
                client = WireClient.connect(bootstrapServers);
                return null;
            }
        }

        void expect(List<String> problems, String what, boolean ok, Object actual) {
            if (!ok) {
                problems.add(what + ": unexpected answer " + actual);
            }
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }
}
