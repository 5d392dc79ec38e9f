package io.gregor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The failure detector's settings: Gregor's defaults, and the range check between them. */
class BrokerHeartbeatConfigTest {

    @Test
    void shouldDefaultToHeartbeatsEveryHalfSecondAndASessionOfTwoAndAHalfSeconds() {
        BrokerConfig config = BrokerConfig.from(Map.of());

        assertThat(config.intValue(BrokerConfig.BROKER_HEARTBEAT_INTERVAL_MS)).isEqualTo(500);
        assertThat(config.intValue(BrokerConfig.BROKER_SESSION_TIMEOUT_MS)).isEqualTo(2_500);
    }

    @Test
    void shouldRefuseASessionTimeoutNotLongerThanTheHeartbeatInterval() {
        assertThatThrownBy(() -> BrokerConfig.from(Map.of(BrokerConfig.BROKER_HEARTBEAT_INTERVAL_MS, "2000",
            BrokerConfig.BROKER_SESSION_TIMEOUT_MS, "2000")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("broker.session.timeout.ms").hasMessageContaining("broker.heartbeat.interval.ms");
    }

    @Test
    void shouldRefuseANonPositiveHeartbeatInterval() {
        assertThatThrownBy(() -> BrokerConfig.from(Map.of(BrokerConfig.BROKER_HEARTBEAT_INTERVAL_MS, "0")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("broker.heartbeat.interval.ms");
    }
}
