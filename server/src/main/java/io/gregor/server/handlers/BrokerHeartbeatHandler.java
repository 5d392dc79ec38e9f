package io.gregor.server.handlers;

import io.gregor.metadata.Controller;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * BrokerHeartbeat (Kafka's KRaft broker-to-controller API), answered by the active controller
 * only: a broker that is not the controller answers NOT_CONTROLLER, and the sender looks the
 * controller up again. Registered unadvertised: Kafka's brokers do not list it in ApiVersions
 * either (it is served on controller listeners).
 *
 * <p>The connection a broker heartbeats on is watched: when it closes, the controller probes
 * the broker's endpoint at once ({@link Controller#connectionClosed}), which is how a killed
 * broker is fenced within milliseconds. {@code WantFence} and {@code WantShutDown} are not
 * used: Gregor's controlled shutdown deregisters from ZooKeeper instead.
 *
 * <p>Thread-safe; never blocks the event loop (the controller answers from its own thread).
 */
public final class BrokerHeartbeatHandler implements ApiHandler<BrokerHeartbeatRequestData> {
    private final Controller controller;
    /** Connections watched for closing, by connection id: the broker id that heartbeats on them. */
    private final Map<String, Integer> watched = new ConcurrentHashMap<>();

    public BrokerHeartbeatHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.BROKER_HEARTBEAT, 0, 2);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, BrokerHeartbeatRequestData request) {
        int broker = request.brokerId();
        return controller.heartbeat(broker, request.brokerEpoch()).thenApply(result -> {
            Errors error = switch (result) {
                case ACCEPTED -> Errors.NONE;
                case NOT_CONTROLLER -> Errors.NOT_CONTROLLER;
                case STALE_BROKER_EPOCH -> Errors.STALE_BROKER_EPOCH;
                case NOT_REGISTERED -> Errors.BROKER_ID_NOT_REGISTERED;
            };
            if (error == Errors.NONE && watched.putIfAbsent(context.connectionId(), broker) == null) {
                context.closeFuture().thenRun(() -> {
                    watched.remove(context.connectionId());
                    controller.connectionClosed(broker);
                });
            }
            return new BrokerHeartbeatResponseData()
                .setErrorCode(error.code())
                .setIsCaughtUp(error == Errors.NONE)
                .setIsFenced(error != Errors.NONE)
                .setShouldShutDown(false);
        });
    }
}
