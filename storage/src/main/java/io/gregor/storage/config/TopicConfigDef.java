package io.gregor.storage.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.DOUBLE;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * The topic-level configs, with Kafka's names, types, defaults and valid ranges, and the
 * broker configs ({@code server.properties}) that provide their defaults ("synonyms", in the
 * order of precedence Kafka uses).
 */
public final class TopicConfigDef {
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final String MAX_DECOMPRESSED_MESSAGE_BYTES = "max.decompressed.message.bytes";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MIN_IN_SYNC_REPLICAS = "min.insync.replicas";
    public static final String PREALLOCATE = "preallocate";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String REMOTE_STORAGE_ENABLE = "remote.storage.enable";

    public static final String COMPACT = "compact";
    public static final String DELETE = "delete";

    private static final LongUnaryOperator IDENTITY = v -> v;
    private static final LongUnaryOperator MINUTES = v -> v * 60_000L;
    private static final LongUnaryOperator HOURS = v -> v * 3_600_000L;

    /** A broker config that sets a topic config's default, with its unit conversion. */
    public record Synonym(String brokerKey, LongUnaryOperator toTopicUnit) {
        public boolean converts() {
            return toTopicUnit != IDENTITY;
        }
    }

    public static final ConfigDef DEF = new ConfigDef()
        .define(SEGMENT_BYTES, INT, 1073741824, atLeast(1024 * 1024), MEDIUM,
            "Size of a log segment file; a new segment is rolled when this size would be exceeded.")
        .define(SEGMENT_MS, LONG, 604800000L, atLeast(1), MEDIUM,
            "Time after which the active segment is rolled even if it is not full, so that retention can delete or compact it.")
        .define(SEGMENT_JITTER_MS, LONG, 0L, atLeast(0), MEDIUM,
            "Maximum random jitter subtracted from segment.ms, to avoid rolling many segments at once.")
        .define(SEGMENT_INDEX_BYTES, INT, 10485760, atLeast(4), MEDIUM,
            "Size of the offset and time index files of a segment; a full index also rolls the segment.")
        .define(FLUSH_MESSAGES, LONG, Long.MAX_VALUE, atLeast(1), MEDIUM,
            "Number of records after which the log is fsynced. The default leaves flushing to the operating system.")
        .define(FLUSH_MS, LONG, Long.MAX_VALUE, atLeast(0), MEDIUM,
            "Time after which the log is fsynced. The default leaves flushing to the operating system.")
        .define(RETENTION_BYTES, LONG, -1L, MEDIUM,
            "Maximum size of a partition before old segments are deleted (delete policy); -1 means no limit.")
        .define(RETENTION_MS, LONG, 604800000L, atLeast(-1), MEDIUM,
            "Maximum age of a segment's newest record before the segment is deleted (delete policy); -1 means no limit.")
        .define(MAX_MESSAGE_BYTES, INT, 1048588, atLeast(0), MEDIUM,
            "Largest record batch size accepted.")
        .define(INDEX_INTERVAL_BYTES, INT, 4096, atLeast(0), MEDIUM,
            "How many bytes are appended between two offset index entries.")
        .define(DELETE_RETENTION_MS, LONG, 86400000L, atLeast(0), MEDIUM,
            "How long tombstones are kept in compacted topics after the segment holding them was cleaned.")
        .define(MIN_COMPACTION_LAG_MS, LONG, 0L, atLeast(0), MEDIUM,
            "Minimum time a record stays uncompacted.")
        .define(MAX_COMPACTION_LAG_MS, LONG, Long.MAX_VALUE, atLeast(1), MEDIUM,
            "Maximum time a record may stay uncompacted.")
        .define(FILE_DELETE_DELAY_MS, LONG, 60000L, atLeast(0), MEDIUM,
            "Time to wait before deleting a segment's files after it was removed from the log.")
        .define(MIN_CLEANABLE_DIRTY_RATIO, DOUBLE, 0.5, between(0, 1), MEDIUM,
            "Ratio of uncleaned bytes to total bytes above which the log cleaner compacts a log.")
        .define(CLEANUP_POLICY, LIST, DELETE, ValidList.in(COMPACT, DELETE), MEDIUM,
            "delete, compact, or both: whether old segments are deleted, compacted, or compacted then deleted.")
        .define(UNCLEAN_LEADER_ELECTION_ENABLE, BOOLEAN, false, MEDIUM,
            "Whether a replica outside the ISR may become leader when no ISR replica is alive, at the risk of losing data.")
        .define(MIN_IN_SYNC_REPLICAS, INT, 1, atLeast(1), MEDIUM,
            "Minimum number of in-sync replicas for an acks=all produce to succeed.")
        .define(COMPRESSION_TYPE, STRING, "producer",
            ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), MEDIUM,
            "Final compression of the topic's batches; producer keeps what the producer sent.")
        .define(COMPRESSION_GZIP_LEVEL, INT, -1, ConfigDef.LambdaValidator.with(
                (name, value) -> {
                    int level = (Integer) value;
                    if (level != -1 && (level < 1 || level > 9)) {
                        throw new org.apache.kafka.common.config.ConfigException(name, value, "must be -1 or between 1 and 9");
                    }
                }, () -> "[1,...,9] or -1"), MEDIUM,
            "Compression level for gzip, used when compression.type is gzip and the broker recompresses (KIP-390).")
        .define(COMPRESSION_LZ4_LEVEL, INT, 9, between(1, 17), MEDIUM,
            "Compression level for lz4, used when compression.type is lz4 and the broker recompresses (KIP-390).")
        .define(COMPRESSION_ZSTD_LEVEL, INT, 3, between(-131072, 22), MEDIUM,
            "Compression level for zstd, used when compression.type is zstd and the broker recompresses (KIP-390).")
        .define(PREALLOCATE, BOOLEAN, false, MEDIUM,
            "Accepted for compatibility; Gregor does not preallocate segment files.")
        .define(MESSAGE_TIMESTAMP_TYPE, STRING, "CreateTime", ValidString.in("CreateTime", "LogAppendTime"), MEDIUM,
            "Whether record timestamps are the producer's (CreateTime) or the broker's append time (LogAppendTime).")
        .define(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, LONG, Long.MAX_VALUE, atLeast(0), MEDIUM,
            "How far in the past a CreateTime timestamp may be.")
        .define(MESSAGE_TIMESTAMP_AFTER_MAX_MS, LONG, 3600000L, atLeast(0), MEDIUM,
            "How far in the future a CreateTime timestamp may be.")
        // Kafka 4.4's topic config of this name (TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES_CONFIG, its broker
        // synonym has the same name), with Kafka's meaning and default: a bound per record, not per batch.
        .define(MAX_DECOMPRESSED_MESSAGE_BYTES, INT, 2147483639, between(1, 2147483639), MEDIUM,
            "Largest decompressed size of a single record in a compressed batch; a produced record above it is rejected"
                + " (INVALID_RECORD). The default sets no limit beyond what the broker could allocate.")
        .define("leader.replication.throttled.replicas", LIST, "", MEDIUM,
            "Replicas whose leader-side replication is throttled, as partition:broker pairs or *.")
        .define("follower.replication.throttled.replicas", LIST, "", MEDIUM,
            "Replicas whose follower-side replication is throttled, as partition:broker pairs or *.")
        .define(REMOTE_STORAGE_ENABLE, BOOLEAN, false, MEDIUM,
            "Tiered storage; not supported by Gregor (only false is accepted).")
        .define("local.retention.ms", LONG, -2L, atLeast(-2), MEDIUM, "Tiered storage only; not used by Gregor.")
        .define("local.retention.bytes", LONG, -2L, atLeast(-2), MEDIUM, "Tiered storage only; not used by Gregor.")
        .define("remote.log.copy.disable", BOOLEAN, false, MEDIUM, "Tiered storage only; not used by Gregor.")
        .define("remote.log.delete.on.disable", BOOLEAN, false, MEDIUM, "Tiered storage only; not used by Gregor.");

    /** Topic config name → broker configs that default it, in precedence order. */
    public static final Map<String, List<Synonym>> SYNONYMS = synonyms();

    private static Map<String, List<Synonym>> synonyms() {
        Map<String, List<Synonym>> m = new LinkedHashMap<>();
        m.put(SEGMENT_BYTES, List.of(new Synonym("log.segment.bytes", IDENTITY)));
        m.put(SEGMENT_MS, List.of(new Synonym("log.roll.ms", IDENTITY), new Synonym("log.roll.hours", HOURS)));
        m.put(SEGMENT_JITTER_MS, List.of(new Synonym("log.roll.jitter.ms", IDENTITY), new Synonym("log.roll.jitter.hours", HOURS)));
        m.put(SEGMENT_INDEX_BYTES, List.of(new Synonym("log.index.size.max.bytes", IDENTITY)));
        m.put(FLUSH_MESSAGES, List.of(new Synonym("log.flush.interval.messages", IDENTITY)));
        m.put(FLUSH_MS, List.of(new Synonym("log.flush.interval.ms", IDENTITY), new Synonym("log.flush.scheduler.interval.ms", IDENTITY)));
        m.put(RETENTION_BYTES, List.of(new Synonym("log.retention.bytes", IDENTITY)));
        m.put(RETENTION_MS, List.of(new Synonym("log.retention.ms", IDENTITY), new Synonym("log.retention.minutes", MINUTES),
            new Synonym("log.retention.hours", HOURS)));
        m.put(MAX_MESSAGE_BYTES, List.of(new Synonym("message.max.bytes", IDENTITY)));
        m.put(MAX_DECOMPRESSED_MESSAGE_BYTES, List.of(new Synonym(MAX_DECOMPRESSED_MESSAGE_BYTES, IDENTITY)));
        m.put(INDEX_INTERVAL_BYTES, List.of(new Synonym("log.index.interval.bytes", IDENTITY)));
        m.put(DELETE_RETENTION_MS, List.of(new Synonym("log.cleaner.delete.retention.ms", IDENTITY)));
        m.put(MIN_COMPACTION_LAG_MS, List.of(new Synonym("log.cleaner.min.compaction.lag.ms", IDENTITY)));
        m.put(MAX_COMPACTION_LAG_MS, List.of(new Synonym("log.cleaner.max.compaction.lag.ms", IDENTITY)));
        m.put(FILE_DELETE_DELAY_MS, List.of(new Synonym("log.segment.delete.delay.ms", IDENTITY)));
        m.put(MIN_CLEANABLE_DIRTY_RATIO, List.of(new Synonym("log.cleaner.min.cleanable.ratio", IDENTITY)));
        m.put(CLEANUP_POLICY, List.of(new Synonym("log.cleanup.policy", IDENTITY)));
        m.put(UNCLEAN_LEADER_ELECTION_ENABLE, List.of(new Synonym("unclean.leader.election.enable", IDENTITY)));
        m.put(MIN_IN_SYNC_REPLICAS, List.of(new Synonym("min.insync.replicas", IDENTITY)));
        m.put(COMPRESSION_TYPE, List.of(new Synonym("compression.type", IDENTITY)));
        m.put(COMPRESSION_GZIP_LEVEL, List.of(new Synonym(COMPRESSION_GZIP_LEVEL, IDENTITY)));
        m.put(COMPRESSION_LZ4_LEVEL, List.of(new Synonym(COMPRESSION_LZ4_LEVEL, IDENTITY)));
        m.put(COMPRESSION_ZSTD_LEVEL, List.of(new Synonym(COMPRESSION_ZSTD_LEVEL, IDENTITY)));
        m.put(PREALLOCATE, List.of(new Synonym("log.preallocate", IDENTITY)));
        m.put(MESSAGE_TIMESTAMP_TYPE, List.of(new Synonym("log.message.timestamp.type", IDENTITY)));
        m.put(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, List.of(new Synonym("log.message.timestamp.before.max.ms", IDENTITY)));
        m.put(MESSAGE_TIMESTAMP_AFTER_MAX_MS, List.of(new Synonym("log.message.timestamp.after.max.ms", IDENTITY)));
        m.put("local.retention.ms", List.of(new Synonym("log.local.retention.ms", IDENTITY)));
        m.put("local.retention.bytes", List.of(new Synonym("log.local.retention.bytes", IDENTITY)));
        return Map.copyOf(m);
    }

    private TopicConfigDef() {
    }

    public static boolean isKnown(String name) {
        return DEF.configKeys().containsKey(name);
    }
}
