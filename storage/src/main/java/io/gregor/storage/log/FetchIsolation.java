package io.gregor.storage.log;

/** How far a read may go: the log end (followers), the high watermark, or the last stable offset. */
public enum FetchIsolation {
    LOG_END,
    HIGH_WATERMARK,
    TXN_COMMITTED
}
