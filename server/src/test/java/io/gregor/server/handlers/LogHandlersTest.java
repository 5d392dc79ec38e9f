package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.protocol.FileRegionRecords;
import io.gregor.replication.ReplicaManager;
import io.gregor.server.InMemoryBroker;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handlers that read and write partition logs (Produce, Fetch, ListOffsets, DeleteRecords,
 * OffsetsForLeaderEpoch, DescribeLogDirs), on a real log manager and replica manager in a
 * temporary directory. Broker 0 leads {@code t-0}; broker 1 leads {@code t-1}.
 */
class LogHandlersTest {
    private static final short PRODUCE_V12 = 12;
    private static final short FETCH_V12 = 12;

    @TempDir
    Path dir;

    private InMemoryBroker broker;
    private ReplicaManager replicas;
    private final EventLoop eventLoop = new DefaultEventLoop();

    @BeforeEach
    void start() throws Exception {
        broker = InMemoryBroker.start(2, "log.dirs", dir.toString());
        replicas = broker.startReplicas();
        broker.createTopic("t", Map.of(0, List.of(0), 1, List.of(1)));
    }

    @AfterEach
    void close() throws Exception {
        broker.close();
        eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }

    @Test
    void shouldAppendRecordsAndAnswerWithTheirBaseOffsets() throws Exception {
        PartitionProduceResponse first = produce("t", 0, (short) 1, "a", "b", "c").responses().iterator().next().partitionResponses().get(0);
        PartitionProduceResponse second = produce("t", 0, (short) -1, "d").responses().iterator().next().partitionResponses().get(0);

        assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(first.baseOffset()).isZero();
        assertThat(first.logStartOffset()).isZero();
        assertThat(second.errorCode()).as("acks=all with the leader alone in the ISR").isEqualTo(Errors.NONE.code());
        assertThat(second.baseOffset()).isEqualTo(3);
        assertThat(replicas.partition(new org.apache.kafka.common.TopicPartition("t", 0)).highWatermark()).isEqualTo(4);
    }

