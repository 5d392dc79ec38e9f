package io.gregor.cli.configs;

import io.gregor.cli.client.ClientCommand;
import io.gregor.cli.client.ClientOptions;
import io.gregor.cli.client.CommandException;
import io.gregor.cli.client.KafkaFutures;
import io.gregor.cli.client.Topics;
import io.gregor.cli.output.Json;
import io.gregor.cli.output.OutputFormat;
import io.gregor.cli.output.Table;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gregor configs}: describe and change topic and broker configs with kafka-configs.sh's
 * flags. Without {@code --all}, describe shows what differs from Kafka's defaults, which is what
 * one looks for when a topic misbehaves. Changes use IncrementalAlterConfigs, so only the named
 * keys change.
 */
@Command(name = "configs", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Describe or change topic and broker configs (the flags of kafka-configs.sh).",
    footer = {"", "Examples:",
        "  gregor configs --entity-type topics --entity-name orders --describe",
        "  gregor configs --entity-type brokers --entity-name 0 --describe --all",
        "  gregor configs --entity-type topics --entity-name orders --alter \\",
        "      --add-config retention.ms=86400000,max.message.bytes=2097152 --delete-config cleanup.policy"})
public final class ConfigsCommand implements Callable<Integer>, ClientCommand {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Action (exactly one):%n", order = 0)
    Action action;

    static final class Action {
        @Option(names = "--describe", description = "Show configs.")
        boolean describe;
        @Option(names = "--alter", description = "Change configs (--add-config, --delete-config).")
        boolean alter;
    }

    @Option(names = "--entity-type", paramLabel = "topics|brokers", required = true, order = 1, description = "What to configure.")
    EntityType entityType;

    @Option(names = "--entity-name", paramLabel = "name", order = 2,
        description = "Topic name or broker id (default with --describe: all of them).")
    String entityName;

    @Option(names = "--all", order = 3, description = "With --describe: every config, including defaults.")
    boolean all;

    @Option(names = "--add-config", paramLabel = "k=v[,k=v...]", order = 4,
        description = "Configs to set, comma-separated; put a list value in brackets: k=[a,b]. Repeatable.")
    List<String> addConfigs = new ArrayList<>();

    @Option(names = "--delete-config", paramLabel = "k[,k...]", split = ",", order = 5,
        description = "Configs to remove (back to the default). Repeatable.")
    List<String> deleteConfigs = new ArrayList<>();

    @Mixin
    OutputFormat output;

    @Mixin
    ClientOptions client;

    /** Kafka's entity type names. */
    enum EntityType {
        topics(ConfigResource.Type.TOPIC, "topic"), brokers(ConfigResource.Type.BROKER, "broker");

        final ConfigResource.Type resourceType;
        final String singular;

        EntityType(ConfigResource.Type resourceType, String singular) {
            this.resourceType = resourceType;
            this.singular = singular;
        }
    }

    @Override
    public ClientOptions client() {
        return client;
    }

    @Override
    public Integer call() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = client.admin()) {
            if (action.describe) {
                describe(admin, entities(admin), out);
            } else {
                alter(admin, out);
            }
        }
        return 0;
    }

    private void validate() {
        if (action.alter && entityName == null) {
            throw usage("--alter needs --entity-name");
        }
        if (action.alter && addConfigs.isEmpty() && deleteConfigs.isEmpty()) {
            throw usage("--alter needs --add-config or --delete-config");
        }
        if (action.describe && (!addConfigs.isEmpty() || !deleteConfigs.isEmpty())) {
            throw usage("--add-config and --delete-config go with --alter, not --describe");
        }
        if (all && !action.describe) {
            throw usage("--all goes with --describe");
        }
        if (entityType == EntityType.brokers && entityName != null) {
            try {
                Integer.parseInt(entityName);
            } catch (NumberFormatException e) {
                throw new CommandException("invalid value for --entity-name: '" + entityName + "' (a broker id is a number)");
            }
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The entities to describe, checking that a named one exists. */
    private List<String> entities(Admin admin) {
        if (entityType == EntityType.topics) {
            if (entityName != null) {
                Topics.describe(admin, entityName);
                return List.of(entityName);
            }
            return List.copyOf(new TreeSet<>(KafkaFutures.await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names())));
        }
        List<String> ids = new ArrayList<>();
        Collection<Node> nodes = KafkaFutures.await(admin.describeCluster().nodes());
        nodes.stream().sorted(Comparator.comparingInt(Node::id)).forEach(n -> ids.add(n.idString()));
        if (entityName != null) {
            if (!ids.contains(entityName)) {
                throw new CommandException("broker " + entityName + " is not in the cluster (brokers: " + String.join(", ", ids) + ")");
            }
            return List.of(entityName);
        }
        return ids;
    }

    private void describe(Admin admin, List<String> names, PrintWriter out) {
        List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(entityType.resourceType, n)).toList();
        Map<ConfigResource, Config> configs = resources.isEmpty() ? Map.of() : KafkaFutures.await(admin.describeConfigs(resources).all());
        List<Object> docs = new ArrayList<>();
        boolean first = true;
        for (ConfigResource resource : resources) {
            List<ConfigEntry> entries = configs.get(resource).entries().stream()
                .filter(e -> all || e.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG)
                .sorted(Comparator.comparing(ConfigEntry::name)).toList();
            if (output.json()) {
                List<Object> entryDocs = new ArrayList<>();
                entries.forEach(e -> entryDocs.add(Json.object("name", e.name(), "value", e.value(), "source", e.source().name(),
                    "sensitive", e.isSensitive(), "readOnly", e.isReadOnly())));
                docs.add(Json.object("entityType", entityType.name(), "entityName", resource.name(), "configs", entryDocs));
                continue;
            }
            if (!first) {
                out.println();
            }
            first = false;
            out.println((all ? "All configs" : "Configs that differ from the defaults") + " for " + entityType.singular + " " + resource.name() + ":");
            if (entries.isEmpty()) {
                out.println("(none)");
                continue;
            }
            Table table = new Table("NAME", "VALUE", "SOURCE");
            entries.forEach(e -> table.row(e.name(), e.isSensitive() ? "(sensitive)" : e.value(), e.source().name()));
            table.print(out);
        }
        if (output.json()) {
            Json.print(out, docs);
        }
        out.flush();
    }

    private void alter(Admin admin, PrintWriter out) {
        entities(admin);
        List<AlterConfigOp> ops = new ArrayList<>();
        for (String entry : addConfigs) {
            for (String pair : ConfigList.split(entry)) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new CommandException("invalid value for --add-config: '" + pair + "' (expected name=value)");
                }
                String value = pair.substring(eq + 1).trim();
                if (value.startsWith("[") && value.endsWith("]")) {
                    value = value.substring(1, value.length() - 1);
                }
                ops.add(new AlterConfigOp(new ConfigEntry(pair.substring(0, eq).trim(), value), AlterConfigOp.OpType.SET));
            }
        }
        for (String name : deleteConfigs) {
            if (!name.isBlank()) {
                ops.add(new AlterConfigOp(new ConfigEntry(name.trim(), ""), AlterConfigOp.OpType.DELETE));
            }
        }
        ConfigResource resource = new ConfigResource(entityType.resourceType, entityName);
        KafkaFutures.await(admin.incrementalAlterConfigs(Map.of(resource, ops)).all());
        out.println("Updated configs of " + entityType.singular + " " + entityName + ".");
        out.flush();
    }
}
