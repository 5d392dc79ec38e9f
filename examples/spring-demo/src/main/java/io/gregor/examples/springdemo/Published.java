package io.gregor.examples.springdemo;

import org.apache.kafka.clients.producer.RecordMetadata;

/** The answer of the endpoints: what was sent, and where it landed. */
public record Published<T>(String topic, String key, T value, int partition, long offset) {

    static <T> Published<T> of(String key, T value, RecordMetadata metadata) {
        return new Published<>(metadata.topic(), key, value, metadata.partition(), metadata.offset());
    }
}
