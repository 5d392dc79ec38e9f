package io.gregor.cli.produce;

import io.gregor.cli.Environment;
import io.gregor.cli.client.ClientCommand;
import io.gregor.cli.client.ClientOptions;
import io.gregor.cli.client.CommandException;
import io.gregor.cli.client.Failures;
import io.gregor.cli.client.KeyValues;
import io.gregor.cli.output.Progress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code gregor produce}: the console producer. Reads records from stdin, one per line, until
 * end of input, and exits non-zero on the first record the cluster rejects (Kafka's console
 * producer logs such errors and carries on, which hides data loss in scripts).
 */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Send lines from standard input to a topic, one record per line (like kafka-console-producer.sh).",
        "Ends at end of input (Ctrl-D at a terminal)."},
    footer = {"", "Examples:",
        "  echo 'hello' | gregor produce --topic orders",
        "  printf 'k1:v1\\nk2:v2\\n' | gregor produce --topic orders \\",
        "      --property parse.key=true --property key.separator=:",
        "  printf 'source:web,trace:42\\tk1\\tv1\\n' | gregor produce --topic orders \\",
        "      --property parse.headers=true --property parse.key=true",
        "  echo '{\"key\":\"k1\",\"value\":{\"id\":1},\"headers\":{\"source\":\"web\"}}' | gregor produce --topic orders --json"})
public final class ProduceCommand implements Callable<Integer>, ClientCommand {
    private final Environment env;

    @Spec
    CommandSpec spec;

    @Option(names = "--topic", paramLabel = "name", required = true, order = 1, description = "The topic to write to.")
    String topic;

    @Option(names = "--property", paramLabel = "name=value", order = 2,
        description = {"Line format, as in kafka-console-producer: parse.key, key.separator (default tab), parse.headers, "
            + "headers.delimiter (default tab), headers.separator (default ,), headers.key.separator (default :), "
            + "null.marker, ignore.error. Repeatable."})
    List<String> properties = new ArrayList<>();

    @Option(names = "--json", order = 3,
        description = "Each line is a JSON object {\"key\":..., \"value\":..., \"headers\":{...}, \"partition\":N, \"timestamp\":ms}; "
            + "non-string values are sent as JSON text.")
    boolean json;

    @Option(names = "--acks", paramLabel = "0|1|all", defaultValue = "all", converter = AcksConverter.class, order = 4,
        description = "Acknowledgements to wait for: 0 (none), 1 (the leader), all (every in-sync replica). Default: ${DEFAULT-VALUE}.")
    String acks;

    @Option(names = "--partition", paramLabel = "N", order = 5,
        description = "Write every record to this partition (default: by key hash, or spread when there is no key).")
    Integer partition;

    @Option(names = "--producer-property", paramLabel = "name=value", order = 6,
        description = "A Kafka producer setting, e.g. compression.type=gzip or linger.ms=50. Repeatable.")
    List<String> producerProperties = new ArrayList<>();

    @Mixin
    ClientOptions client;

    public ProduceCommand(Environment env) {
        this.env = env;
    }

    @Override
    public ClientOptions client() {
        return client;
    }

    @Override
    public Integer call() throws IOException {
        if (partition != null && partition < 0) {
            throw new CommandException("invalid value for --partition: " + partition + " (must be 0 or more)");
        }
        if (json && !properties.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--property sets the line format, which --json replaces; use one or the other");
        }
        RecordParser parser = json ? new JsonRecordParser(topic, partition)
            : new LineRecordParser(topic, partition, KeyValues.parse(properties, "--property"));
        Map<String, Object> overrides = new HashMap<>(KeyValues.parse(producerProperties, "--producer-property"));
        overrides.put(ProducerConfig.ACKS_CONFIG, acks);

        Progress progress = Progress.start(spec.commandLine().getErr(), !env.interactive(), "Produced");
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong acknowledged = new AtomicLong();
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = client.producer(overrides)) {
            requirePartitionExists(producer);
            BufferedReader in = new BufferedReader(new InputStreamReader(env.stdin(), StandardCharsets.UTF_8));
            String line;
            long lineNumber = 0;
            while (failure.get() == null && (line = in.readLine()) != null) {
                lineNumber++;
                ProducerRecord<byte[], byte[]> record = parser.parse(line, lineNumber);
                if (record == null) {
                    continue;
                }
                try {
                    producer.send(record, (metadata, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        } else {
                            acknowledged.incrementAndGet();
                        }
                    });
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    break;
                }
                sent++;
                progress.update(sent);
            }
            producer.flush();
            if (failure.get() != null) {
                producer.close(Duration.ZERO);
            }
        }
        if (failure.get() != null) {
            throw new CommandException(explain(failure.get()), failure.get());
        }
        progress.finish(sent);
        return 0;
    }

    /** Without this check a send to a missing partition waits for the whole timeout before failing. */
    private void requirePartitionExists(KafkaProducer<byte[], byte[]> producer) {
        if (partition == null) {
            return;
        }
        int count;
        try {
            count = producer.partitionsFor(topic).size();
        } catch (RuntimeException e) {
            throw new CommandException(explain(e), e);
        }
        if (partition >= count) {
            throw new CommandException("topic '" + topic + "' has no partition " + partition + " (it has " + count + ")");
        }
    }

    private String explain(Exception error) {
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof TimeoutException && String.valueOf(cause.getMessage()).contains("not present in metadata")) {
            return "topic '" + topic + "' does not exist (and the broker did not create it)";
        }
        return "could not produce to topic '" + topic + "': " + Failures.explain(cause, client);
    }

    /** Accepts Kafka's acks values; anything else is an invalid flag value (exit 1). */
    static final class AcksConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "0" -> "0";
                case "1" -> "1";
                case "all", "-1" -> "all";
                default -> throw new TypeConversionException("'" + value + "' is not 0, 1 or all");
            };
        }
    }
}
