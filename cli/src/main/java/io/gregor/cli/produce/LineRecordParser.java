package io.gregor.cli.produce;

import io.gregor.cli.client.CommandException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Reads lines the way Kafka's console producer does ({@code --property} names and defaults of
 * its LineMessageReader), so that input files made for kafka-console-producer work unchanged:
 * <pre>
 * [headers&lt;headers.delimiter&gt;][key&lt;key.separator&gt;]value
 * headers = name&lt;headers.key.separator&gt;value&lt;headers.separator&gt;name...
 * </pre>
 * with {@code parse.headers} / {@code parse.key} turning the optional parts on, tab as default
 * delimiter and key separator, {@code ,} and {@code :} inside headers, and {@code null.marker}
 * standing for a null key, value or header value. {@code ignore.error=true} treats a line
 * without separator as value only, as Kafka does.
 */
final class LineRecordParser implements RecordParser {
    static final Set<String> PROPERTIES = Set.of("parse.key", "key.separator", "parse.headers", "headers.delimiter",
        "headers.separator", "headers.key.separator", "null.marker", "ignore.error");

    private final String topic;
    private final Integer partition;
    private final boolean parseKey;
    private final String keySeparator;
    private final boolean parseHeaders;
    private final String headersDelimiter;
    private final String headersSeparator;
    private final String headersKeySeparator;
    private final String nullMarker;
    private final boolean ignoreError;

    LineRecordParser(String topic, Integer partition, Map<String, String> properties) {
        for (String name : properties.keySet()) {
            if (!PROPERTIES.contains(name)) {
                throw new CommandException("unknown --property '" + name + "' (known: " + String.join(", ", new java.util.TreeSet<>(PROPERTIES)) + ")");
            }
        }
        this.topic = topic;
        this.partition = partition;
        this.parseKey = flag(properties, "parse.key");
        this.keySeparator = properties.getOrDefault("key.separator", "\t");
        this.parseHeaders = flag(properties, "parse.headers");
        this.headersDelimiter = properties.getOrDefault("headers.delimiter", "\t");
        this.headersSeparator = properties.getOrDefault("headers.separator", ",");
        this.headersKeySeparator = properties.getOrDefault("headers.key.separator", ":");
        this.nullMarker = properties.get("null.marker");
        this.ignoreError = flag(properties, "ignore.error");
        requireDifferent("headers.delimiter", headersDelimiter, "headers.separator", headersSeparator);
        requireDifferent("headers.delimiter", headersDelimiter, "headers.key.separator", headersKeySeparator);
        requireDifferent("headers.separator", headersSeparator, "headers.key.separator", headersKeySeparator);
        for (String separator : new String[] {"key.separator", "headers.delimiter", "headers.separator", "headers.key.separator"}) {
            String value = properties.getOrDefault(separator, switch (separator) {
                case "key.separator", "headers.delimiter" -> "\t";
                case "headers.separator" -> ",";
                default -> ":";
            });
            requireDifferent("null.marker", nullMarker, separator, value);
            if (value.isEmpty()) {
                throw new CommandException("invalid value for --property " + separator + ": must not be empty");
            }
        }
    }

    private static boolean flag(Map<String, String> properties, String name) {
        return properties.getOrDefault(name, "false").trim().equalsIgnoreCase("true");
    }

    private static void requireDifferent(String a, String aValue, String b, String bValue) {
        if (aValue != null && aValue.equals(bValue)) {
            throw new CommandException("--property " + a + " and " + b + " must differ (both are '" + aValue + "')");
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> parse(String line, long lineNumber) {
        int offset = 0;
        String headers = null;
        if (parseHeaders) {
            int at = line.indexOf(headersDelimiter);
            if (at < 0) {
                if (!ignoreError) {
                    throw new CommandException("line " + lineNumber + " has no headers delimiter '" + printable(headersDelimiter) + "': " + line);
                }
            } else {
                headers = line.substring(0, at);
                offset = at + headersDelimiter.length();
            }
        }
        String key = null;
        if (parseKey) {
            int at = line.indexOf(keySeparator, offset);
            if (at < 0) {
                if (!ignoreError) {
                    throw new CommandException("line " + lineNumber + " has no key separator '" + printable(keySeparator) + "': " + line);
                }
            } else {
                key = line.substring(offset, at);
                offset = at + keySeparator.length();
            }
        }
        String value = line.substring(offset);
        return new ProducerRecord<>(topic, partition, null, bytes(key), bytes(value), headers(headers, lineNumber));
    }

    private RecordHeaders headers(String headers, long lineNumber) {
        RecordHeaders out = new RecordHeaders();
        if (headers == null || headers.equals(nullMarker)) {
            return out;
        }
        for (String pair : headers.split(Pattern.quote(headersSeparator))) {
            int at = pair.indexOf(headersKeySeparator);
            if (at < 0) {
                if (!ignoreError) {
                    throw new CommandException("line " + lineNumber + ": header '" + pair + "' has no key separator '"
                        + printable(headersKeySeparator) + "'");
                }
                out.add(pair, null);
                continue;
            }
            String name = pair.substring(0, at);
            if (name.equals(nullMarker)) {
                throw new CommandException("line " + lineNumber + ": a header name cannot be the null marker '" + nullMarker + "'");
            }
            out.add(name, bytes(pair.substring(at + headersKeySeparator.length())));
        }
        return out;
    }

    private byte[] bytes(String text) {
        return text == null || text.equals(nullMarker) ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static String printable(String separator) {
        return separator.replace("\t", "\\t");
    }
}
