package io.gregor.cli.produce;

import com.fasterxml.jackson.jr.ob.JSON;
import io.gregor.cli.client.CommandException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@code produce --json}: one JSON object per line,
 * <pre>
 * {"key": "k1", "value": {"id": 1}, "headers": {"source": "web"}, "partition": 0, "timestamp": 1700000000000}
 * </pre>
 * Every field is optional. A string key or value is sent as its UTF-8 text, any other JSON value
 * (object, array, number) as its compact JSON text, and null as null (a tombstone). It is the
 * shape {@code consume --output json} prints, so that one command's output feeds the other; the
 * fields only the consumer prints ({@code topic}, {@code offset}, {@code timestampType}) are
 * accepted and ignored. Other fields are rejected, to catch typos.
 */
final class JsonRecordParser implements RecordParser {
    private static final Set<String> FIELDS = Set.of("key", "value", "headers", "partition", "timestamp");
    private static final Set<String> IGNORED = Set.of("topic", "offset", "timestampType");

    private final String topic;
    private final Integer partition;

    JsonRecordParser(String topic, Integer partition) {
        this.topic = topic;
        this.partition = partition;
    }

    @Override
    public ProducerRecord<byte[], byte[]> parse(String line, long lineNumber) {
        if (line.isBlank()) {
            return null;
        }
        Map<String, Object> json;
        try {
            Object any = JSON.std.anyFrom(line);
            if (!(any instanceof Map<?, ?>)) {
                throw new CommandException("line " + lineNumber + " is not a JSON object: " + line);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) any;
            json = map;
        } catch (IOException e) {
            throw new CommandException("line " + lineNumber + " is not valid JSON: " + firstLine(e.getMessage()));
        }
        for (String field : json.keySet()) {
            if (!FIELDS.contains(field) && !IGNORED.contains(field)) {
                throw new CommandException("line " + lineNumber + ": unknown field '" + field + "' (expected key, value, headers, partition, timestamp)");
            }
        }
        Integer recordPartition = partition != null ? partition : integer(json.get("partition"), "partition", lineNumber);
        Long timestamp = json.get("timestamp") == null ? null : longValue(json.get("timestamp"), lineNumber);
        return new ProducerRecord<>(topic, recordPartition, timestamp, bytes(json.get("key")), bytes(json.get("value")),
            headers(json.get("headers"), lineNumber));
    }

    private static RecordHeaders headers(Object headers, long lineNumber) {
        RecordHeaders out = new RecordHeaders();
        if (headers == null) {
            return out;
        }
        if (headers instanceof Map<?, ?> map) {
            map.forEach((name, value) -> out.add(String.valueOf(name), bytes(value)));
            return out;
        }
        if (headers instanceof List<?> list) {
            for (Object entry : list) {
                if (!(entry instanceof Map<?, ?> pair) || !(pair.get("key") instanceof String name)) {
                    throw new CommandException("line " + lineNumber + ": headers must be an object or a list of {\"key\":...,\"value\":...}");
                }
                out.add(name, bytes(pair.get("value")));
            }
            return out;
        }
        throw new CommandException("line " + lineNumber + ": headers must be an object or a list of {\"key\":...,\"value\":...}");
    }

    private static byte[] bytes(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return JSON.std.asBytes(value);
        } catch (IOException e) {
            throw new CommandException("cannot write JSON value: " + e.getMessage());
        }
    }

    private static Integer integer(Object value, String field, long lineNumber) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 0) {
            return n.intValue();
        }
        throw new CommandException("line " + lineNumber + ": " + field + " must be a non-negative integer, got " + value);
    }

    private static long longValue(Object value, long lineNumber) {
        if (value instanceof Number n && n.doubleValue() == n.longValue()) {
            return n.longValue();
        }
        throw new CommandException("line " + lineNumber + ": timestamp must be milliseconds since the epoch, got " + value);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
