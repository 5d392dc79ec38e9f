package io.gregor.storage.config;

import static io.gregor.storage.config.TopicConfigDef.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;

/**
 * The effective configuration of one topic's logs: Kafka's defaults, overridden by the broker's
 * defaults ({@code server.properties}), overridden by the topic's own configs. Immutable; a
 * config change creates a new instance that the log picks up on its next operation.
 */
public final class LogConfig {
    private final Map<String, Object> values;
    private final Map<String, String> overrides;

    private LogConfig(Map<String, Object> values, Map<String, String> overrides) {
        this.values = values;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * @param brokerDefaults topic config name → value (string form) derived from the broker config
     * @param overrides      the topic's own configs
     * @throws InvalidConfigurationException naming the offending key
     */
    public static LogConfig create(Map<String, String> brokerDefaults, Map<String, String> overrides) {
        validateOverrides(overrides);
        Map<String, Object> merged = new HashMap<>(brokerDefaults);
        merged.putAll(overrides);
        try {
            return new LogConfig(DEF.parse(merged), overrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    public static LogConfig defaults() {
        return create(Map.of(), Map.of());
    }

    /** Checks topic configs as given by a user: known names, right types and ranges. */
    public static void validateOverrides(Map<String, String> overrides) {
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            if (!isKnown(entry.getKey())) {
                throw new InvalidConfigurationException("Unknown topic config name: " + entry.getKey());
            }
            if (entry.getValue() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic config " + entry.getKey());
            }
        }
        Map<String, Object> parsed;
        try {
            Map<String, Object> raw = new HashMap<>(overrides);
            parsed = DEF.parse(raw);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
        if (Boolean.TRUE.equals(parsed.get(REMOTE_STORAGE_ENABLE)) && overrides.containsKey(REMOTE_STORAGE_ENABLE)) {
            throw new InvalidConfigurationException("Invalid value true for configuration " + REMOTE_STORAGE_ENABLE
                + ": tiered storage is not supported by Gregor");
        }
        long minLag = (Long) parsed.get(MIN_COMPACTION_LAG_MS);
        long maxLag = (Long) parsed.get(MAX_COMPACTION_LAG_MS);
        if (minLag > maxLag) {
            throw new InvalidConfigurationException("conflict topic config setting " + MIN_COMPACTION_LAG_MS + " (" + minLag
                + ") > " + MAX_COMPACTION_LAG_MS + " (" + maxLag + ")");
        }
    }

    public Object value(String name) {
        return values.get(name);
    }

    public Map<String, String> overrides() {
        return overrides;
    }

    public int segmentBytes() {
        return (Integer) values.get(SEGMENT_BYTES);
    }

    public long segmentMs() {
        return (Long) values.get(SEGMENT_MS);
    }

    public long segmentJitterMs() {
        return (Long) values.get(SEGMENT_JITTER_MS);
    }

    public int maxIndexSize() {
        return (Integer) values.get(SEGMENT_INDEX_BYTES);
    }

    public int indexIntervalBytes() {
        return (Integer) values.get(INDEX_INTERVAL_BYTES);
    }

    public long flushMessages() {
        return (Long) values.get(FLUSH_MESSAGES);
    }

    public long flushMs() {
        return (Long) values.get(FLUSH_MS);
    }

    public long retentionMs() {
        return (Long) values.get(RETENTION_MS);
    }

    public long retentionBytes() {
        return (Long) values.get(RETENTION_BYTES);
    }

    public int maxMessageBytes() {
        return (Integer) values.get(MAX_MESSAGE_BYTES);
    }

    public long fileDeleteDelayMs() {
        return (Long) values.get(FILE_DELETE_DELAY_MS);
    }

    public long deleteRetentionMs() {
        return (Long) values.get(DELETE_RETENTION_MS);
    }

    public long minCompactionLagMs() {
        return (Long) values.get(MIN_COMPACTION_LAG_MS);
    }

    public long maxCompactionLagMs() {
        return (Long) values.get(MAX_COMPACTION_LAG_MS);
    }

    public double minCleanableDirtyRatio() {
        return (Double) values.get(MIN_CLEANABLE_DIRTY_RATIO);
    }

    @SuppressWarnings("unchecked")
    private List<String> cleanupPolicy() {
        return (List<String>) values.get(CLEANUP_POLICY);
    }

    public boolean compact() {
        return cleanupPolicy().contains(COMPACT);
    }

    public boolean delete() {
        return cleanupPolicy().contains(DELETE);
    }

    public TimestampType timestampType() {
        return "LogAppendTime".equals(values.get(MESSAGE_TIMESTAMP_TYPE)) ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
    }

    public long timestampBeforeMaxMs() {
        return (Long) values.get(MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
    }

    public long timestampAfterMaxMs() {
        return (Long) values.get(MESSAGE_TIMESTAMP_AFTER_MAX_MS);
    }

    public int minInSyncReplicas() {
        return (Integer) values.get(MIN_IN_SYNC_REPLICAS);
    }

    public boolean uncleanLeaderElectionEnable() {
        return (Boolean) values.get(UNCLEAN_LEADER_ELECTION_ENABLE);
    }

    public String compressionType() {
        return (String) values.get(COMPRESSION_TYPE);
    }

    public int gzipLevel() {
        return (Integer) values.get(COMPRESSION_GZIP_LEVEL);
    }

    public int lz4Level() {
        return (Integer) values.get(COMPRESSION_LZ4_LEVEL);
    }

    public int zstdLevel() {
        return (Integer) values.get(COMPRESSION_ZSTD_LEVEL);
    }

    /** The largest decompressed record body of a compressed batch (Kafka's {@code max.decompressed.message.bytes}). */
    public int maxDecompressedMessageBytes() {
        return (Integer) values.get(MAX_DECOMPRESSED_MESSAGE_BYTES);
    }

    @Override
    public String toString() {
        return "LogConfig" + overrides;
    }
}
