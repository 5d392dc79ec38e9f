package io.gregor.replication;

import org.apache.kafka.common.protocol.Errors;

/** The outcome of producing to one partition. */
public record ProduceResult(Errors error, String errorMessage, long baseOffset, long lastOffset, long logAppendTimeMs,
                            long logStartOffset) {

    public static ProduceResult error(Errors error, String message) {
        return new ProduceResult(error, message, -1, -1, -1, -1);
    }

    ProduceResult withError(Errors newError, String message) {
        return new ProduceResult(newError, message, -1, -1, -1, logStartOffset);
    }
}
