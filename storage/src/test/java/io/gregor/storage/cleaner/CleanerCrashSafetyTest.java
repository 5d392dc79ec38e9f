package io.gregor.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.storage.config.LogConfig;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.Log;
import io.gregor.testsupport.ManualTime;
import io.gregor.storage.util.ThreadPoolScheduler;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files a crash can leave behind in the middle of a cleaning, and what reopening the log
 * makes of them: a half-written {@code .cleaned} segment is discarded, a complete {@code .swap}
 * segment replaces the segments it covers.
 */
class CleanerCrashSafetyTest {
    private static final TopicPartition TP = new TopicPartition("compacted", 0);
    private static final Map<String, String> COMPACT = Map.of("cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.0");

    @TempDir
    Path tmp;
    private final ManualTime time = new ManualTime();
    private final ThreadPoolScheduler scheduler = new ThreadPoolScheduler(1, "test-scheduler");

    @AfterEach
    void tearDown() {
        scheduler.close();
    }

    private Log open(File dir) throws Exception {
        return Log.open(TP, dir, LogConfig.create(Map.of(), COMPACT), time, scheduler, false, 0, -1, -1);
    }

    private void writeOverwrites(Log log) {
        for (int round = 0; round < 5; round++) {
            for (int k = 0; k < 10; k++) {
                MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(256), Compression.NONE, TimestampType.CREATE_TIME, 0L);
                b.append(time.milliseconds(), ("k" + k).getBytes(StandardCharsets.UTF_8), ("v" + round).getBytes(StandardCharsets.UTF_8));
                log.appendAsLeader(b.build(), 0);
            }
        }
        log.roll();
        log.updateHighWatermark(log.logEndOffsetMetadata());
    }

    private static List<String> values(Log log) throws Exception {
        log.updateHighWatermark(log.logEndOffsetMetadata());
        var info = log.read(log.logStartOffset(), 1 << 20, FetchIsolation.LOG_END, true);
        List<String> out = new ArrayList<>();
        for (RecordBatch batch : info.toMemoryRecords().batches()) {
            for (Record r : batch) {
                out.add(StandardCharsets.UTF_8.decode(r.key()) + "=" + StandardCharsets.UTF_8.decode(r.value()));
            }
        }
        return out;
    }

    private static void copyDir(File from, File to) throws Exception {
        Files.createDirectories(to.toPath());
        for (File f : from.listFiles()) {
            Files.copy(f.toPath(), new File(to, f.getName()).toPath(), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void shouldDiscardAHalfWrittenCleanedSegment() throws Exception {
        File dir = tmp.resolve("compacted-0").toFile();
        Log log = open(dir);
        writeOverwrites(log);
        List<String> before = values(log);
        // A crash while the cleaner was still writing its output.
        Files.write(new File(dir, "00000000000000000000.log.cleaned").toPath(), new byte[] {1, 2, 3});
        Files.write(new File(dir, "00000000000000000000.index.cleaned").toPath(), new byte[16]);
        Log reopened = open(dir);
        try {
            assertThat(values(reopened)).isEqualTo(before);
            assertThat(dir.list()).noneMatch(n -> n.endsWith(".cleaned"));
        } finally {
            reopened.close();
            log.close();
        }
    }

    @Test
    void shouldCompleteAnInterruptedSwap() throws Exception {
        File dir = tmp.resolve("a/compacted-0").toFile();
        Log log = open(dir);
        writeOverwrites(log);
        long end = log.logEndOffset();
        File beforeCleaning = tmp.resolve("b/compacted-0").toFile();
        copyDir(dir, beforeCleaning);
        new LogCleaner(new CleanerConfig(1, 1 << 20, 4096, Double.MAX_VALUE, 10, true), () -> List.of(log),
            List.of(dir.getParentFile()), time).cleanAllNow();
        List<String> cleaned = values(log);
        assertThat(cleaned).containsExactlyInAnyOrder("k0=v4", "k1=v4", "k2=v4", "k3=v4", "k4=v4", "k5=v4", "k6=v4", "k7=v4",
            "k8=v4", "k9=v4");
        // The crash happened right after the cleaned segment became a .swap file: old segments still in place.
        Files.copy(new File(dir, "00000000000000000000.log").toPath(), new File(beforeCleaning, "00000000000000000000.log.swap").toPath());
        log.close();

        Log reopened = open(beforeCleaning);
        try {
            assertThat(values(reopened)).isEqualTo(cleaned);
            assertThat(reopened.logEndOffset()).isEqualTo(end);
            assertThat(beforeCleaning.list()).noneMatch(n -> n.endsWith(".swap"));
        } finally {
            reopened.close();
        }
    }
}
