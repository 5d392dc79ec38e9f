package io.gregor.server.handlers.group;

import io.gregor.coordinator.group.GroupCoordinator;
import io.gregor.coordinator.group.OffsetAndMetadata;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.TopicImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.handlers.TopicRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetFetch: committed offsets of one group (v0-7) or several groups in one request (v8+);
 * partitions without a committed offset answer -1. A null topic list means all committed offsets.
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequestData> {
    private final MetadataView cache;
    private final GroupCoordinator coordinator;

    public OffsetFetchHandler(MetadataView cache, GroupCoordinator coordinator) {
        this.cache = cache;
        this.coordinator = coordinator;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.OFFSET_FETCH, 1, 10);
    }

    /**
     * One requested group: its id, the partitions of known topics (null = all), and the topic
     * ids (v10) the metadata does not know, answered UNKNOWN_TOPIC_ID as Kafka does.
     */
    private record Ask(String groupId, List<TopicPartition> partitions, Map<Uuid, List<Integer>> unknownIds) {
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetFetchRequestData request) {
        short version = context.apiVersion();
        boolean byId = version >= 10;
        MetadataImage image = cache.image();
        List<Ask> asks = new ArrayList<>();
        if (version >= 8) {
            for (OffsetFetchRequestData.OffsetFetchRequestGroup g : request.groups()) {
                List<TopicPartition> partitions = null;
                Map<Uuid, List<Integer>> unknownIds = new LinkedHashMap<>();
                if (g.topics() != null) {
                    partitions = new ArrayList<>();
                    for (OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
                        TopicRef ref = TopicRef.resolve(image, byId, t.topicId(), t.name());
                        if (byId && !ref.exists()) {
                            unknownIds.computeIfAbsent(t.topicId(), id -> new ArrayList<>()).addAll(t.partitionIndexes());
                            continue;
                        }
                        for (int p : t.partitionIndexes()) {
                            partitions.add(new TopicPartition(ref.name(), p));
                        }
                    }
                }
                asks.add(new Ask(g.groupId(), partitions, unknownIds));
            }
        } else {
            List<TopicPartition> partitions = null;
            if (request.topics() != null) {
                partitions = new ArrayList<>();
                for (OffsetFetchRequestData.OffsetFetchRequestTopic t : request.topics()) {
                    for (int p : t.partitionIndexes()) {
                        partitions.add(new TopicPartition(t.name(), p));
                    }
                }
            }
            asks.add(new Ask(request.groupId(), partitions, Map.of()));
        }
        List<CompletableFuture<Map.Entry<Errors, Map<TopicPartition, OffsetAndMetadata>>>> fetches = new ArrayList<>();
        for (Ask ask : asks) {
            fetches.add(coordinator.fetchOffsets(ask.groupId(), ask.partitions()));
        }
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).thenApply(v -> {
            OffsetFetchResponseData response = new OffsetFetchResponseData();
            for (int i = 0; i < asks.size(); i++) {
                Map.Entry<Errors, Map<TopicPartition, OffsetAndMetadata>> result = fetches.get(i).join();
                if (version >= 8) {
                    response.groups().add(group(asks.get(i), result, byId, cache.image()));
                } else {
                    response.setErrorCode(result.getKey().code());
                    response.setTopics(legacyTopics(result.getValue(), result.getKey(), version));
                }
            }
            return response;
        });
    }

    private static OffsetFetchResponseData.OffsetFetchResponseGroup group(Ask ask,
                                                                        Map.Entry<Errors, Map<TopicPartition, OffsetAndMetadata>> result,
                                                                        boolean byId, MetadataImage image) {
        OffsetFetchResponseData.OffsetFetchResponseGroup out = new OffsetFetchResponseData.OffsetFetchResponseGroup()
            .setGroupId(ask.groupId()).setErrorCode(result.getKey().code());
        Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> topics = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : result.getValue().entrySet()) {
            TopicImage topic = image.topic(e.getKey().topic());
            if (byId && topic == null) {
                continue;
            }
            OffsetFetchResponseData.OffsetFetchResponseTopics t = topics.computeIfAbsent(e.getKey().topic(), name -> {
                OffsetFetchResponseData.OffsetFetchResponseTopics created = new OffsetFetchResponseData.OffsetFetchResponseTopics()
                    .setName(byId ? "" : name).setTopicId(byId ? topic.id() : Uuid.ZERO_UUID);
                out.topics().add(created);
                return created;
            });
            OffsetAndMetadata om = e.getValue();
            t.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                .setPartitionIndex(e.getKey().partition())
                .setCommittedOffset(om == null ? -1 : om.offset())
                .setCommittedLeaderEpoch(om == null ? -1 : om.leaderEpoch())
                .setMetadata(om == null ? "" : om.metadata())
                .setErrorCode(Errors.NONE.code()));
        }
        if (result.getKey() == Errors.NONE) {
            ask.unknownIds().forEach((id, partitions) -> {
                OffsetFetchResponseData.OffsetFetchResponseTopics t = new OffsetFetchResponseData.OffsetFetchResponseTopics()
                    .setName("").setTopicId(id);
                for (int p : partitions) {
                    t.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(p)
                        .setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("")
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                }
                out.topics().add(t);
            });
        }
        return out;
    }

    private static List<OffsetFetchResponseData.OffsetFetchResponseTopic> legacyTopics(Map<TopicPartition, OffsetAndMetadata> offsets,
                                                                                      Errors groupError, short version) {
        Map<String, OffsetFetchResponseData.OffsetFetchResponseTopic> topics = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            OffsetAndMetadata om = e.getValue();
            topics.computeIfAbsent(e.getKey().topic(), n -> new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(n))
                .partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                    .setPartitionIndex(e.getKey().partition())
                    .setCommittedOffset(om == null ? -1 : om.offset())
                    .setCommittedLeaderEpoch(om == null ? -1 : om.leaderEpoch())
                    .setMetadata(om == null ? "" : om.metadata())
                    .setErrorCode(version < 2 ? groupError.code() : Errors.NONE.code()));
        }
        return new ArrayList<>(topics.values());
    }
}
