package io.gregor.cli.groups;

import io.gregor.cli.client.CommandException;
import io.gregor.cli.client.KafkaFutures;
import io.gregor.cli.output.Json;
import io.gregor.cli.output.Table;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@code groups --describe}: one row per partition the group owns or has committed, with the
 * columns and {@code -} placeholders of kafka-consumer-groups.sh:
 * <pre>
 * GROUP    TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST        CLIENT-ID
 * billing  orders  0          40              42              2    consumer-1…  /10.0.0.7   consumer-1
 * </pre>
 * A member without partitions gets a row with {@code -} for topic and offsets, as in Kafka.
 */
final class GroupDescriber {
    private final Admin admin;

    GroupDescriber(Admin admin) {
        this.admin = admin;
    }

    /** One partition (or partition-less member) of a group. Null fields print as "-". */
    record Row(String group, String topic, Integer partition, Long currentOffset, Long logEndOffset, Long lag,
               String consumerId, String host, String clientId) {
    }

    void print(List<String> groups, boolean json, PrintWriter out) {
        List<Object> docs = new ArrayList<>();
        boolean first = true;
        for (String group : groups) {
            ConsumerGroupDescription description = describe(admin, group);
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
            if (description.groupState() == GroupState.DEAD && committed.isEmpty()) {
                throw new CommandException("consumer group '" + group + "' does not exist");
            }
            List<Row> rows = rows(group, description, committed);
            if (json) {
                List<Object> rowDocs = new ArrayList<>();
                rows.forEach(r -> rowDocs.add(Json.object("topic", r.topic(), "partition", r.partition(),
                    "currentOffset", r.currentOffset(), "logEndOffset", r.logEndOffset(), "lag", r.lag(),
                    "consumerId", r.consumerId(), "host", r.host(), "clientId", r.clientId())));
                docs.add(Json.object("group", group, "state", description.groupState().name(),
                    "members", description.members().size(), "partitions", rowDocs));
                continue;
            }
            if (!first) {
                out.println();
            }
            first = false;
            if (description.members().isEmpty()) {
                out.println("Consumer group '" + group + "' has no active members.");
            }
            Table table = new Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
            rows.forEach(r -> table.row(r.group(), r.topic(), r.partition(), r.currentOffset(), r.logEndOffset(), r.lag(),
                r.consumerId(), r.host(), r.clientId()));
            table.print(out);
        }
        if (json) {
            Json.print(out, docs);
        }
    }

    static ConsumerGroupDescription describe(Admin admin, String group) {
        try {
            return KafkaFutures.await(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group));
        } catch (GroupIdNotFoundException e) {
            throw new CommandException("consumer group '" + group + "' does not exist");
        }
    }

    static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        KafkaFutures.await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).forEach((tp, offset) -> {
            if (offset != null) {
                offsets.put(tp, offset);
            }
        });
        return offsets;
    }

    private List<Row> rows(String group, ConsumerGroupDescription description, Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<TopicPartition, MemberDescription> owners = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        for (MemberDescription member : description.members()) {
            Set<TopicPartition> assigned = member.assignment().topicPartitions();
            if (assigned.isEmpty()) {
                rows.add(new Row(group, null, null, null, null, null, member.consumerId(), member.host(), member.clientId()));
            }
            assigned.forEach(tp -> owners.put(tp, member));
        }
        Set<TopicPartition> partitions = new HashSet<>(owners.keySet());
        partitions.addAll(committed.keySet());
        Map<TopicPartition, Long> logEnd = logEndOffsets(partitions);
        List<TopicPartition> sorted = new ArrayList<>(partitions);
        sorted.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (TopicPartition tp : sorted) {
            OffsetAndMetadata offset = committed.get(tp);
            Long current = offset == null ? null : offset.offset();
            Long end = logEnd.get(tp);
            Long lag = current == null || end == null ? null : Math.max(0, end - current);
            MemberDescription owner = owners.get(tp);
            rows.add(new Row(group, tp.topic(), tp.partition(), current, end, lag,
                owner == null ? null : owner.consumerId(), owner == null ? null : owner.host(), owner == null ? null : owner.clientId()));
        }
        return rows;
    }

    /** Per partition, so that a committed offset of a since-deleted topic shows "-" instead of failing the whole describe. */
    private Map<TopicPartition, Long> logEndOffsets(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        if (specs.isEmpty()) {
            return out;
        }
        ListOffsetsResult result = admin.listOffsets(specs);
        for (TopicPartition tp : partitions) {
            try {
                out.put(tp, KafkaFutures.await(result.partitionResult(tp)).offset());
            } catch (UnknownTopicOrPartitionException e) {
                // Shown as "-".
            }
        }
        return out;
    }
}
