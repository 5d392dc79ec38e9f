package io.gregor.server.liveness;

import io.gregor.common.Threads;
import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.store.ControllerStore;
import io.gregor.replication.BrokerClient;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's side of the failure detector: every {@code broker.heartbeat.interval.ms} it sends
 * a BrokerHeartbeat with its broker epoch (the creation zxid of its registration) to the active
 * controller named in {@code /controller}, over one connection it keeps open, so that the
 * controller sees that connection close the moment this process dies.
 *
 * <p>It also watches the controller: when the controller's endpoint refuses connections, its
 * process is gone, and waiting for its ZooKeeper session to expire would leave the cluster
 * without a controller (and the partitions it led without a leader) for the whole session
 * timeout. The sender then removes the dead controller's election entry
 * ({@link ControllerStore#resignDeadController}), and the next candidate takes over with a new
 * controller epoch that fences anything the old one might still write.
 *
 * <p>The broker that is itself the controller sends nothing (its controller does not track its
 * own broker). Runs on its own daemon thread, {@code gregor-heartbeat}; blocking there is fine.
 */
public final class BrokerHeartbeatSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerHeartbeatSender.class);

    private final int brokerId;
    private final MetadataView metadata;
    private final ControllerStore controllerStore;
    private final String listenerName;
    private final int intervalMs;
    private final int timeoutMs;
    private final Thread thread;
    private volatile boolean closed;
    // Heartbeat thread only.
    private BrokerClient client;
    private int clientController = -1;
    private Errors lastError = Errors.NONE;

    /**
     * @param listenerName the listener whose endpoint of the controller to connect to
     * @param timeoutMs    connect and answer timeout of one heartbeat
     */
    public BrokerHeartbeatSender(int brokerId, MetadataView metadata, ControllerStore controllerStore, String listenerName,
                                 int intervalMs, int timeoutMs) {
        this.brokerId = brokerId;
        this.metadata = metadata;
        this.controllerStore = controllerStore;
        this.listenerName = listenerName;
        this.intervalMs = intervalMs;
        this.timeoutMs = timeoutMs;
        this.thread = Threads.daemon("gregor-heartbeat", this::run);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (!closed) {
            long started = System.nanoTime();
            try {
                beat();
            } catch (RuntimeException e) {
                log.warn("Heartbeat failed: {}", e.toString());
            }
            long sleepMs = intervalMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (sleepMs > 0) {
                try {
                    Thread.sleep(sleepMs);
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        closeClient();
    }

    /** One heartbeat; a broken connection is tried again at once, since the controller may just have died. */
    private void beat() {
        MetadataImage image = metadata.image();
        int controller = image.controllerId();
        BrokerRegistration own = image.brokers().get(brokerId);
        BrokerRegistration target = controller < 0 ? null : image.brokers().get(controller);
        Endpoint endpoint = target == null ? null : target.endpoint(listenerName);
        if (controller == brokerId || own == null || endpoint == null) {
            closeClient();
            return;
        }
        if (client == null || clientController != controller || !client.address().equals(endpoint.host() + ":" + endpoint.port())) {
            closeClient();
            client = new BrokerClient(endpoint.host(), endpoint.port(), "gregor-heartbeat-" + brokerId, timeoutMs);
            clientController = controller;
        }
        BrokerHeartbeatRequestData request = new BrokerHeartbeatRequestData()
            .setBrokerId(brokerId)
            .setBrokerEpoch(own.epoch())
            .setCurrentMetadataOffset(image.version());
        for (int attempt = 0; attempt < 2 && !closed; attempt++) {
            try {
                BrokerHeartbeatResponseData response = client.send(ApiKeys.BROKER_HEARTBEAT, (short) 0, request);
                Errors error = Errors.forCode(response.errorCode());
                if (error != lastError) {
                    log.info("Heartbeat to controller {}: {}", controller, error);
                    lastError = error;
                }
                if (error == Errors.NOT_CONTROLLER) {
                    // /controller will name the new one; reconnect then.
                    closeClient();
                }
                return;
            } catch (ConnectException e) {
                closeClient();
                if (SocketProbe.isRefusal(e)) {
                    maybeResign(controller, e);
                }
                return;
            } catch (IOException broken) {
                // The connection broke (the controller may have died this instant): reconnect once now.
                log.debug("Heartbeat to controller {} failed: {}", controller, broken.toString());
                client.close();
            }
        }
    }

    private void maybeResign(int controller, ConnectException refused) {
        if (metadata.image().controllerId() != controller) {
            return;
        }
        try {
            if (controllerStore.resignDeadController(controller)) {
                log.warn("Controller {} refuses connections ({}): removed its election entry so that the next candidate takes over",
                    controller, refused.getMessage());
            }
        } catch (Exception e) {
            log.warn("Could not remove the election entry of the dead controller {}: {}", controller, e.toString());
        }
    }

    private void closeClient() {
        if (client != null) {
            client.close();
            client = null;
            clientController = -1;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
