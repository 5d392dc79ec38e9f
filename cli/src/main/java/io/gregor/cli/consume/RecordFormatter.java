package io.gregor.cli.consume;

import java.io.PrintWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Writes one consumed record to stdout. */
interface RecordFormatter {
    void write(ConsumerRecord<byte[], byte[]> record, PrintWriter out);
}
