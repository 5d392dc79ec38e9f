package io.gregor.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the embedded ZooKeeper's data goes, for a broker started in {@code work}. */
class EmbeddedZooKeeperDirTest {
    @TempDir
    Path work;

    @Test
    void shouldKeepTheDataInTheFirstLogDirByDefault() {
        EmbeddedZooKeeperDir dir = resolve(Map.of("log.dirs", work.resolve("a") + "," + work.resolve("b")));

        assertThat(dir.dir()).isEqualTo(work.resolve("a/zookeeper").toFile());
        assertThat(dir.warning()).isNull();
        assertThat(resolve(Map.of("log.dir", work.resolve("c").toString())).dir()).isEqualTo(work.resolve("c/zookeeper").toFile());
    }

    @Test
    void shouldGiveEachLogDirItsOwnData() {
        assertThat(resolve(Map.of("log.dirs", "/tmp/a")).dir()).isNotEqualTo(resolve(Map.of("log.dirs", "/tmp/b")).dir());
    }

    @Test
    void shouldUseTheConfiguredDirRelativeToTheWorkingDirectory() {
        assertThat(resolve(Map.of("zookeeper.embedded.data.dir", "meta")).dir()).isEqualTo(work.resolve("meta").toFile());
        assertThat(resolve(Map.of("zookeeper.embedded.data.dir", "/abs/zk")).dir()).isEqualTo(new File("/abs/zk"));
    }

    @Test
    void shouldKeepUsingTheOldDefaultOfAnEarlierInstallWithAWarningSayingHowToMoveIt() throws Exception {
        Files.createDirectories(work.resolve("data/zookeeper/version-2-log"));
        Map<String, String> config = Map.of("log.dirs", work.resolve("data/logs").toString());

        EmbeddedZooKeeperDir dir = resolve(config);

        assertThat(dir.dir()).isEqualTo(work.resolve("data/zookeeper").toFile());
        assertThat(dir.warning()).doesNotContain("\n")
            .contains("mv " + work.resolve("data/zookeeper") + " " + work.resolve("data/logs/zookeeper"))
            .contains("zookeeper.embedded.data.dir=" + work.resolve("data/zookeeper"));

        Files.createDirectories(work.resolve("data/logs/zookeeper"));
        assertThat(resolve(config).dir()).as("once moved").isEqualTo(work.resolve("data/logs/zookeeper").toFile());
        assertThat(resolve(config).warning()).isNull();
    }

    @Test
    void shouldNotMistakeAnEmptyOldDirForData() throws Exception {
        Files.createDirectories(work.resolve("data/zookeeper"));

        assertThat(resolve(Map.of()).dir()).isEqualTo(new File(new File("data/logs").getAbsoluteFile(), "zookeeper"));
    }

    private EmbeddedZooKeeperDir resolve(Map<String, String> config) {
        return EmbeddedZooKeeperDir.resolve(BrokerConfig.from(config), work.toFile());
    }
}
