package io.gregor.cli.topics;

import io.gregor.cli.client.KafkaFutures;
import io.gregor.cli.client.Topics;
import io.gregor.cli.output.Columns;
import io.gregor.cli.output.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * {@code topics --describe}: a header line per topic and a line per partition, in kafka-topics'
 * words so that greps written for Kafka keep working:
 * <pre>
 * Topic: orders  TopicId: 3vG...  PartitionCount: 2  ReplicationFactor: 1  Configs: retention.ms=1000
 *   Topic: orders  Partition: 0  Leader: 0  Replicas: 0  Isr: 0
 * </pre>
 * Fields are separated by two spaces and padded after the value so that the partition lines of
 * a topic line up. "Configs" lists the topic's own overrides, as kafka-topics does.
 */
final class TopicDescriber {
    private final Admin admin;

    TopicDescriber(Admin admin) {
        this.admin = admin;
    }

    void print(List<String> topics, boolean json, PrintWriter out) {
        if (topics.isEmpty()) {
            if (json) {
                Json.print(out, List.of());
            }
            return;
        }
        Map<String, TopicDescription> descriptions = Topics.describe(admin, topics);
        Map<String, Map<String, String>> overrides = overrides(topics);
        if (json) {
            List<Object> docs = new ArrayList<>();
            descriptions.values().forEach(d -> docs.add(toJson(d, overrides.get(d.name()))));
            Json.print(out, docs);
            return;
        }
        for (TopicDescription d : descriptions.values()) {
            printText(d, overrides.get(d.name()), out);
        }
    }

    private Map<String, Map<String, String>> overrides(List<String> topics) {
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = KafkaFutures.await(admin.describeConfigs(resources).all());
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
            Map<String, String> own = new LinkedHashMap<>();
            e.getValue().entries().stream()
                .filter(c -> c.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(c -> own.put(c.name(), c.isSensitive() ? "(sensitive)" : c.value()));
            out.put(e.getKey().name(), own);
        }
        return out;
    }

    private static void printText(TopicDescription d, Map<String, String> configs, PrintWriter out) {
        String configText = configs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        out.println(String.join("  ", "Topic: " + d.name(), "TopicId: " + d.topicId(), "PartitionCount: " + d.partitions().size(),
            "ReplicationFactor: " + replicationFactor(d), "Configs: " + configText).stripTrailing());
        List<List<String>> lines = new ArrayList<>();
        for (TopicPartitionInfo p : d.partitions()) {
            lines.add(List.of("Topic: " + d.name(), "Partition: " + p.partition(),
                "Leader: " + (p.leader() == null || p.leader().isEmpty() ? "none" : p.leader().idString()),
                "Replicas: " + ids(p.replicas()), "Isr: " + ids(p.isr())));
        }
        Columns.align(lines).forEach(line -> out.println("  " + line));
    }

    private static Map<String, Object> toJson(TopicDescription d, Map<String, String> configs) {
        List<Object> partitions = new ArrayList<>();
        for (TopicPartitionInfo p : d.partitions()) {
            partitions.add(Json.object("partition", p.partition(),
                "leader", p.leader() == null || p.leader().isEmpty() ? null : p.leader().id(),
                "replicas", p.replicas().stream().map(Node::id).toList(),
                "isr", p.isr().stream().map(Node::id).toList()));
        }
        return Json.object("name", d.name(), "topicId", d.topicId().toString(), "internal", d.isInternal(),
            "partitionCount", d.partitions().size(), "replicationFactor", replicationFactor(d),
            "configs", configs, "partitions", partitions);
    }

    private static int replicationFactor(TopicDescription d) {
        return d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
    }

    private static String ids(List<Node> nodes) {
        return nodes.stream().map(Node::idString).collect(Collectors.joining(","));
    }
}
