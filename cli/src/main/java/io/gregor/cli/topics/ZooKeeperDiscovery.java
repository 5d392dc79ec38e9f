package io.gregor.cli.topics;

import com.fasterxml.jackson.jr.ob.JSON;
import io.gregor.cli.client.Bootstrap;
import io.gregor.cli.client.CommandException;
import io.gregor.cli.client.Reachability;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.store.zk.ZkPaths;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;

/**
 * The {@code topics --zookeeper host:2181} compatibility path: users of the ZooKeeper-era Kafka
 * tools pass a ZooKeeper address. Gregor reads only the live brokers' registrations
 * ({@code /brokers/ids/<id>}, {@code "endpoints":["PLAINTEXT://host:port"]}) and then talks to
 * those brokers with the Kafka protocol like every other command; it never writes to ZooKeeper.
 */
final class ZooKeeperDiscovery {
    private static final String PREFERRED_LISTENER = "PLAINTEXT";

    private ZooKeeperDiscovery() {
    }

    /** @param connect {@code host:port[,host:port...][/chroot]} */
    static Bootstrap discover(String connect, int timeoutMs) {
        String source = "brokers registered in ZooKeeper at " + connect;
        int slash = connect.indexOf('/');
        String hosts = slash < 0 ? connect : connect.substring(0, slash);
        Bootstrap zkServers;
        try {
            zkServers = Bootstrap.parse(hosts, "--zookeeper");
        } catch (CommandException e) {
            throw new CommandException("invalid value for --zookeeper: '" + connect + "' (expected host:port[,host:port...][/chroot])");
        }
        Reachability.requireAny("ZooKeeper server", zkServers.servers(), "--zookeeper", timeoutMs);
        try (CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(connect)
            .sessionTimeoutMs(Math.max(timeoutMs, 6000)).connectionTimeoutMs(timeoutMs)
            .retryPolicy(new RetryOneTime(200)).build()) {
            zk.start();
            if (!zk.blockUntilConnected(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw new CommandException("cannot connect to ZooKeeper at " + connect + " within " + timeoutMs + " ms");
            }
            List<String> ids;
            try {
                ids = zk.getChildren().forPath(ZkPaths.BROKER_IDS);
            } catch (KeeperException.NoNodeException e) {
                throw new CommandException("no Gregor or Kafka cluster in ZooKeeper at " + connect + " (" + ZkPaths.BROKER_IDS + " does not exist)");
            }
            List<Registered> brokers = new ArrayList<>();
            for (String id : ids) {
                try {
                    Endpoint endpoint = endpoint(zk.getData().forPath(ZkPaths.BROKER_IDS + "/" + id));
                    if (endpoint != null) {
                        brokers.add(new Registered(Integer.parseInt(id), endpoint));
                    }
                } catch (KeeperException.NoNodeException | NumberFormatException e) {
                    // The broker went away while we looked, or the node is not a broker: skip it.
                }
            }
            if (brokers.isEmpty()) {
                throw new CommandException("no brokers are registered in ZooKeeper at " + connect + " (is a broker running?)");
            }
            brokers.sort(Comparator.comparingInt(Registered::id));
            List<String> servers = new ArrayList<>();
            for (Registered broker : brokers) {
                servers.add(broker.endpoint().host() + ":" + broker.endpoint().port());
            }
            return Bootstrap.parse(String.join(",", servers), source);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted");
        } catch (CommandException e) {
            throw e;
        } catch (Exception e) {
            throw new CommandException("cannot read the brokers from ZooKeeper at " + connect + ": " + e.getMessage(), e);
        }
    }

    private record Registered(int id, Endpoint endpoint) {
    }

    /** The PLAINTEXT endpoint of a registration, else its first one; null when it has none. */
    private static Endpoint endpoint(byte[] registration) throws IOException {
        Map<String, Object> json = JSON.std.mapFrom(registration);
        if (!(json.get("endpoints") instanceof List<?> uris) || uris.isEmpty()) {
            return null;
        }
        Endpoint first = null;
        for (Object uri : uris) {
            Endpoint endpoint = Endpoint.parse(String.valueOf(uri));
            String host = endpoint.host().isEmpty() ? "localhost" : endpoint.host();
            endpoint = new Endpoint(endpoint.listenerName(), host, endpoint.port());
            if (endpoint.listenerName().equals(PREFERRED_LISTENER)) {
                return endpoint;
            }
            if (first == null) {
                first = endpoint;
            }
        }
        return first;
    }
}
