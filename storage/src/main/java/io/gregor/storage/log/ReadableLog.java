package io.gregor.storage.log;

import org.apache.kafka.common.TopicPartition;

/**
 * Read access to one partition log: its offsets and reads by offset. What the layers above
 * storage that only read a log (coordinators replaying their internal partitions) get to see,
 * instead of segments and files.
 *
 * <p>Implementations are safe to read from any thread while the log is being appended to; a
 * read sees a consistent prefix of the log.
 */
public interface ReadableLog {
    TopicPartition topicPartition();

    long logStartOffset();

    long logEndOffset();

    long highWatermark();

    /**
     * Reads whole batches from the one holding {@code startOffset}, up to about {@code maxBytes}.
     *
     * @param minOneMessage return the first batch whole even when it is larger than {@code maxBytes}
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException when {@code startOffset} is
     *         below the log start or above the log end
     */
    FetchDataInfo read(long startOffset, int maxBytes, FetchIsolation isolation, boolean minOneMessage);
}
