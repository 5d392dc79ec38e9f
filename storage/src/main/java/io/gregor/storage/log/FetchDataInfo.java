package io.gregor.storage.log;

import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * The result of a log read: where the read started and the bytes to send.
 *
 * @param fetchOffsetMetadata position of the fetch offset in the log
 * @param records             whole batches, possibly followed by a truncated one (clients
 *                            discard a partial trailing batch, as with Kafka)
 */
public record FetchDataInfo(LogOffsetMetadata fetchOffsetMetadata, BaseRecords records) {
    public static FetchDataInfo empty(LogOffsetMetadata at) {
        return new FetchDataInfo(at, MemoryRecords.EMPTY);
    }
}
