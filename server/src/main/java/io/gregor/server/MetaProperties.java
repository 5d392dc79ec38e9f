package io.gregor.server;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Properties;

/**
 * {@code meta.properties} in each log directory: which cluster and broker id the data belongs
 * to. Starting a broker on a directory of another cluster or broker is refused, so that data is
 * never mixed up by a wrong {@code zookeeper.connect} or {@code broker.id}.
 */
final class MetaProperties {
    private static final String FILE = "meta.properties";

    private MetaProperties() {
    }

    static void checkOrWrite(File logDir, String clusterId, int brokerId) throws IOException {
        File file = new File(logDir, FILE);
        if (file.exists()) {
            Properties props = new Properties();
            try (InputStream in = new FileInputStream(file)) {
                props.load(in);
            }
            String storedCluster = props.getProperty("cluster.id");
            String storedBroker = props.getProperty("broker.id");
            if (storedCluster != null && !storedCluster.equals(clusterId)) {
                throw new IllegalStateException("The cluster id " + clusterId + " of ZooKeeper does not match the cluster id "
                    + storedCluster + " stored in " + file + ". Is zookeeper.connect pointing to the right ensemble?");
            }
            if (storedBroker != null && !storedBroker.equals(Integer.toString(brokerId))) {
                throw new IllegalStateException("broker.id " + brokerId + " does not match the broker id " + storedBroker
                    + " stored in " + file + ". Use a log directory per broker.");
            }
            return;
        }
        Properties props = new Properties();
        props.setProperty("version", "0");
        props.setProperty("cluster.id", clusterId);
        props.setProperty("broker.id", Integer.toString(brokerId));
        try (OutputStream out = new FileOutputStream(file)) {
            props.store(out, "Written by Gregor; do not edit");
        }
    }
}
