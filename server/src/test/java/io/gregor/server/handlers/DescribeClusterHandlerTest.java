package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.server.InMemoryBroker;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class DescribeClusterHandlerTest {
    private static final byte BROKERS = 1;
    private static final byte CONTROLLERS = 2;

    @AutoClose
    private final InMemoryBroker broker = InMemoryBroker.of(3);

    @Test
    void shouldDescribeTheClusterIdTheControllerAndTheLiveBrokers() throws Exception {
        broker.metadata.registerController(1, 0);
        broker.metadata.expireSession(2);

        DescribeClusterResponseData response = describe(new DescribeClusterRequestData().setEndpointType(BROKERS), 2);

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.clusterId()).isEqualTo(InMemoryBroker.CLUSTER_ID);
        assertThat(response.controllerId()).isEqualTo(1);
        assertThat(response.endpointType()).isEqualTo(BROKERS);
        assertThat(response.brokers()).extracting(DescribeClusterBroker::brokerId).containsExactlyInAnyOrder(0, 1);
        DescribeClusterBroker one = response.brokers().find(1);
        assertThat(one.host()).isEqualTo("broker1");
        assertThat(one.port()).isEqualTo(9093);
        assertThat(one.rack()).isEqualTo("rack1");
        assertThat(one.isFenced()).isFalse();
    }

    @Test
    void shouldReportNoControllerWhileNoneIsRegistered() throws Exception {
        assertThat(describe(new DescribeClusterRequestData(), 0).controllerId()).isEqualTo(-1);
    }

    @Test
    void shouldRefuseToDescribeControllerEndpoints() throws Exception {
        DescribeClusterResponseData response = describe(new DescribeClusterRequestData().setEndpointType(CONTROLLERS), 1);

        assertThat(response.errorCode()).isEqualTo(Errors.UNSUPPORTED_ENDPOINT_TYPE.code());
        assertThat(response.brokers()).isEmpty();
    }

    private DescribeClusterResponseData describe(DescribeClusterRequestData request, int version) throws Exception {
        return answer(new DescribeClusterHandler(broker.metadata).handle(broker.context(ApiKeys.DESCRIBE_CLUSTER, (short) version), request),
            DescribeClusterResponseData.class);
    }
}
