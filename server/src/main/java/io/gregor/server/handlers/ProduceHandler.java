package io.gregor.server.handlers;

import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.PartitionImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.replication.ProduceResult;
import io.gregor.replication.ReplicaManager;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Produce (acks 0, 1 and all). Records are validated and appended in place from the request
 * buffer; with acks=0 nothing is answered, with acks=all the answer waits for the in-sync
 * replicas. A NOT_LEADER_OR_FOLLOWER answer carries the current leader (KIP-951) so that clients
 * move on without a metadata round trip.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequestData> {
    private final MetadataView cache;
    private final ReplicaManager replicaManager;

    public ProduceHandler(MetadataView cache, ReplicaManager replicaManager) {
        this.cache = cache;
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.PRODUCE, 3, 13);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ProduceRequestData request) {
        short acks = request.acks();
        short version = context.apiVersion();
        MetadataImage image = cache.image();
        Map<TopicPartition, MemoryRecords> toAppend = new LinkedHashMap<>();
        Map<TopicPartition, ProduceResult> failed = new LinkedHashMap<>();
        Map<TopicPartition, Uuid> ids = new LinkedHashMap<>();
        for (ProduceRequestData.TopicProduceData topicData : request.topicData()) {
            TopicRef topic = TopicRef.resolve(image, version >= 13, topicData.topicId(), topicData.name());
            String name = topic.name();
            for (ProduceRequestData.PartitionProduceData p : topicData.partitionData()) {
                TopicPartition tp = new TopicPartition(name, p.index());
                ids.put(tp, topicData.topicId());
                if (acks != 0 && acks != 1 && acks != -1) {
                    failed.put(tp, ProduceResult.error(Errors.INVALID_REQUIRED_ACKS, "acks must be 0, 1 or -1 (all), not " + acks));
                } else if (!topic.exists() || topic.topic().markedForDeletion()) {
                    failed.put(tp, ProduceResult.error(topic.unknownTopicError(), "Unknown topic " + topic.requested()));
                } else if (topic.partitionError(p.index()) != Errors.NONE) {
                    failed.put(tp, ProduceResult.error(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " has no partition " + p.index()));
                } else if (request.transactionalId() != null) {
                    failed.put(tp, ProduceResult.error(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                        "Transactions are not supported by Gregor yet"));
                } else if (!(p.records() instanceof MemoryRecords records)) {
                    failed.put(tp, ProduceResult.error(Errors.CORRUPT_MESSAGE, "Missing records"));
                } else {
                    toAppend.put(tp, records);
                }
            }
        }
        CompletableFuture<Map<TopicPartition, ProduceResult>> appended = toAppend.isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : replicaManager.appendRecords(acks, request.timeoutMs(), toAppend, context.eventLoop(), true);
        if (acks == 0) {
            // No response, so errors can only be signalled the way Kafka does: by disconnecting,
            // after which the client refreshes its metadata.
            return appended.thenApply(results -> {
                boolean failedAny = !failed.isEmpty() || results.values().stream().anyMatch(r -> r.error() != Errors.NONE);
                if (failedAny) {
                    context.closeConnection();
                }
                return null;
            });
        }
        return appended.thenApply(results -> {
            Map<TopicPartition, ProduceResult> all = new LinkedHashMap<>(failed);
            all.putAll(results);
            return response(version, all, ids, cache.image(), context.listenerName());
        });
    }

    private static ApiMessage response(short version, Map<TopicPartition, ProduceResult> results, Map<TopicPartition, Uuid> ids,
                                       MetadataImage image, String listener) {
        ProduceResponseData response = new ProduceResponseData();
        Set<Integer> leadersToDescribe = new HashSet<>();
        for (Map.Entry<TopicPartition, ProduceResult> e : results.entrySet()) {
            TopicPartition tp = e.getKey();
            ProduceResult r = e.getValue();
            TopicProduceResponse topic = version >= 13
                ? response.responses().find(tp.topic(), ids.get(tp))
                : response.responses().find(tp.topic(), Uuid.ZERO_UUID);
            if (topic == null) {
                topic = new TopicProduceResponse().setName(version >= 13 ? "" : tp.topic())
                    .setTopicId(version >= 13 ? ids.get(tp) : Uuid.ZERO_UUID);
                response.responses().add(topic);
            }
            PartitionProduceResponse partition = new PartitionProduceResponse()
                .setIndex(tp.partition())
                .setErrorCode(r.error().code())
                .setErrorMessage(r.error() == Errors.NONE ? null : r.errorMessage())
                .setBaseOffset(r.baseOffset())
                .setLogAppendTimeMs(r.logAppendTimeMs())
                .setLogStartOffset(r.logStartOffset());
            if (r.error() == Errors.NOT_LEADER_OR_FOLLOWER && version >= 10) {
                PartitionImage p = image.partition(tp);
                if (p != null && p.hasLeader()) {
                    partition.setCurrentLeader(new ProduceResponseData.LeaderIdAndEpoch().setLeaderId(p.leader())
                        .setLeaderEpoch(p.leaderEpoch()));
                    leadersToDescribe.add(p.leader());
                }
            }
            topic.partitionResponses().add(partition);
        }
        for (int leader : leadersToDescribe) {
            BrokerRegistration broker = image.brokers().get(leader);
            Endpoint endpoint = broker == null ? null : broker.endpoint(listener);
            if (endpoint != null) {
                response.nodeEndpoints().add(new ProduceResponseData.NodeEndpoint().setNodeId(leader).setHost(endpoint.host())
                    .setPort(endpoint.port()).setRack(broker.rack()));
            }
        }
        return response;
    }

}
