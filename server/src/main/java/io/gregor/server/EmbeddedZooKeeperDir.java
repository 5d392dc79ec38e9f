package io.gregor.server;

import java.io.File;

/**
 * Where the embedded ZooKeeper keeps its data: {@code zookeeper.embedded.data.dir} when set, else
 * {@code zookeeper} inside the first log dir ({@code data/logs/zookeeper} by default), so that
 * the metadata goes wherever the logs go: a broker started on other log dirs finds the metadata
 * of those dirs (or none, and starts a new cluster), never the metadata of the dirs it left.
 * Inside rather than beside the log dir, as Kafka keeps its KRaft metadata log in the first log
 * dir: it needs no write access to the log dir's parent, stays on the log dir's disk, and goes
 * with the logs when the dir is deleted. {@code LogManager} ignores it: a partition's directory
 * name always ends in {@code -<partition>}.
 *
 * <p>Installs from before this default have their ZooKeeper data in {@code data/zookeeper} of the
 * working directory. When that holds ZooKeeper data and the new location does not exist, it is
 * kept in use, with a warning that says how to move it: an upgrade never starts a new, empty
 * cluster beside the old logs.
 */
record EmbeddedZooKeeperDir(File dir, String warning) {
    static final String NAME = "zookeeper";
    static final String LEGACY = "data/zookeeper";

    /** @param workingDir the directory relative paths are resolved against (the process's) */
    static EmbeddedZooKeeperDir resolve(BrokerConfig config, File workingDir) {
        String configured = (String) config.value(BrokerConfig.ZOOKEEPER_EMBEDDED_DATA_DIR);
        if (configured != null && !configured.isBlank()) {
            File dir = new File(configured.trim());
            return new EmbeddedZooKeeperDir(dir.isAbsolute() ? dir : new File(workingDir, configured.trim()), null);
        }
        File dir = new File(config.logDirs().get(0), NAME);
        File legacy = new File(workingDir, LEGACY);
        if (!dir.exists() && holdsZooKeeperData(legacy) && !legacy.getAbsoluteFile().equals(dir.getAbsoluteFile())) {
            return new EmbeddedZooKeeperDir(legacy, "The embedded ZooKeeper keeps using " + legacy
                + ", where Gregor kept its data before it moved into the first log dir (now " + dir + "): to move it, stop the broker"
                + " and run 'mv " + legacy + " " + dir + "'; to keep it there, set zookeeper.embedded.data.dir=" + legacy);
        }
        return new EmbeddedZooKeeperDir(dir, null);
    }

    /** Whether {@code dir} has the transaction log or snapshot directory of {@code EmbeddedZooKeeper}. */
    private static boolean holdsZooKeeperData(File dir) {
        return new File(dir, "version-2-log").isDirectory() || new File(dir, "version-2-snapshots").isDirectory();
    }
}
