package io.gregor.cli.topics;

import io.gregor.cli.client.ClientCommand;
import io.gregor.cli.client.ClientOptions;
import io.gregor.cli.client.CommandException;
import io.gregor.cli.client.KafkaFutures;
import io.gregor.cli.client.KeyValues;
import io.gregor.cli.client.Topics;
import io.gregor.cli.output.Json;
import io.gregor.cli.output.OutputFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gregor topics}: kafka-topics.sh's flags over the Kafka admin API, so that a Kafka user's
 * muscle memory works unchanged. {@code --topic} is a regular expression for {@code --list} and
 * {@code --describe} (as in kafka-topics) but an exact name for {@code --alter} and
 * {@code --delete}, so a typo cannot delete several topics.
 */
@Command(name = "topics", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Create, list, describe, alter and delete topics (the flags of kafka-topics.sh).",
    footer = {"", "Examples:",
        "  gregor topics --create --topic orders --partitions 3",
        "  gregor topics --create --topic audit --config retention.ms=86400000",
        "  gregor topics --list",
        "  gregor topics --describe --topic orders",
        "  gregor topics --alter --topic orders --partitions 6",
        "  gregor topics --delete --topic orders",
        "  gregor topics --zookeeper localhost:2181 --list"})
public final class TopicsCommand implements Callable<Integer>, ClientCommand {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Action (exactly one):%n", order = 0)
    Action action;

    static final class Action {
        @Option(names = "--create", description = "Create a topic.")
        boolean create;
        @Option(names = "--list", description = "List topic names.")
        boolean list;
        @Option(names = "--describe", description = "Describe topics: id, partitions, leaders, replicas, ISR, config overrides.")
        boolean describe;
        @Option(names = "--alter", description = "Increase the partition count of a topic.")
        boolean alter;
        @Option(names = "--delete", description = "Delete a topic.")
        boolean delete;
    }

    @Option(names = "--topic", paramLabel = "name", order = 1,
        description = "The topic; a regular expression with --list and --describe.")
    String topic;

    @Option(names = "--partitions", paramLabel = "N", order = 2,
        description = "Partition count for --create (default: the broker's num.partitions) or the new count for --alter.")
    Integer partitions;

    @Option(names = "--replication-factor", paramLabel = "N", order = 3,
        description = "Replicas per partition for --create (default: the broker's default.replication.factor).")
    Short replicationFactor;

    @Option(names = "--config", paramLabel = "name=value", order = 4,
        description = "A topic config override for --create. Repeatable.")
    List<String> configs = new ArrayList<>();

    @Option(names = "--if-not-exists", order = 5, description = "With --create: succeed if the topic already exists.")
    boolean ifNotExists;

    @Option(names = "--if-exists", order = 6, description = "With --alter or --delete: succeed if the topic does not exist.")
    boolean ifExists;

    @Option(names = "--exclude-internal", order = 7, description = "With --list or --describe: leave out internal topics.")
    boolean excludeInternal;

    @Option(names = "--zookeeper", paramLabel = "host:port", order = 8,
        description = "Find the brokers through ZooKeeper instead of --bootstrap-server (for scripts written for old Kafka tools).")
    String zookeeper;

    @Mixin
    ClientOptions client;

    @Mixin
    OutputFormat output;

    @Override
    public ClientOptions client() {
        return client;
    }

    @Override
    public Integer call() {
        validate();
        if (zookeeper != null) {
            client.useDiscovered(ZooKeeperDiscovery.discover(zookeeper, client.timeoutMs()));
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = client.admin()) {
            if (action.create) {
                create(admin, out);
            } else if (action.list) {
                list(admin, out);
            } else if (action.describe) {
                new TopicDescriber(admin).print(selectTopics(admin, true), output.json(), out);
            } else if (action.alter) {
                alter(admin, out);
            } else {
                delete(admin, out);
            }
        }
        out.flush();
        return 0;
    }

