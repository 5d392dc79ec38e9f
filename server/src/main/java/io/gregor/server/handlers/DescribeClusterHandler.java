package io.gregor.server.handlers;

import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.MetadataImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** DescribeCluster: cluster id, controller and live brokers. Controller endpoints (KRaft) are not applicable. */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequestData> {
    private static final byte ENDPOINT_TYPE_BROKERS = 1;

    private final MetadataView cache;

    public DescribeClusterHandler(MetadataView cache) {
        this.cache = cache;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.DESCRIBE_CLUSTER, 0, 2);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeClusterRequestData request) {
        MetadataImage image = cache.image();
        DescribeClusterResponseData response = new DescribeClusterResponseData()
            .setEndpointType(ENDPOINT_TYPE_BROKERS)
            .setClusterId(image.clusterId())
            .setControllerId(image.controllerId())
            .setClusterAuthorizedOperations(MetadataHandler.AUTHORIZED_OPERATIONS_OMITTED);
        if (context.apiVersion() >= 1 && request.endpointType() != ENDPOINT_TYPE_BROKERS) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                .setErrorMessage("Gregor brokers only describe broker endpoints"));
        }
        for (BrokerRegistration broker : image.brokers().values()) {
            Endpoint endpoint = broker.endpoint(context.listenerName());
            if (endpoint != null) {
                response.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker().setBrokerId(broker.id())
                    .setHost(endpoint.host()).setPort(endpoint.port()).setRack(broker.rack()).setIsFenced(false));
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
