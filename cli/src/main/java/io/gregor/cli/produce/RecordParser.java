package io.gregor.cli.produce;

import org.apache.kafka.clients.producer.ProducerRecord;

/** Turns one input line into a record; a line it cannot read fails the command, naming the line. */
interface RecordParser {
    /** @return the record, or null to skip the line */
    ProducerRecord<byte[], byte[]> parse(String line, long lineNumber);
}