    /** Flag combinations kafka-topics rejects are usage errors here too (exit 2). */
    private void validate() {
        boolean needsTopic = action.create || action.alter || action.delete;
        if (needsTopic && topic == null) {
            throw usage("--topic is required with " + actionName());
        }
        if (action.alter && partitions == null) {
            throw usage("--alter needs --partitions (the new partition count)");
        }
        requireOnlyWith(partitions != null, "--partitions", action.create || action.alter);
        requireOnlyWith(replicationFactor != null, "--replication-factor", action.create);
        requireOnlyWith(!configs.isEmpty(), "--config", action.create);
        requireOnlyWith(ifNotExists, "--if-not-exists", action.create);
        requireOnlyWith(ifExists, "--if-exists", action.alter || action.delete);
        requireOnlyWith(excludeInternal, "--exclude-internal", action.list || action.describe);
        if (zookeeper != null && client.bootstrapServerGiven()) {
            throw usage("--zookeeper and --bootstrap-server cannot be used together");
        }
        if (partitions != null && partitions < 1) {
            throw new CommandException("invalid value for --partitions: " + partitions + " (must be at least 1)");
        }
        if (replicationFactor != null && replicationFactor < 1) {
            throw new CommandException("invalid value for --replication-factor: " + replicationFactor + " (must be at least 1)");
        }
        if (action.create) {
            try {
                Topic.validate(topic);
            } catch (RuntimeException e) {
                throw new CommandException("invalid topic name '" + topic + "': " + e.getMessage());
            }
        }
    }

    private void requireOnlyWith(boolean present, String flag, boolean allowed) {
        if (present && !allowed) {
            throw usage(flag + " cannot be used with " + actionName());
        }
    }

    private String actionName() {
        return action.create ? "--create" : action.list ? "--list" : action.describe ? "--describe" : action.alter ? "--alter" : "--delete";
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private void create(Admin admin, PrintWriter out) {
        NewTopic newTopic = new NewTopic(topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor))
            .configs(KeyValues.parse(configs, "--config"));
        try {
            KafkaFutures.await(admin.createTopics(List.of(newTopic)).all());
        } catch (TopicExistsException e) {
            if (ifNotExists) {
                return;
            }
            throw new CommandException("topic '" + topic + "' already exists");
        }
        out.println("Created topic " + topic + ".");
    }

    private void list(Admin admin, PrintWriter out) {
        List<String> names = selectTopics(admin, false);
        if (output.json()) {
            Json.print(out, names);
        } else {
            names.forEach(out::println);
        }
    }

    private void alter(Admin admin, PrintWriter out) {
        if (!exists(admin)) {
            return;
        }
        KafkaFutures.await(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all());
        out.println("Increased the partition count of " + topic + " to " + partitions + ".");
    }

    private void delete(Admin admin, PrintWriter out) {
        if (!exists(admin)) {
            return;
        }
        KafkaFutures.await(admin.deleteTopics(List.of(topic)).all());
        out.println("Deleted topic " + topic + ".");
    }

    /** @return false when the topic is missing and --if-exists allows that */
    private boolean exists(Admin admin) {
        if (allTopics(admin).contains(topic)) {
            return true;
        }
        if (ifExists) {
            return false;
        }
        throw Topics.unknown(topic);
    }

    /**
     * The topics named by --topic (a regular expression here, like kafka-topics), sorted; all
     * without it. Describing nothing is an error (the user named a topic that is not there);
     * listing nothing is an empty answer.
     */
    private List<String> selectTopics(Admin admin, boolean requireMatch) {
        TreeSet<String> all = allTopics(admin);
        if (topic == null) {
            return List.copyOf(all);
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(topic);
        } catch (PatternSyntaxException e) {
            pattern = Pattern.compile(Pattern.quote(topic));
        }
        List<String> selected = new ArrayList<>();
        for (String name : all) {
            if (name.equals(topic) || pattern.matcher(name).matches()) {
                selected.add(name);
            }
        }
        if (selected.isEmpty() && requireMatch) {
            throw Topics.unknown(topic);
        }
        return selected;
    }

    private TreeSet<String> allTopics(Admin admin) {
        TreeSet<String> names = new TreeSet<>();
        for (TopicListing listing : KafkaFutures.await(admin.listTopics(new ListTopicsOptions().listInternal(true)).listings())) {
            if (!(excludeInternal && listing.isInternal())) {
                names.add(listing.name());
            }
        }
        return names;
    }
}
