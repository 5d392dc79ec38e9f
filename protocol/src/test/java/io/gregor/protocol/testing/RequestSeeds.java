package io.gregor.protocol.testing;

import io.gregor.protocol.ApiVersionRange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * The seed inputs of the protocol fuzz targets: real client requests, one for every API and
 * version Gregor advertises, serialised by kafka-clients exactly as a client writes them (header
 * and body). The main APIs carry what clients send: produce requests with record batches of every
 * compression codec (and idempotent and transactional producers), fetches, metadata, group
 * joins with a consumer's subscription; the others their empty request.
 *
 * <p>Deterministic (fixed timestamps, ids and names), so the committed seed files can be
 * compared with what this generates: {@code RequestSeedsTest} does, and rewrites them with
 * {@code -Dgregor.fuzz.writeSeeds=true}.
 */
public final class RequestSeeds {
    static final long TIMESTAMP = 1_767_225_600_000L;
    static final Uuid TOPIC_ID = new Uuid(0x6772_6567_6f72_0001L, 0x6f72_6465_7273_0001L);
    static final String TOPIC = "orders";
    private static final List<Compression> CODECS = List.of(Compression.NONE, Compression.gzip().build(),
        Compression.snappy().build(), Compression.lz4().build(), Compression.zstd().build());

    private RequestSeeds() {
    }

