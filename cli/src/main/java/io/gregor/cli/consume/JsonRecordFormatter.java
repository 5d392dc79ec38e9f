package io.gregor.cli.consume;

import io.gregor.cli.output.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * {@code consume --output json}: one JSON object per record and line (JSON Lines), with key,
 * value and header values as UTF-8 text. {@code produce --json} reads the same shape back.
 * A header name that repeats keeps its last value in this form.
 */
final class JsonRecordFormatter implements RecordFormatter {

    @Override
    public void write(ConsumerRecord<byte[], byte[]> record, PrintWriter out) {
        Map<String, Object> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), text(header.value()));
        }
        out.println(Json.compact(Json.object("topic", record.topic(), "partition", record.partition(), "offset", record.offset(),
            "timestamp", record.timestamp(), "timestampType", record.timestampType().toString(),
            "key", text(record.key()), "value", text(record.value()), "headers", headers)));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
