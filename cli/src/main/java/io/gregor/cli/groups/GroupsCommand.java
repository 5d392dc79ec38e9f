package io.gregor.cli.groups;

import io.gregor.cli.client.ClientCommand;
import io.gregor.cli.client.ClientOptions;
import io.gregor.cli.client.CommandException;
import io.gregor.cli.client.KafkaFutures;
import io.gregor.cli.output.Json;
import io.gregor.cli.output.OutputFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gregor groups}: list, describe (offsets and lag), reset offsets of and delete consumer
 * groups, with kafka-consumer-groups.sh's flags. Everything goes through the admin API.
 */
@Command(name = "groups", mixinStandardHelpOptions = true, sortOptions = false,
    description = "List, describe, reset offsets of and delete consumer groups (the flags of kafka-consumer-groups.sh).",
    footer = {"", "Examples:",
        "  gregor groups --list",
        "  gregor groups --describe --group billing",
        "  gregor groups --reset-offsets --group billing --topic orders --to-earliest --dry-run",
        "  gregor groups --reset-offsets --group billing --topic orders:0,1 --shift-by -10 --execute",
        "  gregor groups --reset-offsets --group billing --all-topics --to-datetime 2024-05-01T00:00:00Z --execute",
        "  gregor groups --delete --group billing"})
public final class GroupsCommand implements Callable<Integer>, ClientCommand {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Action (exactly one):%n", order = 0)
    Action action;

    static final class Action {
        @Option(names = "--list", description = "List consumer groups.")
        boolean list;
        @Option(names = "--describe", description = "Show each partition's committed offset, log end offset, lag and owner.")
        boolean describe;
        @Option(names = "--reset-offsets", description = "Move committed offsets (the group must have no active members).")
        boolean resetOffsets;
        @Option(names = "--delete", description = "Delete groups (they must have no active members).")
        boolean delete;
    }

    @Option(names = "--group", paramLabel = "id", order = 1, description = "The group. Repeatable.")
    List<String> groups = new ArrayList<>();

    @Option(names = "--all-groups", order = 2, description = "Every group, instead of --group.")
    boolean allGroups;

    @ArgGroup(exclusive = false, heading = "Offset reset (with --reset-offsets):%n", order = 3)
    OffsetReset.Options reset = new OffsetReset.Options();

    @Mixin
    OutputFormat output;

    @Mixin
    ClientOptions client;

    @Override
    public ClientOptions client() {
        return client;
    }

    @Override
    public Integer call() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Admin admin = client.admin()) {
            if (action.list) {
                list(admin, out);
            } else {
                List<String> targets = allGroups ? groupIds(listings(admin)) : groups;
                if (action.describe) {
                    new GroupDescriber(admin).print(targets, output.json(), out);
                } else if (action.resetOffsets) {
                    new OffsetReset(admin, reset).run(targets, output.json(), out, err);
                } else {
                    delete(admin, targets, out);
                }
            }
        }
        out.flush();
        return 0;
    }

    private void validate() {
        boolean named = !groups.isEmpty() || allGroups;
        if (!groups.isEmpty() && allGroups) {
            throw usage("--group and --all-groups cannot be used together");
        }
        if (action.list && named) {
            throw usage("--list takes no --group");
        }
        if (!action.list && !named) {
            throw usage("--group (or --all-groups) is required");
        }
        if (action.resetOffsets) {
            reset.validate(spec.commandLine());
        } else if (reset.isSet()) {
            throw usage("the offset reset options go with --reset-offsets");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static List<GroupListing> listings(Admin admin) {
        List<GroupListing> listings = new ArrayList<>(KafkaFutures.await(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()));
        listings.sort(Comparator.comparing(GroupListing::groupId));
        return listings;
    }

    private static List<String> groupIds(List<GroupListing> listings) {
        return listings.stream().map(GroupListing::groupId).toList();
    }

    private void list(Admin admin, PrintWriter out) {
        List<GroupListing> listings = listings(admin);
        if (output.json()) {
            List<Object> docs = new ArrayList<>();
            listings.forEach(l -> docs.add(Json.object("group", l.groupId(),
                "state", l.groupState().map(Enum::name).orElse(null), "type", l.type().map(Enum::name).orElse(null))));
            Json.print(out, docs);
            return;
        }
        listings.forEach(l -> out.println(l.groupId()));
    }

    private void delete(Admin admin, List<String> targets, PrintWriter out) {
        Map<String, KafkaFuture<Void>> results = admin.deleteConsumerGroups(targets).deletedGroups();
        for (String group : targets) {
            try {
                KafkaFutures.await(results.get(group));
            } catch (GroupNotEmptyException e) {
                throw new CommandException("consumer group '" + group + "' has active members; stop its consumers before deleting it");
            } catch (GroupIdNotFoundException e) {
                throw new CommandException("consumer group '" + group + "' does not exist");
            }
            out.println("Deleted consumer group '" + group + "'.");
        }
    }
}
