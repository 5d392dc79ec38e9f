package io.gregor.metadata.store;

import io.gregor.metadata.EmbeddedZooKeeper;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.store.memory.InMemoryMetadata;
import io.gregor.metadata.store.zk.MetadataCache;
import io.gregor.metadata.store.zk.ZkBrokerRegistry;
import io.gregor.metadata.store.zk.ZkClusterIdStore;
import io.gregor.metadata.store.zk.ZkConfigStore;
import io.gregor.metadata.store.zk.ZkConnection;
import io.gregor.metadata.store.zk.ZkControllerElection;
import io.gregor.metadata.store.zk.ZkControllerStore;
import io.gregor.metadata.store.zk.ZkLogEndsStore;
import io.gregor.metadata.store.zk.ZkProducerIdBlocks;
import io.gregor.metadata.store.zk.ZkTopicStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One implementation of every store and of the view (broker 0's), for the scenarios of
 * {@link MetadataStoreContractTest}: Curator on an embedded ZooKeeper, or the in-memory model.
 */
abstract class MetadataBackend implements AutoCloseable {

    enum Kind {
        ZOOKEEPER, MEMORY;

        MetadataBackend start(Path dir) throws Exception {
            return this == ZOOKEEPER ? new ZooKeeper(dir) : new Memory();
        }
    }

    /** What one broker's session owns: its registration, its controller record and its election entry. */
    interface Session {
        BrokerRegistry brokers();

        ControllerStore controller();

        ControllerElection election(int brokerId);

        /** Ends the session, as when its broker dies. */
        void end();
    }

    abstract BrokerRegistry brokers();

    abstract TopicStore topics();

    abstract ConfigStore configs();

    abstract ControllerStore controller();

    abstract ClusterIdStore clusterIds();

    abstract ProducerIdBlocks producerIds();

    /** A store as a broker starting now gets it: knowing only what is in ZooKeeper. */
    abstract LogEndsStore logEnds();

    abstract MetadataView view();

    /** The session of broker {@code brokerId} (created on first use). */
    abstract Session session(int brokerId) throws Exception;

    @Override
    public abstract void close();

    private static final class ZooKeeper extends MetadataBackend {
        private final EmbeddedZooKeeper server;
        private final ZkConnection connection;
        private final MetadataCache cache;
        private final Map<Integer, ZkConnection> sessions = new HashMap<>();

        ZooKeeper(Path dir) throws Exception {
            server = EmbeddedZooKeeper.start(dir.toFile(), "127.0.0.1", 0);
            connection = ZkConnection.connect(server.connectString(), 10_000, 10_000);
            connection.ensurePaths();
            cache = new MetadataCache(connection.curator(), 0);
            cache.start().get(10, TimeUnit.SECONDS);
        }

        @Override
        BrokerRegistry brokers() {
            return new ZkBrokerRegistry(connection.curator());
        }

        @Override
        TopicStore topics() {
            return new ZkTopicStore(connection.curator());
        }

        @Override
        ConfigStore configs() {
            return new ZkConfigStore(connection.curator());
        }

        @Override
        ControllerStore controller() {
            return new ZkControllerStore(connection.curator());
        }

        @Override
        ClusterIdStore clusterIds() {
            return new ZkClusterIdStore(connection.curator());
        }

        @Override
        ProducerIdBlocks producerIds() {
            return new ZkProducerIdBlocks(connection.curator());
        }

        @Override
        LogEndsStore logEnds() {
            return new ZkLogEndsStore(connection.curator());
        }

        @Override
        MetadataView view() {
            return cache;
        }

        @Override
        Session session(int brokerId) throws Exception {
            ZkConnection session = sessions.get(brokerId);
            if (session == null) {
                session = ZkConnection.connect(server.connectString(), 10_000, 10_000);
                sessions.put(brokerId, session);
            }
            ZkConnection owner = session;
            return new Session() {
                @Override
                public BrokerRegistry brokers() {
                    return new ZkBrokerRegistry(owner.curator());
                }

                @Override
                public ControllerStore controller() {
                    return new ZkControllerStore(owner.curator());
                }

                @Override
                public ControllerElection election(int candidate) {
                    return new ZkControllerElection(owner.curator(), candidate);
                }

                @Override
                public void end() {
                    sessions.remove(brokerId);
                    owner.close();
                }
            };
        }

        @Override
        public void close() {
            sessions.values().forEach(ZkConnection::close);
            cache.close();
            connection.close();
            server.close();
        }
    }

    private static final class Memory extends MetadataBackend {
        private final InMemoryMetadata metadata = new InMemoryMetadata(0);

        @Override
        BrokerRegistry brokers() {
            return metadata;
        }

        @Override
        TopicStore topics() {
            return metadata;
        }

        @Override
        ConfigStore configs() {
            return metadata;
        }

        @Override
        ControllerStore controller() {
            return metadata;
        }

        @Override
        ClusterIdStore clusterIds() {
            return metadata;
        }

        @Override
        ProducerIdBlocks producerIds() {
            return metadata;
        }

        @Override
        LogEndsStore logEnds() {
            return metadata;
        }

        @Override
        MetadataView view() {
            return metadata;
        }

        @Override
        Session session(int brokerId) {
            return new Session() {
                @Override
                public BrokerRegistry brokers() {
                    return metadata;
                }

                @Override
                public ControllerStore controller() {
                    return metadata;
                }

                @Override
                public ControllerElection election(int candidate) {
                    return metadata.controllerElection(candidate);
                }

                @Override
                public void end() {
                    metadata.expireSession(brokerId);
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
