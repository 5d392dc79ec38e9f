package io.gregor.storage.log;

import java.io.IOException;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * The result of a log read: where the read started and the bytes to send.
 *
 * @param fetchOffsetMetadata position of the fetch offset in the log
 * @param records             whole batches, possibly followed by a truncated one (clients
 *                            discard a partial trailing batch, as with Kafka): a
 *                            {@link FileRecordsSlice} of a segment file, or empty
 *                            {@link MemoryRecords}
 */
public record FetchDataInfo(LogOffsetMetadata fetchOffsetMetadata, BaseRecords records) {
    public static FetchDataInfo empty(LogOffsetMetadata at) {
        return new FetchDataInfo(at, MemoryRecords.EMPTY);
    }

    /** The records in the heap: a file slice is read in, in-memory records are returned as they are. */
    public MemoryRecords toMemoryRecords() throws IOException {
        if (records instanceof FileRecordsSlice slice) {
            return slice.readFully();
        }
        return (MemoryRecords) records;
    }
}
