package io.gregor.cli.consume;

import io.gregor.cli.Environment;
import io.gregor.cli.client.ClientCommand;
import io.gregor.cli.client.ClientOptions;
import io.gregor.cli.client.CommandException;
import io.gregor.cli.client.KeyValues;
import io.gregor.cli.client.Topics;
import io.gregor.cli.output.OutputFormat;
import io.gregor.cli.output.Progress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gregor consume}: the console consumer.
 *
 * <p>Without {@code --group} it reads the topic's partitions directly (assign mode) instead of
 * joining a throw-away group as kafka-console-consumer does: nothing is left behind in the
 * cluster. With {@code --group} it joins the group and commits what it has printed, after
 * printing it (at-least-once); when it stops, it also commits where it stands in the partitions
 * it printed nothing from, as kafka-console-consumer does, so that {@code groups --describe}
 * shows the lag of every partition the group reads.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print records of a topic to standard output (like kafka-console-consumer.sh).",
        "Runs until Ctrl-C, --max-messages or --timeout-ms; prints the record count on stderr at the end."},
    footer = {"", "Examples:",
        "  gregor consume --topic orders --from-beginning --max-messages 10",
        "  gregor consume --topic orders --partition 0 --offset 42 \\",
        "      --property print.key=true --property print.offset=true",
        "  gregor consume --topic orders --group billing --from-beginning",
        "  gregor consume --topic orders --from-beginning --timeout-ms 2000 --output json"})
public final class ConsumeCommand implements Callable<Integer>, ClientCommand {
    private static final Duration POLL = Duration.ofMillis(200);

    private final Environment env;

    @Spec
    CommandSpec spec;

    @Option(names = "--topic", paramLabel = "name", required = true, order = 1, description = "The topic to read.")
    String topic;

    @Option(names = "--from-beginning", order = 2,
        description = "Start at the earliest record (default: only new records; with --group: where the group left off).")
    boolean fromBeginning;

    @Option(names = "--group", paramLabel = "id", order = 3,
        description = "Consume as a member of this consumer group and commit its progress.")
    String group;

    @Option(names = "--partition", paramLabel = "N", order = 4, description = "Read only this partition.")
    Integer partition;

    @Option(names = "--offset", paramLabel = "earliest|latest|N", order = 5,
        description = "With --partition: where to start (default: latest).")
    String offset;

    @Option(names = "--max-messages", paramLabel = "N", order = 6, description = "Stop after this many records.")
    Long maxMessages;

    @Option(names = "--timeout-ms", paramLabel = "ms", order = 7,
        description = {"Stop when no record has arrived for this long. With --group the wait starts when the group "
            + "assigns partitions (joining may take up to --request-timeout-ms more: a new group waits "
            + "group.initial.rebalance.delay.ms, 3 s by default), and again after every rebalance."})
    Long idleTimeoutMs;

    @Option(names = "--property", paramLabel = "name=value", order = 8,
        description = {"Output format, as in kafka-console-consumer: print.key, print.value, print.headers, print.partition, "
            + "print.offset, print.timestamp (true/false), key.separator (default tab), line.separator, headers.separator, "
            + "null.literal. Repeatable."})
    List<String> properties = new ArrayList<>();

    @Option(names = "--isolation-level", paramLabel = "read_committed|read_uncommitted", defaultValue = "read_uncommitted", order = 9,
        description = "read_committed hides records of open and aborted transactions. Default: ${DEFAULT-VALUE}.")
    IsolationLevel isolationLevel;

    @Option(names = "--consumer-property", paramLabel = "name=value", order = 10,
        description = "A Kafka consumer setting, e.g. fetch.max.bytes=1048576. Repeatable.")
    List<String> consumerProperties = new ArrayList<>();

    @Mixin
    OutputFormat output;

    @Mixin
    ClientOptions client;

    /** Records printed so far, for the total after Ctrl-C interrupts a poll. */
    private long printed;

    /** Kafka's spelling, so that the flag takes the same values as kafka-console-consumer's. */
    enum IsolationLevel { read_committed, read_uncommitted }

    public ConsumeCommand(Environment env) {
        this.env = env;
    }

    @Override
    public ClientOptions client() {
        return client;
    }

