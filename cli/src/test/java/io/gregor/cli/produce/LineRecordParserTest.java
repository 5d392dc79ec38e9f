package io.gregor.cli.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.cli.client.CommandException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class LineRecordParserTest {

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void shouldTakeTheWholeLineAsValueByDefault() {
        ProducerRecord<byte[], byte[]> record = new LineRecordParser("t", null, Map.of()).parse("a\tb:c", 1);

        assertThat(record.key()).isNull();
        assertThat(text(record.value())).isEqualTo("a\tb:c");
        assertThat(record.headers().toArray()).isEmpty();
    }

    @Test
    void shouldSplitHeadersKeyAndValueLikeKafkaConsoleProducer() {
        LineRecordParser parser = new LineRecordParser("t", 2, Map.of("parse.headers", "true", "parse.key", "true"));

        ProducerRecord<byte[], byte[]> record = parser.parse("h1:v1,h2:v:2\tkey\tvalue\twith tab", 1);

        assertThat(record.partition()).isEqualTo(2);
        assertThat(text(record.key())).isEqualTo("key");
        assertThat(text(record.value())).isEqualTo("value\twith tab");
        Header[] headers = record.headers().toArray();
        assertThat(headers).hasSize(2);
        assertThat(headers[0].key()).isEqualTo("h1");
        assertThat(text(headers[0].value())).isEqualTo("v1");
        assertThat(text(headers[1].value())).isEqualTo("v:2");
    }

    @Test
    void shouldTurnNullMarkerIntoNull() {
        LineRecordParser parser = new LineRecordParser("t", null,
            Map.of("parse.key", "true", "key.separator", "=", "null.marker", "~", "parse.headers", "true", "headers.delimiter", "|"));

        ProducerRecord<byte[], byte[]> record = parser.parse("h:~|~=~", 1);

        assertThat(record.key()).isNull();
        assertThat(record.value()).isNull();
        assertThat(record.headers().lastHeader("h").value()).isNull();
    }

    @Test
    void shouldNameTheLineWithoutSeparator() {
        LineRecordParser parser = new LineRecordParser("t", null, Map.of("parse.key", "true"));

        assertThatThrownBy(() -> parser.parse("no tab here", 7)).isInstanceOf(CommandException.class)
            .hasMessage("line 7 has no key separator '\\t': no tab here");
    }

    @Test
    void shouldTreatLineWithoutSeparatorAsValueWhenIgnoringErrors() {
        LineRecordParser parser = new LineRecordParser("t", null, Map.of("parse.key", "true", "ignore.error", "true"));

        ProducerRecord<byte[], byte[]> record = parser.parse("just a value", 1);

        assertThat(record.key()).isNull();
        assertThat(text(record.value())).isEqualTo("just a value");
    }

    @Test
    void shouldRejectAmbiguousSeparators() {
        assertThatThrownBy(() -> new LineRecordParser("t", null, Map.of("headers.separator", ":")))
            .hasMessageContaining("headers.separator and headers.key.separator must differ");
        assertThatThrownBy(() -> new LineRecordParser("t", null, Map.of("null.marker", "\t")))
            .hasMessageContaining("null.marker and key.separator must differ");
    }
}