    /** One frame (header and body, no size prefix) per advertised API version, by seed name. */
    public static Map<String, byte[]> requests() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        int correlationId = 1;
        for (ApiVersionRange range : AdvertisedApis.handled()) {
            for (short version = range.min(); version <= range.max(); version++) {
                ApiKeys key = range.key();
                String name = "seed-" + key.name.toLowerCase().replace(' ', '-') + "-v" + version;
                if (key == ApiKeys.PRODUCE) {
                    for (Compression codec : CODECS) {
                        if (version < 7 && codec.type().id == 4) {
                            continue; // zstd needs produce v7 (KIP-110)
                        }
                        seeds.put(name + "-" + codec.type().name, frame(key, version, correlationId++, produce(version, codec)));
                    }
                } else {
                    seeds.put(name, frame(key, version, correlationId++, body(key, version)));
                }
            }
        }
        return seeds;
    }

    /**
     * Byte streams as they arrive on a connection, prefixed with the frame decoder target's two
     * control bytes (the largest frame limit; a read pattern): a client's first requests, a
     * pipelined produce burst, a stream ending in half a frame, and one with an oversized size.
     */
    public static Map<String, byte[]> streams() {
        Map<String, byte[]> requests = requests();
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("seed-client-start", stream(0, requests.get("seed-apiversions-v3"), requests.get("seed-metadata-v12"),
            requests.get("seed-findcoordinator-v4"), requests.get("seed-joingroup-v9")));
        seeds.put("seed-produce-burst", stream(7, requests.get("seed-produce-v9-none"), requests.get("seed-produce-v9-gzip"),
            requests.get("seed-produce-v9-lz4"), requests.get("seed-produce-v9-zstd")));
        byte[] fetches = stream(3, requests.get("seed-fetch-v12"), requests.get("seed-fetch-v17"));
        seeds.put("seed-half-a-frame", java.util.Arrays.copyOf(fetches, fetches.length - 9));
        byte[] tooLarge = stream(0, requests.get("seed-heartbeat-v4"));
        ByteBuffer.wrap(tooLarge).putInt(2, 1 << 20);
        seeds.put("seed-oversized", tooLarge);
        return seeds;
    }

    private static byte[] stream(int readPattern, byte[]... frames) {
        int size = 2;
        for (byte[] f : frames) {
            size += 4 + f.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put((byte) 0xff).put((byte) readPattern);
        for (byte[] f : frames) {
            out.putInt(f.length).put(f);
        }
        return out.array();
    }

    private static byte[] frame(ApiKeys key, short version, int correlationId, ApiMessage body) {
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion(version)
            .setCorrelationId(correlationId).setClientId("console-producer");
        ByteBuffer serialized = RequestUtils.serialize(header, key.requestHeaderVersion(version), body, version);
        byte[] bytes = new byte[serialized.remaining()];
        serialized.get(bytes);
        return bytes;
    }

    private static ApiMessage body(ApiKeys key, short version) {
        return switch (key) {
            case FETCH -> fetch(version);
            case LIST_OFFSETS -> new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
                    new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1)))));
            case METADATA -> new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic()
                .setName(TOPIC)));
            case OFFSET_COMMIT -> offsetCommit(version);
            case OFFSET_FETCH -> offsetFetch(version);
            case FIND_COORDINATOR -> version >= 4
                ? new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(List.of("orders-app"))
                : new FindCoordinatorRequestData().setKey("orders-app");
            case JOIN_GROUP -> joinGroup(version);
            case HEARTBEAT -> new HeartbeatRequestData().setGroupId("orders-app").setGenerationId(3)
                .setMemberId("consumer-1-5b5d1a2e");
            case LEAVE_GROUP -> version >= 3
                ? new LeaveGroupRequestData().setGroupId("orders-app").setMembers(List.of(
                    new LeaveGroupRequestData.MemberIdentity().setMemberId("consumer-1-5b5d1a2e")))
                : new LeaveGroupRequestData().setGroupId("orders-app").setMemberId("consumer-1-5b5d1a2e");
            case SYNC_GROUP -> syncGroup(version);
            case DESCRIBE_GROUPS -> new DescribeGroupsRequestData().setGroups(List.of("orders-app"));
            case API_VERSIONS -> version >= 3
                ? new ApiVersionsRequestData().setClientSoftwareName("apache-kafka-java").setClientSoftwareVersion("4.4.0")
                : new ApiVersionsRequestData();
            case CREATE_TOPICS -> createTopics();
            case INIT_PRODUCER_ID -> new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000);
            case OFFSET_FOR_LEADER_EPOCH -> new OffsetForLeaderEpochRequestData().setReplicaId(version >= 3 ? -1 : -2)
                .setTopics(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection(List.of(
                    new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC).setPartitions(List.of(
                        new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                            .setCurrentLeaderEpoch(version >= 2 ? 5 : -1).setLeaderEpoch(4)))).iterator()));
            case DESCRIBE_CONFIGS -> new DescribeConfigsRequestData().setResources(List.of(
                new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2).setResourceName(TOPIC)
                    .setConfigurationKeys(null)));
            default -> key.messageType.newRequest();
        };
    }

    private static ProduceRequestData produce(short version, Compression codec) {
        SimpleRecord[] records = new SimpleRecord[3];
        Header[] headers = {new RecordHeader("trace-id", "4bf92f3577b34da6".getBytes(StandardCharsets.UTF_8))};
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(TIMESTAMP + i, ("order-" + i).getBytes(StandardCharsets.UTF_8),
                ("{\"id\":" + i + ",\"item\":\"book\",\"qty\":" + (i + 1) + "}").getBytes(StandardCharsets.UTF_8), headers);
        }
        // Each codec once plain, and the later versions from an idempotent producer, as clients send them by default.
        MemoryRecords batch = version >= 9
            ? MemoryRecords.withIdempotentRecords(codec, 4000L + version, (short) 0, 12, records)
            : MemoryRecords.withRecords(codec, records);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch)));
        if (version >= 13) {
            topic.setTopicId(TOPIC_ID);
        } else {
            topic.setName(TOPIC);
        }
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(topic);
        return new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics);
    }

    private static FetchRequestData fetch(short version) {
        FetchRequestData.FetchPartition partition = new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(1234)
            .setPartitionMaxBytes(1 << 20);
        if (version >= 9) {
            partition.setCurrentLeaderEpoch(5);
        }
        if (version >= 5) {
            partition.setLogStartOffset(-1);
        }
        FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setPartitions(List.of(partition));
        if (version >= 13) {
            topic.setTopicId(TOPIC_ID);
        } else {
            topic.setTopic(TOPIC);
        }
        FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(500).setMinBytes(1).setMaxBytes(50 << 20)
            .setIsolationLevel((byte) 0).setTopics(List.of(topic));
        if (version < 15) {
            fetch.setReplicaId(-1);
        }
        if (version >= 7) {
            fetch.setSessionId(0).setSessionEpoch(-1);
        }
        if (version >= 11) {
            fetch.setRackId("");
        }
        return fetch;
    }

    private static OffsetCommitRequestData offsetCommit(short version) {
        OffsetCommitRequestData.OffsetCommitRequestTopic topic = new OffsetCommitRequestData.OffsetCommitRequestTopic()
            .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0)
                .setCommittedOffset(1234).setCommittedMetadata("")));
        if (version >= 10) {
            topic.setTopicId(TOPIC_ID);
        } else {
            topic.setName(TOPIC);
        }
        return new OffsetCommitRequestData().setGroupId("orders-app").setGenerationIdOrMemberEpoch(3)
            .setMemberId("consumer-1-5b5d1a2e").setTopics(List.of(topic));
    }

    private static OffsetFetchRequestData offsetFetch(short version) {
        if (version >= 8) {
            OffsetFetchRequestData.OffsetFetchRequestTopics topic = new OffsetFetchRequestData.OffsetFetchRequestTopics()
                .setPartitionIndexes(List.of(0));
            if (version >= 10) {
                topic.setTopicId(TOPIC_ID);
            } else {
                topic.setName(TOPIC);
            }
            return new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                .setGroupId("orders-app").setTopics(List.of(topic))));
        }
        return new OffsetFetchRequestData().setGroupId("orders-app").setTopics(List.of(
            new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(TOPIC).setPartitionIndexes(List.of(0))));
    }

    private static JoinGroupRequestData joinGroup(short version) {
        ByteBuffer subscription = ConsumerProtocol.serializeSubscription(
            new ConsumerPartitionAssignor.Subscription(List.of(TOPIC), null, List.of(new TopicPartition(TOPIC, 0))));
        byte[] metadata = new byte[subscription.remaining()];
        subscription.get(metadata);
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("cooperative-sticky").setMetadata(metadata));
        JoinGroupRequestData join = new JoinGroupRequestData().setGroupId("orders-app").setSessionTimeoutMs(45_000)
            .setMemberId("").setProtocolType("consumer").setProtocols(protocols);
        if (version >= 1) {
            join.setRebalanceTimeoutMs(300_000);
        }
        return join;
    }

    private static SyncGroupRequestData syncGroup(short version) {
        ByteBuffer assignment = ConsumerProtocol.serializeAssignment(
            new ConsumerPartitionAssignor.Assignment(List.of(new TopicPartition(TOPIC, 0))));
        byte[] bytes = new byte[assignment.remaining()];
        assignment.get(bytes);
        SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId("orders-app").setGenerationId(3)
            .setMemberId("consumer-1-5b5d1a2e").setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment()
                .setMemberId("consumer-1-5b5d1a2e").setAssignment(bytes)));
        if (version >= 5) {
            sync.setProtocolType("consumer").setProtocolName("range");
        }
        return sync;
    }

    private static CreateTopicsRequestData createTopics() {
        CreateTopicsRequestData.CreatableTopicCollection topics = new CreateTopicsRequestData.CreatableTopicCollection();
        CreateTopicsRequestData.CreatableTopicConfigCollection configs = new CreateTopicsRequestData.CreatableTopicConfigCollection();
        configs.add(new CreateTopicsRequestData.CreatableTopicConfig().setName("cleanup.policy").setValue("compact"));
        topics.add(new CreateTopicsRequestData.CreatableTopic().setName(TOPIC).setNumPartitions(3).setReplicationFactor((short) 1)
            .setConfigs(configs));
        return new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(30_000);
    }
}
