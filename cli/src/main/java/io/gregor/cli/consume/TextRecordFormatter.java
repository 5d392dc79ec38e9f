package io.gregor.cli.consume;

import io.gregor.cli.client.CommandException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

/**
 * Prints records as Kafka's console consumer does (the {@code --property} names and output of
 * its DefaultMessageFormatter), so that scripts parsing kafka-console-consumer output keep
 * working. With every field on, a line reads
 * <pre>
 * CreateTime:1700000000000&lt;TAB&gt;Partition:0&lt;TAB&gt;Offset:42&lt;TAB&gt;h1:v1,h2:v2&lt;TAB&gt;key&lt;TAB&gt;value
 * </pre>
 * Fields are separated by {@code key.separator}; a null key, value or header value prints as
 * {@code null.literal}.
 */
final class TextRecordFormatter implements RecordFormatter {
    static final Set<String> PROPERTIES = Set.of("print.timestamp", "print.key", "print.value", "print.partition",
        "print.offset", "print.headers", "key.separator", "line.separator", "headers.separator", "null.literal");

    private final boolean printTimestamp;
    private final boolean printKey;
    private final boolean printValue;
    private final boolean printPartition;
    private final boolean printOffset;
    private final boolean printHeaders;
    private final String separator;
    private final String lineSeparator;
    private final String headersSeparator;
    private final String nullLiteral;

    TextRecordFormatter(Map<String, String> properties) {
        for (String name : properties.keySet()) {
            if (!PROPERTIES.contains(name)) {
                throw new CommandException("unknown --property '" + name + "' (known: " + String.join(", ", new TreeSet<>(PROPERTIES)) + ")");
            }
        }
        printTimestamp = flag(properties, "print.timestamp", false);
        printKey = flag(properties, "print.key", false);
        printValue = flag(properties, "print.value", true);
        printPartition = flag(properties, "print.partition", false);
        printOffset = flag(properties, "print.offset", false);
        printHeaders = flag(properties, "print.headers", false);
        separator = properties.getOrDefault("key.separator", "\t");
        lineSeparator = properties.getOrDefault("line.separator", "\n");
        headersSeparator = properties.getOrDefault("headers.separator", ",");
        nullLiteral = properties.getOrDefault("null.literal", "null");
    }

    private static boolean flag(Map<String, String> properties, String name, boolean fallback) {
        String value = properties.get(name);
        return value == null ? fallback : value.trim().equalsIgnoreCase("true");
    }

    @Override
    public void write(ConsumerRecord<byte[], byte[]> record, PrintWriter out) {
        List<String> fields = new ArrayList<>(6);
        if (printTimestamp) {
            fields.add(record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE ? "NO_TIMESTAMP"
                : record.timestampType() + ":" + record.timestamp());
        }
        if (printPartition) {
            fields.add("Partition:" + record.partition());
        }
        if (printOffset) {
            fields.add("Offset:" + record.offset());
        }
        if (printHeaders) {
            fields.add(headers(record));
        }
        if (printKey) {
            fields.add(text(record.key()));
        }
        if (printValue) {
            fields.add(text(record.value()));
        }
        out.print(String.join(separator, fields));
        out.print(lineSeparator);
    }

    private String headers(ConsumerRecord<byte[], byte[]> record) {
        Iterator<Header> it = record.headers().iterator();
        if (!it.hasNext()) {
            return "NO_HEADERS";
        }
        StringBuilder text = new StringBuilder();
        while (it.hasNext()) {
            Header header = it.next();
            text.append(header.key()).append(':').append(text(header.value()));
            if (it.hasNext()) {
                text.append(headersSeparator);
            }
        }
        return text.toString();
    }

    private String text(byte[] bytes) {
        return bytes == null ? nullLiteral : new String(bytes, StandardCharsets.UTF_8);
    }
}
