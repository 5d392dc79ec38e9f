package io.gregor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** meta.properties in Kafka's format: written on a dir's first start, checked on every later one. */
class MetaPropertiesTest {
    private static final String ZK = "ZooKeeper at localhost:2181";

    @TempDir
    Path dir;

    @Test
    void shouldWriteKafkasFormatAndAcceptItAtTheNextStart() throws Exception {
        assertThat(MetaProperties.check(dir.toFile(), "cluster-a", 2, ZK)).as("no file yet").isFalse();
        MetaProperties.write(dir.toFile(), new MetaProperties.Ids("cluster-a", 2));

        Properties written = new Properties();
        try (var in = Files.newInputStream(dir.resolve("meta.properties"))) {
            written.load(in);
        }
        assertThat(written).containsOnlyKeys("version", "broker.id", "cluster.id");
        assertThat(written.getProperty("version")).isEqualTo("0");
        assertThat(written.getProperty("broker.id")).isEqualTo("2");
        assertThat(written.getProperty("cluster.id")).isEqualTo("cluster-a");
        assertThat(dir.resolve("meta.properties.tmp")).doesNotExist();
        assertThat(MetaProperties.check(dir.toFile(), "cluster-a", 2, ZK)).isTrue();
        assertThat(MetaProperties.read(dir.toFile())).isEqualTo(new MetaProperties.Ids("cluster-a", 2));
    }

    @Test
    void shouldRefuseADirOfAnotherClusterInOneLineNamingTheDirBothIdsAndWhatToDo() throws Exception {
        MetaProperties.write(dir.toFile(), new MetaProperties.Ids("cluster-a", 0));

        assertThatThrownBy(() -> MetaProperties.check(dir.toFile(), "cluster-b", 0, "the embedded ZooKeeper in /x/zookeeper"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageNotContaining("\n")
            .hasMessageStartingWith("Log dir " + dir + " belongs to cluster cluster-a (its meta.properties), not to cluster cluster-b"
                + " of the embedded ZooKeeper in /x/zookeeper:")
            .hasMessageContaining("point log.dirs at the dirs of cluster cluster-b")
            .hasMessageContaining("zookeeper.connect (or zookeeper.embedded.data.dir) at the ZooKeeper of cluster cluster-a")
            .hasMessageEndingWith("remove " + dir.resolve("meta.properties") + " only if the dir's data is to join cluster cluster-b");
    }

    @Test
    void shouldRefuseADirOfAnotherBroker() throws Exception {
        MetaProperties.write(dir.toFile(), new MetaProperties.Ids("cluster-a", 1));

        assertThatThrownBy(() -> MetaProperties.check(dir.toFile(), "cluster-a", 0, ZK))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageNotContaining("\n")
            .hasMessage("Log dir " + dir + " belongs to broker 1 (its meta.properties), not to broker 0 (broker.id): give each broker"
                + " its own log.dirs, or start this one with broker.id=1; remove " + dir.resolve("meta.properties")
                + " only if broker 0 is to take over the dir's data");
    }

    @Test
    void shouldReadTheNodeIdOfKafkasVersion1Files() throws Exception {
        Files.writeString(dir.resolve("meta.properties"), "version=1\nnode.id=4\ncluster.id=kraft\ndirectory.id=abc\n");

        assertThat(MetaProperties.read(dir.toFile())).isEqualTo(new MetaProperties.Ids("kraft", 4));
    }

    @Test
    void shouldRefuseAFileWithoutIdsRatherThanTrustIt() throws Exception {
        Files.writeString(dir.resolve("meta.properties"), "");
        File logDir = dir.toFile();

        assertThatThrownBy(() -> MetaProperties.check(logDir, "cluster-a", 0, ZK))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("Log dir " + dir + " has a meta.properties without a valid cluster.id and broker.id");
        Files.writeString(dir.resolve("meta.properties"), "cluster.id=a\nbroker.id=x\n");
        assertThatThrownBy(() -> MetaProperties.read(logDir)).isInstanceOf(IllegalStateException.class);
    }
}
