package io.gregor.storage.log;

/**
 * The outcome of an append.
 *
 * @param firstOffset     offset of the first appended record (for a duplicate: of the original)
 * @param lastOffset      offset of the last appended record
 * @param logAppendTimeMs broker time stamped on the batches, or -1 for CreateTime topics
 * @param logStartOffset  the log start offset after the append
 * @param recordCount     records appended (0 for a duplicate)
 * @param duplicate       whether the batch was a retry of an already appended one
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long logAppendTimeMs, long logStartOffset,
                            int recordCount, boolean duplicate) {
}