    @Override
    public Integer call() {
        StartOffset start = validate();
        RecordFormatter formatter = output.json() ? new JsonRecordFormatter()
            : new TextRecordFormatter(KeyValues.parse(properties, "--property"));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Ctrl-C: the hook wakes the consumer up, then holds the JVM until the total is printed
        // and the consumer closed (leaving its group cleanly).
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = null;
        try {
            long count;
            try (KafkaConsumer<byte[], byte[]> consumer = client.consumer(consumerConfig())) {
                List<TopicPartition> partitions = partitions(consumer);
                hook = new Thread(() -> {
                    consumer.wakeup();
                    awaitQuietly(finished);
                }, "gregor-consume-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    count = consume(consumer, partitions, start, formatter, out, err);
                } catch (WakeupException e) {
                    count = printed;
                } finally {
                    out.flush();
                }
            }
            // Like kafka-console-consumer; on stderr, so stdout holds only records. Not after a
            // failure, which must leave exactly one line.
            err.println("Processed a total of " + count + " messages");
            err.flush();
            return 0;
        } finally {
            finished.countDown();
            if (hook != null) {
                removeQuietly(hook);
            }
        }
    }

    private long consume(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, StartOffset start,
                         RecordFormatter formatter, PrintWriter out, PrintWriter err) {
        long[] lastRecordNanos = {System.nanoTime()};
        // Until a group has assigned partitions, joining it (Kafka's group.initial.rebalance.delay.ms
        // alone is 3 s) may also take up to the request timeout before --timeout-ms counts.
        long[] joinAllowanceNanos = {0};
        if (group != null && partition == null) {
            joinAllowanceNanos[0] = TimeUnit.MILLISECONDS.toNanos(client.timeoutMs());
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    lastRecordNanos[0] = System.nanoTime();
                    joinAllowanceNanos[0] = 0;
                }
            });
        } else {
            consumer.assign(partitions);
            start.seek(consumer, partitions, group == null);
        }
        Progress progress = Progress.start(err, !env.interactive(), "Consumed");
        long count = 0;
        printed = 0;
        // Per partition, the first record a poll returned that --max-messages left unprinted.
        Map<TopicPartition, Long> firstUnprinted = new HashMap<>();
        boolean stdoutClosed = false;
        while (maxMessages == null || count < maxMessages) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (maxMessages != null && count >= maxMessages) {
                    firstUnprinted.putIfAbsent(tp, record.offset());
                    continue;
                }
                formatter.write(record, out);
                toCommit.put(tp, new OffsetAndMetadata(record.offset() + 1));
                count++;
                this.printed = count;
            }
            out.flush();
            if (out.checkError()) {
                stdoutClosed = true; // e.g. piped into head: nobody reads further records
                break;
            }
            if (group != null && !toCommit.isEmpty()) {
                consumer.commitSync(toCommit);
            }
            if (!records.isEmpty()) {
                lastRecordNanos[0] = System.nanoTime();
                progress.update(count);
            } else if (idleTimeoutMs != null
                && System.nanoTime() - lastRecordNanos[0] >= TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs) + joinAllowanceNanos[0]) {
                break;
            }
        }
        progress.finish(count);
        if (group != null && !stdoutClosed) {
            commitPositions(consumer, firstUnprinted);
        }
        return count;
    }

    /**
     * Commits, for every partition this member holds, the offset of the next record it would
     * print: after the last one printed, or where it started in a partition it printed nothing
     * from.
     */
    private void commitPositions(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> firstUnprinted) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            Long next = firstUnprinted.get(tp);
            offsets.put(tp, new OffsetAndMetadata(next != null ? next : consumer.position(tp, Duration.ofMillis(client.timeoutMs()))));
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(KeyValues.parse(consumerProperties, "--consumer-property"));
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel.name());
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }

    /** The partitions to read, checking that the topic (and the asked partition) exist. */
    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw Topics.unknown(topic);
        }
        if (partition != null) {
            if (partition >= infos.size()) {
                throw new CommandException("topic '" + topic + "' has no partition " + partition + " (it has " + infos.size() + ")");
            }
            return List.of(new TopicPartition(topic, partition));
        }
        List<TopicPartition> all = new ArrayList<>();
        infos.stream().sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
            .forEach(info -> all.add(new TopicPartition(topic, info.partition())));
        return all;
    }

    private StartOffset validate() {
        if (offset != null && partition == null) {
            throw new ParameterException(spec.commandLine(), "--offset needs --partition");
        }
        if (offset != null && fromBeginning) {
            throw new ParameterException(spec.commandLine(), "--offset and --from-beginning cannot be used together");
        }
        if (partition != null && partition < 0) {
            throw new CommandException("invalid value for --partition: " + partition + " (must be 0 or more)");
        }
        if (maxMessages != null && maxMessages < 1) {
            throw new CommandException("invalid value for --max-messages: " + maxMessages + " (must be at least 1)");
        }
        if (idleTimeoutMs != null && idleTimeoutMs < 1) {
            throw new CommandException("invalid value for --timeout-ms: " + idleTimeoutMs + " (must be at least 1)");
        }
        if (offset != null) {
            return StartOffset.parse(offset);
        }
        return fromBeginning ? StartOffset.EARLIEST : StartOffset.LATEST;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeQuietly(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down (Ctrl-C); the hook is running.
        }
    }
}