    @Test
    void shouldPointAProducerToTheLeaderOfAPartitionThisBrokerDoesNotLead() throws Exception {
        ProduceResponseData response = produce("t", 1, (short) 1, "x");

        PartitionProduceResponse p = response.responses().iterator().next().partitionResponses().get(0);
        assertThat(p.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(p.currentLeader().leaderId()).isEqualTo(1);
        assertThat(p.currentLeader().leaderEpoch()).isZero();
        assertThat(response.nodeEndpoints()).hasSize(1);
        assertThat(response.nodeEndpoints().iterator().next().host()).isEqualTo("broker1");
    }

    @Test
    void shouldRefuseUnknownTopicsInvalidAcksAndTransactions() throws Exception {
        assertThat(produceError(produce("nope", 0, (short) 1, "x"))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(produceError(produce("t", 7, (short) 1, "x"))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(produceError(produce("t", 0, (short) 2, "x"))).isEqualTo(Errors.INVALID_REQUIRED_ACKS.code());
        ProduceRequestData transactional = produceRequest("t", 0, (short) 1, "x").setTransactionalId("tx");
        assertThat(produceError(produce(transactional))).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        assertThat(listOffset("t", 0, -1, 4).offset()).as("nothing was appended").isZero();
    }

    @Test
    void shouldProduceByTopicIdAndAnswerUnknownTopicIdFromVersion13() throws Exception {
        Uuid id = broker.topic("t").id();
        Uuid unknown = Uuid.randomUuid();

        ProduceResponseData known = produce((short) 13, produceRequest("", id, 0, (short) 1, "a"));
        ProduceResponseData missing = produce((short) 13, produceRequest("", unknown, 0, (short) 1, "a"));

        TopicProduceResponse topic = known.responses().iterator().next();
        assertThat(topic.topicId()).isEqualTo(id);
        assertThat(topic.name()).isEmpty();
        assertThat(topic.partitionResponses().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(missing.responses().iterator().next().topicId()).isEqualTo(unknown);
        assertThat(produceError(missing)).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
        assertThat(produceError(produce((short) 13, produceRequest("", id, 7, (short) 1, "a"))))
            .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void shouldFetchTheRecordsUpToTheHighWatermark() throws Exception {
        produce("t", 0, (short) 1, "a", "b", "c");

        FetchResponseData.PartitionData data = fetch(fetchRequest(0, 0, 1)).responses().get(0).partitions().get(0);

        assertThat(data.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(data.highWatermark()).isEqualTo(3);
        assertThat(data.logStartOffset()).isZero();
        assertThat(values(data)).containsExactly("a", "b", "c");
    }

    @Test
    void shouldHoldAFetchAtTheLogEndUntilRecordsArrive() throws Exception {
        produce("t", 0, (short) 1, "a");
        CompletableFuture<?> waiting = new FetchHandler(broker.metadata, replicas)
            .handle(broker.context(ApiKeys.FETCH, FETCH_V12, eventLoop), fetchRequest(0, 1, 10_000));
        assertThat(waiting).isNotDone();

        produce("t", 0, (short) 1, "b");

        FetchResponseData response = answer(waiting, FetchResponseData.class);
        assertThat(values(response.responses().get(0).partitions().get(0))).containsExactly("b");
    }

    @Test
    void shouldRefuseAFetchClaimingAReplicaIdOfNoFollowerWithoutReadingPastOrMovingTheHighWatermark() throws Exception {
        // Given topic r on brokers 0 (leader) and 1, both in sync, with three records only the leader has
        broker.createTopic("r", Map.of(0, List.of(0, 1)));
        produce("r", 0, (short) 1, "a", "b", "c");
        FetchHandler handler = new FetchHandler(broker.metadata, replicas);

        // When clients claim to be replica 5 (no broker), 0 (the leader itself), and, in v15's replica state, 5 again
        List<FetchResponseData.PartitionData> bogus = new ArrayList<>();
        for (int replicaId : List.of(5, 0)) {
            bogus.add(answer(handler.handle(broker.context(ApiKeys.FETCH, FETCH_V12, eventLoop), replicaFetch("r", 3, replicaId)),
                FetchResponseData.class).responses().get(0).partitions().get(0));
        }
        FetchRequestData v15 = replicaFetch("r", 3, -1).setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(5).setReplicaEpoch(1));
        bogus.add(answer(handler.handle(broker.context(ApiKeys.FETCH, (short) 15, eventLoop),
            v15.setTopics(List.of(v15.topics().get(0).setTopicId(broker.topic("r").id())))), FetchResponseData.class)
            .responses().get(0).partitions().get(0));

        // Then each gets NOT_LEADER_OR_FOLLOWER, as Kafka answers a replica it does not know, and no records
        assertThat(bogus).allSatisfy(data -> {
            assertThat(data.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
            assertThat(data.records().sizeInBytes()).isZero();
        });
        // and the high watermark stayed where the real follower left it
        FetchResponseData.PartitionData consumer = answer(handler.handle(broker.context(ApiKeys.FETCH, FETCH_V12, eventLoop),
            replicaFetch("r", 0, -1)), FetchResponseData.class).responses().get(0).partitions().get(0);
        assertThat(consumer.highWatermark()).isZero();

        // When the real follower, broker 1, fetches from the log end
        FetchResponseData.PartitionData follower = answer(handler.handle(broker.context(ApiKeys.FETCH, FETCH_V12, eventLoop),
            replicaFetch("r", 3, 1)), FetchResponseData.class).responses().get(0).partitions().get(0);

        // Then it is answered, and the high watermark moves to what it has
        assertThat(follower.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(follower.highWatermark()).isEqualTo(3);
    }

    @Test
    void shouldRefuseFetchSessionsAndUnknownTopicIds() throws Exception {
        assertThat(fetch(fetchRequest(0, 0, 0).setSessionId(5)).errorCode()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());

        FetchRequestData byId = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20).setReplicaId(-1)
            .setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(Uuid.randomUuid())
                .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0).setPartitionMaxBytes(1 << 20)))));
        FetchResponseData response = answer(new FetchHandler(broker.metadata, replicas)
            .handle(broker.context(ApiKeys.FETCH, (short) 13, eventLoop), byId), FetchResponseData.class);
        assertThat(response.responses().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
    }

    @Test
    void shouldListTheEarliestAndLatestOffsetsWithTheLeaderEpoch() throws Exception {
        produce("t", 0, (short) 1, "a", "b");

        assertThat(listOffset("t", 0, -2, 4).offset()).isZero();
        ListOffsetsPartitionResponse latest = listOffset("t", 0, -1, 4);
        assertThat(latest.offset()).isEqualTo(2);
        assertThat(latest.leaderEpoch()).isZero();
        assertThat(listOffset("t", 0, -1, 1).leaderEpoch()).as("no leader epoch before v4").isEqualTo(-1);
        assertThat(listOffset("t", 1, -1, 4).errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(listOffset("nope", 0, -1, 4).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void shouldMoveTheLogStartOffsetForwardWhenRecordsAreDeleted() throws Exception {
        produce("t", 0, (short) 1, "a", "b", "c", "d");

        DeleteRecordsResponseData response = deleteRecords(Map.of(0, 2L, 1, 1L));
        DeleteRecordsResponseData.DeleteRecordsPartitionResult p0 = response.topics().find("t").partitions().find(0);
        assertThat(p0.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(p0.lowWatermark()).isEqualTo(2);
        assertThat(response.topics().find("t").partitions().find(1).errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(listOffset("t", 0, -2, 4).offset()).isEqualTo(2);

        assertThat(deleteRecords(Map.of(0, -1L)).topics().find("t").partitions().find(0).lowWatermark())
            .as("-1 deletes up to the high watermark").isEqualTo(4);
    }

    @Test
    void shouldAnswerTheEndOffsetOfALeaderEpoch() throws Exception {
        produce("t", 0, (short) 1, "a", "b", "c");
        OffsetForLeaderEpochRequestData request = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("t");
        topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0)
            .setCurrentLeaderEpoch(0));
        topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(1).setLeaderEpoch(0)
            .setCurrentLeaderEpoch(0));
        request.topics().add(topic);

        OffsetForLeaderEpochResponseData response = answer(new OffsetForLeaderEpochHandler(broker.metadata, replicas)
            .handle(broker.latest(ApiKeys.OFFSET_FOR_LEADER_EPOCH), request), OffsetForLeaderEpochResponseData.class);

        List<OffsetForLeaderEpochResponseData.EpochEndOffset> results = response.topics().find("t").partitions();
        assertThat(results.get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(results.get(0).leaderEpoch()).isZero();
        assertThat(results.get(0).endOffset()).isEqualTo(3);
        assertThat(results.get(1).errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }

    @Test
    void shouldDescribeTheLogDirectoryWithThePartitionsItHolds() throws Exception {
        produce("t", 0, (short) 1, "a");

        DescribeLogDirsResponseData response = answer(new DescribeLogDirsHandler(broker.logManager(), broker.config.logDirs())
            .handle(broker.latest(ApiKeys.DESCRIBE_LOG_DIRS), new DescribeLogDirsRequestData().setTopics(null)), DescribeLogDirsResponseData.class);

        assertThat(response.results()).hasSize(1);
        DescribeLogDirsResponseData.DescribeLogDirsResult result = response.results().get(0);
        assertThat(result.logDir()).isEqualTo(dir.toFile().getAbsolutePath());
        assertThat(result.totalBytes()).isPositive();
        assertThat(result.topics()).hasSize(1);
        assertThat(result.topics().get(0).partitions()).hasSize(1);
        assertThat(result.topics().get(0).partitions().get(0).partitionSize()).isPositive();
        assertThat(result.topics().get(0).partitions().get(0).offsetLag()).isZero();
    }

    private ProduceResponseData produce(String topic, int partition, short acks, String... values) throws Exception {
        return produce(produceRequest(topic, partition, acks, values));
    }

    private ProduceResponseData produce(ProduceRequestData request) throws Exception {
        return produce(PRODUCE_V12, request);
    }

    private ProduceResponseData produce(short version, ProduceRequestData request) throws Exception {
        return answer(new ProduceHandler(broker.metadata, replicas).handle(broker.context(ApiKeys.PRODUCE, version, eventLoop), request),
            ProduceResponseData.class);
    }

    private static short produceError(ProduceResponseData response) {
        return response.responses().iterator().next().partitionResponses().get(0).errorCode();
    }

    private static ProduceRequestData produceRequest(String topic, int partition, short acks, String... values) {
        return produceRequest(topic, Uuid.ZERO_UUID, partition, acks, values);
    }

    private static ProduceRequestData produceRequest(String topic, Uuid topicId, int partition, short acks, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setTopicId(topicId).setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(MemoryRecords.withRecords(Compression.NONE, records)))));
        return new ProduceRequestData().setAcks(acks).setTimeoutMs(5_000).setTopicData(topics);
    }

    private FetchResponseData fetch(FetchRequestData request) throws Exception {
        return answer(new FetchHandler(broker.metadata, replicas).handle(broker.context(ApiKeys.FETCH, FETCH_V12, eventLoop), request),
            FetchResponseData.class);
    }

    private static FetchRequestData fetchRequest(int partition, long offset, int maxWaitMs) {
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(1).setMaxBytes(1 << 20)
            .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic("t").setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(partition).setFetchOffset(offset).setPartitionMaxBytes(1 << 20)
                    .setCurrentLeaderEpoch(-1)))));
    }

    private static FetchRequestData replicaFetch(String topic, long offset, int replicaId) {
        return new FetchRequestData().setReplicaId(replicaId).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
            .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset).setPartitionMaxBytes(1 << 20)
                    .setCurrentLeaderEpoch(-1)))));
    }

    /** The values of the fetched records, read from the segment file region the answer points at. */
    private static List<String> values(FetchResponseData.PartitionData data) throws Exception {
        FileRegionRecords region = (FileRegionRecords) data.records();
        ByteBuffer bytes = ByteBuffer.allocate(region.sizeInBytes());
        region.channel().read(bytes, region.position());
        bytes.flip();
        List<String> out = new ArrayList<>();
        for (Record r : MemoryRecords.readableRecords(bytes).records()) {
            out.add(StandardCharsets.UTF_8.decode(r.value()).toString());
        }
        return out;
    }

    private ListOffsetsPartitionResponse listOffset(String topic, int partition, long timestamp, int version) throws Exception {
        ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
            new ListOffsetsRequestData.ListOffsetsTopic().setName(topic).setPartitions(List.of(
                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(partition).setTimestamp(timestamp).setCurrentLeaderEpoch(-1)))));
        ListOffsetsResponseData response = answer(new ListOffsetsHandler(broker.metadata, replicas)
            .handle(broker.context(ApiKeys.LIST_OFFSETS, (short) version), request), ListOffsetsResponseData.class);
        return response.topics().get(0).partitions().get(0);
    }

    private DeleteRecordsResponseData deleteRecords(Map<Integer, Long> offsets) throws Exception {
        DeleteRecordsRequestData.DeleteRecordsTopic topic = new DeleteRecordsRequestData.DeleteRecordsTopic().setName("t");
        offsets.forEach((p, o) -> topic.partitions().add(new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(p).setOffset(o)));
        DeleteRecordsRequestData request = new DeleteRecordsRequestData().setTimeoutMs(5_000).setTopics(List.of(topic));
        return answer(new DeleteRecordsHandler(broker.metadata, replicas, Runnable::run).handle(broker.latest(ApiKeys.DELETE_RECORDS), request),
            DeleteRecordsResponseData.class);
    }
}
