package io.gregor.cli.groups;

import io.gregor.cli.client.CommandException;
import io.gregor.cli.client.KafkaFutures;
import io.gregor.cli.client.Topics;
import io.gregor.cli.output.Json;
import io.gregor.cli.output.Table;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code groups --reset-offsets}: computes each partition's new committed offset and, with
 * {@code --execute}, commits it. Like kafka-consumer-groups it dry-runs unless told to execute,
 * keeps new offsets within the partition's earliest..latest range, and refuses to touch a group
 * with active members (they would overwrite the reset with their next commit). A group that does
 * not exist yet is treated as an empty one, so {@code --execute} creates it with the new offsets
 * (to start a new application at a chosen position), as kafka-consumer-groups does.
 */
final class OffsetReset {
    private static final Set<GroupState> INACTIVE = Set.of(GroupState.EMPTY, GroupState.DEAD);

    private final Admin admin;
    private final Options options;

    OffsetReset(Admin admin, Options options) {
        this.admin = admin;
        this.options = options;
    }

    /** The flags of an offset reset (a picocli argument group of {@link GroupsCommand}). */
    static final class Options {
        @Option(names = "--topic", paramLabel = "topic[:p,p...]", order = 10,
            description = "Reset this topic (or only the listed partitions). Repeatable.")
        List<String> topics = new ArrayList<>();
        @Option(names = "--all-topics", order = 11, description = "Reset every partition the group has committed.")
        boolean allTopics;
        @Option(names = "--to-earliest", order = 12, description = "To the earliest offset.")
        boolean toEarliest;
        @Option(names = "--to-latest", order = 13, description = "To the log end offset.")
        boolean toLatest;
        @Option(names = "--to-offset", paramLabel = "N", order = 14, description = "To this offset.")
        Long toOffset;
        @Option(names = "--shift-by", paramLabel = "N", order = 15, description = "Move the committed offset by N (negative: back).")
        Long shiftBy;
        @Option(names = "--to-datetime", paramLabel = "time", order = 16,
            description = "To the first record at or after this time: 2024-05-01T12:00:00Z, 2024-05-01T12:00:00+02:00, "
                + "2024-05-01T12:00:00 (local time) or 2024-05-01.")
        String toDatetime;
        @Option(names = "--dry-run", order = 17, description = "Show the new offsets without changing anything (the default).")
        boolean dryRun;
        @Option(names = "--execute", order = 18, description = "Commit the new offsets.")
        boolean execute;

        boolean isSet() {
            return !topics.isEmpty() || allTopics || toEarliest || toLatest || toOffset != null || shiftBy != null
                || toDatetime != null || dryRun || execute;
        }

        void validate(CommandLine commandLine) {
            int targets = (toEarliest ? 1 : 0) + (toLatest ? 1 : 0) + (toOffset != null ? 1 : 0) + (shiftBy != null ? 1 : 0)
                + (toDatetime != null ? 1 : 0);
            if (targets != 1) {
                throw new ParameterException(commandLine,
                    "--reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, --shift-by, --to-datetime");
            }
            if (topics.isEmpty() == !allTopics) {
                throw new ParameterException(commandLine, "--reset-offsets needs --topic or --all-topics (one of them)");
            }
            if (dryRun && execute) {
                throw new ParameterException(commandLine, "--dry-run and --execute cannot be used together");
            }
            if (toOffset != null && toOffset < 0) {
                throw new CommandException("invalid value for --to-offset: " + toOffset + " (must be 0 or more)");
            }
            if (toDatetime != null) {
                timestamp(toDatetime);
            }
        }
    }

    void run(List<String> groups, boolean json, PrintWriter out, PrintWriter err) {
        Table table = new Table("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
        List<Object> docs = new ArrayList<>();
        for (String group : groups) {
            GroupState state = state(group);
            if (options.execute && !INACTIVE.contains(state)) {
                throw new CommandException("consumer group '" + group + "' has active members (state " + state
                    + "); stop its consumers before resetting its offsets");
            }
            Map<TopicPartition, OffsetAndMetadata> committed = GroupDescriber.committed(admin, group);
            Map<TopicPartition, Long> plan = plan(group, committed);
            if (options.execute) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                plan.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
                KafkaFutures.await(admin.alterConsumerGroupOffsets(group, offsets).all());
            }
            List<Object> partitionDocs = new ArrayList<>();
            plan.forEach((tp, offset) -> {
                table.row(group, tp.topic(), tp.partition(), offset);
                partitionDocs.add(Json.object("topic", tp.topic(), "partition", tp.partition(), "newOffset", offset));
            });
            docs.add(Json.object("group", group, "executed", options.execute, "partitions", partitionDocs));
        }
        if (json) {
            Json.print(out, docs);
        } else {
            table.print(out);
        }
        if (!options.execute && !options.dryRun) {
            err.println("Dry run: nothing was changed; add --execute to commit these offsets.");
            err.flush();
        }
    }

