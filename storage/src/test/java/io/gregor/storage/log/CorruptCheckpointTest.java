package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.storage.cleaner.CleanerConfig;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.epoch.EpochEntry;
import io.gregor.storage.epoch.LeaderEpochCache;
import io.gregor.storage.util.CheckpointLines.CorruptCheckpointException;
import io.gregor.testsupport.ManualTime;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damaged checkpoint files are never read as if they were empty or shorter without a word: each
 * names its file and line, and the broker falls back on the safe side (a full recovery, epochs
 * rebuilt from the batches).
 */
class CorruptCheckpointTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime();
    private final ManualScheduler scheduler = new ManualScheduler();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a wrong version|1\\n1\\norders 0 5\\n|1",
        "an entry count that is not a number|0\\nmany\\norders 0 5\\n|2",
        "fewer entries than counted|0\\n3\\norders 0 5\\norders 1 6\\n|5",
        "more entries than counted|0\\n1\\norders 0 5\\norders 1 6\\n|4",
        "an offset that is not a number|0\\n1\\norders 0 five\\n|3",
        "a line with a missing field|0\\n2\\norders 0 5\\norders 1\\n|4",
        "an empty file||1",
    })
    void shouldRefuseADamagedOffsetCheckpointNamingTheFileAndLine(String damage, String content, int line) throws Exception {
        File file = dir.resolve("recovery-point-offset-checkpoint").toFile();
        Files.writeString(file.toPath(), content == null ? "" : content.replace("\\n", "\n"), StandardCharsets.UTF_8);
        OffsetCheckpointFile checkpoint = new OffsetCheckpointFile(file);

        assertThatThrownBy(checkpoint::read).as(damage)
            .isInstanceOf(CorruptCheckpointException.class)
            .hasMessageStartingWith("Corrupt checkpoint file " + file + " at line " + line + ":");
        assertThat(checkpoint.readIfValid("nothing")).as(damage).isEmpty();
    }

    @Test
    void shouldReadAValidOffsetCheckpointAndAMissingOneAsEmpty() throws Exception {
        OffsetCheckpointFile checkpoint = new OffsetCheckpointFile(dir.resolve("cp").toFile());
        assertThat(checkpoint.read()).isEmpty();

        checkpoint.write(Map.of(TP, 42L, new TopicPartition("a-b", 7), 3L));

        assertThat(checkpoint.read()).containsExactlyInAnyOrderEntriesOf(Map.of(TP, 42L, new TopicPartition("a-b", 7), 3L));
    }

    @Test
    void shouldRecoverTheWholeDirectoryWhenItsRecoveryPointCheckpointIsDamagedDespiteACleanStop() throws Exception {
        // Given a log stopped cleanly, then a torn tail in its segment and a damaged recovery-point checkpoint
        LogManager logs = logManager();
        Log log = logs.getOrCreateLog(TP, Uuid.randomUuid());
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a", "b"), 0);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "c"), 0);
        logs.close();
        Path segment = dir.resolve("orders-0").resolve(LogFiles.filenamePrefix(0) + LogFiles.LOG_SUFFIX);
        long validSize = Files.size(segment);
        Files.write(segment, new byte[] {0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("recovery-point-offset-checkpoint"), "0\n2\norders 0 3\n");

        // When it starts again
        logs = logManager();

        // Then the clean-stop marker did not skip the recovery: the torn tail is cut off and the records are intact
        Log reopened = logs.log(TP).orElseThrow();
        assertThat(Files.size(segment)).isEqualTo(validSize);
        assertThat(reopened.logEndOffset()).isEqualTo(3);
        reopened.appendAsLeader(TestRecords.batch(time.milliseconds(), "d"), 0);
        assertThat(TestRecords.records(reopened.read(0, 1 << 20, FetchIsolation.LOG_END, true)))
            .extracting(TestRecords::value).containsExactly("a", "b", "c", "d");
        logs.close();
    }

    @Test
    void shouldRebuildTheLeaderEpochsFromTheBatchesWhenTheirCheckpointIsDamaged() throws Exception {
        // Given a log written under leader epochs 2 and 5, whose epoch checkpoint then lost its last line
        File partitionDir = dir.resolve("orders-0").toFile();
        Log log = Log.open(TP, partitionDir, LogConfig.defaults(), time, scheduler, true, 0, -1, -1);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a", "b"), 2);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "c"), 5);
        log.close();
        File checkpoint = new File(partitionDir, LeaderEpochCache.FILE_NAME);
        assertThat(Files.readAllLines(checkpoint.toPath())).containsExactly("0", "2", "2 0", "5 2");
        Files.writeString(checkpoint.toPath(), "0\n2\n2 0\n");

        // When it is opened again
        Log reopened = Log.open(TP, partitionDir, LogConfig.defaults(), time, scheduler, true, 3, -1, -1);

        // Then the epochs are those of the batches, not the damaged file's one
        assertThat(reopened.leaderEpochs().entries()).containsExactly(new EpochEntry(2, 0), new EpochEntry(5, 2));
        reopened.close();
    }

    private LogManager logManager() throws Exception {
        LogManager manager = new LogManager(new LogManager.Config(List.of(dir.toFile()), 1, 300_000, Long.MAX_VALUE, 60_000, 86_400_000,
            600_000, 300_000, new CleanerConfig(1, 1 << 20, 1 << 16, Double.MAX_VALUE, 15_000, false)),
            topic -> LogConfig.defaults(), time, scheduler);
        manager.startup();
        return manager;
    }
}
