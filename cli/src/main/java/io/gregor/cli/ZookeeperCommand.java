package io.gregor.cli;

import java.io.File;
import java.util.concurrent.Callable;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code gregor zookeeper [zookeeper.properties]}: runs a standalone Apache ZooKeeper server in
 * the foreground (the same server the broker embeds), for clusters of several brokers.
 */
@Command(name = "zookeeper", mixinStandardHelpOptions = true,
    description = {"Start a standalone ZooKeeper server (Apache ZooKeeper, as shipped with Gregor) in the foreground.",
        "Point brokers at it with zookeeper.connect=host:port."})
public final class ZookeeperCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "zookeeper.properties",
        description = "ZooKeeper config file (zoo.cfg format: dataDir, clientPort, ...). Default: config/zookeeper.properties.")
    File configFile = new File("config/zookeeper.properties");

    @Override
    public Integer call() throws Exception {
        if (!configFile.isFile()) {
            System.err.println("Error: ZooKeeper config file " + configFile + " does not exist");
            return 1;
        }
        System.setProperty("zookeeper.admin.enableServer", System.getProperty("zookeeper.admin.enableServer", "false"));
        ServerConfig config = new ServerConfig();
        try {
            config.parse(configFile.getPath());
        } catch (Exception e) {
            System.err.println("Error: invalid ZooKeeper config " + configFile + ": " + e.getMessage());
            return 1;
        }
        new ZooKeeperServerMain().runFromConfig(config);
        return 0;
    }
}
