package io.gregor.replication;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/** The answer for one partition of a fetch. */
public record PartitionFetchResult(PartitionFetch request, Errors error, String errorMessage, BaseRecords records,
                                   long highWatermark, long lastStableOffset, long logStartOffset) {

    public static PartitionFetchResult error(PartitionFetch request, Errors error, String message) {
        return new PartitionFetchResult(request, error, message, MemoryRecords.EMPTY, -1, -1, -1);
    }

    public int bytes() {
        return records.sizeInBytes();
    }
}
