package io.gregor.cli.consume;

import io.gregor.cli.client.CommandException;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Where {@code consume} starts reading in assign mode: {@code earliest}, {@code latest} or an offset. */
record StartOffset(String kind, long offset) {
    static final StartOffset EARLIEST = new StartOffset("earliest", -1);
    static final StartOffset LATEST = new StartOffset("latest", -1);

    static StartOffset parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("earliest") || v.equals("latest")) {
            return v.equals("earliest") ? EARLIEST : LATEST;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return new StartOffset("offset", n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandException("invalid value for --offset: '" + value + "' (expected earliest, latest or an offset of 0 or more)");
    }

    /** @param always false with a group, where committed offsets decide unless an offset was asked for */
    void seek(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, boolean always) {
        switch (kind) {
            case "offset" -> partitions.forEach(tp -> consumer.seek(tp, offset));
            case "earliest" -> {
                if (always) {
                    consumer.seekToBeginning(partitions);
                }
            }
            default -> {
                if (always) {
                    consumer.seekToEnd(partitions);
                }
            }
        }
    }
}