    /** The group's state; DEAD for a group that does not exist. */
    private GroupState state(String group) {
        try {
            return KafkaFutures.await(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)).groupState();
        } catch (GroupIdNotFoundException e) {
            return GroupState.DEAD;
        }
    }

    /** The new offset of every selected partition, sorted by topic and partition. */
    private Map<TopicPartition, Long> plan(String group, Map<TopicPartition, OffsetAndMetadata> committed) {
        List<TopicPartition> partitions = partitions(group, committed);
        Map<TopicPartition, Long> earliest = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> byTime = options.toDatetime == null ? Map.of()
            : offsets(partitions, OffsetSpec.forTimestamp(timestamp(options.toDatetime)));
        Map<TopicPartition, Long> plan = new TreeMap<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (TopicPartition tp : partitions) {
            long low = earliest.get(tp);
            long high = latest.get(tp);
            long target;
            if (options.toEarliest) {
                target = low;
            } else if (options.toLatest) {
                target = high;
            } else if (options.toOffset != null) {
                target = options.toOffset;
            } else if (options.shiftBy != null) {
                OffsetAndMetadata current = committed.get(tp);
                if (current == null) {
                    throw new CommandException("consumer group '" + group + "' has no committed offset for " + tp + " to shift from");
                }
                target = current.offset() + options.shiftBy;
            } else {
                long found = byTime.get(tp);
                target = found < 0 ? high : found;
            }
            plan.put(tp, Math.max(low, Math.min(high, target)));
        }
        return plan;
    }

    private List<TopicPartition> partitions(String group, Map<TopicPartition, OffsetAndMetadata> committed) {
        if (options.allTopics) {
            if (committed.isEmpty()) {
                throw new CommandException("consumer group '" + group + "' has no committed offsets; name the topics with --topic");
            }
            return new ArrayList<>(committed.keySet());
        }
        Map<String, List<Integer>> asked = new LinkedHashMap<>();
        for (String spec : options.topics) {
            int colon = spec.indexOf(':');
            String topic = colon < 0 ? spec : spec.substring(0, colon);
            List<Integer> list = asked.computeIfAbsent(topic, t -> new ArrayList<>());
            if (colon >= 0) {
                for (String p : spec.substring(colon + 1).split(",")) {
                    try {
                        list.add(Integer.parseInt(p.trim()));
                    } catch (NumberFormatException e) {
                        throw new CommandException("invalid value for --topic: '" + spec + "' (expected topic or topic:0,1,2)");
                    }
                }
            }
        }
        Map<String, TopicDescription> descriptions = Topics.describe(admin, asked.keySet());
        List<TopicPartition> out = new ArrayList<>();
        asked.forEach((topic, wanted) -> {
            int count = descriptions.get(topic).partitions().size();
            if (wanted.isEmpty()) {
                for (int p = 0; p < count; p++) {
                    out.add(new TopicPartition(topic, p));
                }
                return;
            }
            for (int p : wanted) {
                if (p < 0 || p >= count) {
                    throw new CommandException("topic '" + topic + "' has no partition " + p + " (it has " + count + ")");
                }
                out.add(new TopicPartition(topic, p));
            }
        });
        return out;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        KafkaFutures.await(admin.listOffsets(specs).all()).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** Milliseconds since the epoch of a {@code --to-datetime} value; local time when it names no zone. */
    static long timestamp(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDate.parse(text).atStartOfDay(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new CommandException("invalid value for --to-datetime: '" + text
                + "' (expected e.g. 2024-05-01T12:00:00Z, 2024-05-01T12:00:00+02:00, 2024-05-01T12:00:00 or 2024-05-01)");
        }
    }
}
