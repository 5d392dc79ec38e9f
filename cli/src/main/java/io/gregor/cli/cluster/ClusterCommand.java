package io.gregor.cli.cluster;

import io.gregor.cli.client.ClientCommand;
import io.gregor.cli.client.ClientOptions;
import io.gregor.cli.client.KafkaFutures;
import io.gregor.cli.output.Columns;
import io.gregor.cli.output.Json;
import io.gregor.cli.output.OutputFormat;
import io.gregor.cli.output.Table;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gregor cluster}: cluster id, controller and live brokers, with how many partition
 * replicas each broker hosts and how many it leads (the first thing to look at when load is
 * uneven). Counts come from the topics' metadata, so they cover every topic in the cluster.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Show the cluster id, the controller and the brokers with their partition and leader counts.",
    footer = {"", "Examples:", "  gregor cluster", "  gregor cluster --output json"})
public final class ClusterCommand implements Callable<Integer>, ClientCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    OutputFormat output;

    @Mixin
    ClientOptions client;

    @Override
    public ClientOptions client() {
        return client;
    }

    /** Replicas and leaderships of one broker. */
    private record Load(int partitions, int leaders) {
        Load plus(boolean leader) {
            return new Load(partitions + 1, leaders + (leader ? 1 : 0));
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = client.admin()) {
            DescribeClusterResult cluster = admin.describeCluster();
            String clusterId = KafkaFutures.await(cluster.clusterId());
            Node controller = KafkaFutures.await(cluster.controller());
            List<Node> brokers = new ArrayList<>(KafkaFutures.await(cluster.nodes()));
            brokers.sort(Comparator.comparingInt(Node::id));
            Collection<String> topics = KafkaFutures.await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names());
            Map<String, TopicDescription> descriptions = topics.isEmpty() ? Map.of()
                : KafkaFutures.await(admin.describeTopics(topics).allTopicNames());
            Map<Integer, Load> loads = new HashMap<>();
            int partitionCount = 0;
            for (TopicDescription topic : descriptions.values()) {
                for (TopicPartitionInfo p : topic.partitions()) {
                    partitionCount++;
                    for (Node replica : p.replicas()) {
                        boolean leads = p.leader() != null && p.leader().id() == replica.id();
                        loads.merge(replica.id(), new Load(1, leads ? 1 : 0), (a, b) -> a.plus(leads));
                    }
                }
            }
            boolean hasController = controller != null && !controller.isEmpty();
            if (output.json()) {
                List<Object> brokerDocs = new ArrayList<>();
                for (Node b : brokers) {
                    Load load = loads.getOrDefault(b.id(), new Load(0, 0));
                    brokerDocs.add(Json.object("id", b.id(), "host", b.host(), "port", b.port(), "rack", b.rack(),
                        "controller", hasController && controller.id() == b.id(), "partitions", load.partitions(), "leaders", load.leaders()));
                }
                Json.print(out, Json.object("clusterId", clusterId, "controller", hasController ? controller.id() : null,
                    "topics", descriptions.size(), "partitions", partitionCount, "brokers", brokerDocs));
                return 0;
            }
            Columns.align(List.of(
                List.of("Cluster ID:", clusterId == null ? "-" : clusterId),
                List.of("Controller:", hasController ? controller.id() + " (" + controller.host() + ":" + controller.port() + ")" : "none"),
                List.of("Brokers:", Integer.toString(brokers.size())),
                List.of("Topics:", descriptions.size() + " (" + partitionCount + " partitions)"))).forEach(out::println);
            out.println();
            Table table = new Table("BROKER", "HOST", "PORT", "RACK", "PARTITIONS", "LEADERS");
            for (Node b : brokers) {
                Load load = loads.getOrDefault(b.id(), new Load(0, 0));
                table.row(b.id(), b.host(), b.port(),
                    b.rack(), load.partitions(), load.leaders());
            }
            table.print(out);
        }
        return 0;
    }
}
