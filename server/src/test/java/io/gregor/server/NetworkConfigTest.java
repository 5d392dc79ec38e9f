package io.gregor.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The network settings that bound what hostile or stalled peers can hold. */
class NetworkConfigTest {
    private static final long HEAP = 1L << 30;

    @Test
    void shouldBoundRequestMemoryToAQuarterOfTheHeapWhenUnset() {
        BrokerConfig config = BrokerConfig.defaults();

        assertThat(config.queuedMaxRequestBytes(HEAP)).isEqualTo(HEAP / 4);
        assertThat(config.ignoredKeysPresent()).isEmpty();
    }

    @Test
    void shouldTakeKafkasMinusOneAsUnbounded() {
        BrokerConfig config = BrokerConfig.from(Map.of("queued.max.request.bytes", "-1"));

        assertThat(config.queuedMaxRequestBytes(HEAP)).isEqualTo(-1);
        assertThat(config.unknownKeys()).isEmpty();
        assertThat(config.ignoredKeysPresent()).isEmpty();
    }

    @Test
    void shouldUseKafkasIdleTimeoutAndTheClientsRequestTimeoutByDefault() {
        BrokerConfig config = BrokerConfig.defaults();

        assertThat(config.longValue(BrokerConfig.CONNECTIONS_MAX_IDLE_MS)).isEqualTo(600_000);
        assertThat(config.longValue(BrokerConfig.SOCKET_REQUEST_RECEIVE_TIMEOUT_MS)).isEqualTo(30_000);
    }

    @Test
    void shouldAcceptQueuedMaxRequestsAsAKafkaKeyWithoutMeaningHere() {
        BrokerConfig config = BrokerConfig.from(Map.of("queued.max.requests", "500", "connections.max.idle.ms", "-1"));

        assertThat(config.ignoredKeysPresent()).containsExactly("queued.max.requests");
        assertThat(config.unknownKeys()).isEmpty();
        assertThat(config.longValue(BrokerConfig.CONNECTIONS_MAX_IDLE_MS)).isEqualTo(-1);
    }
}
