package io.gregor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Configs that are out of range or contradict each other stop the broker before it starts, with
 * one message naming the key and its value (bin/gregor start prints it as its one error line).
 */
class BrokerConfigValidationTest {

    private static BrokerConfig config(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return BrokerConfig.from(props);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "replica.lag.time.max.ms|-1",
        "replica.lag.time.max.ms|0",
        "replica.fetch.wait.max.ms|-5",
        "group.min.session.timeout.ms|-1",
        "group.initial.rebalance.delay.ms|-3000",
        "offset.metadata.max.bytes|-1",
    })
    void shouldRefuseAValueOutOfRangeNamingTheKeyAndValue(String key, String value) {
        assertThatThrownBy(() -> config(key, value))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(key).hasMessageContaining(value)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldRefuseAMinimumSessionTimeoutAboveTheMaximum() {
        assertThatThrownBy(() -> config("group.min.session.timeout.ms", "60000", "group.max.session.timeout.ms", "30000"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("Invalid value 60000 for configuration group.min.session.timeout.ms: must not be above "
                + "group.max.session.timeout.ms (30000): the smallest session timeout a member may ask for cannot be above the largest");
    }

    @Test
    void shouldRefuseAFollowerLongPollLongerThanTheLagTimeOrTheSocketTimeout() {
        assertThatThrownBy(() -> config("replica.lag.time.max.ms", "400"))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("Invalid value 500 for configuration replica.fetch.wait.max.ms: must not be above replica.lag.time.max.ms (400)");
        assertThatThrownBy(() -> config("replica.fetch.wait.max.ms", "5000", "replica.socket.timeout.ms", "3000"))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("Invalid value 5000 for configuration replica.fetch.wait.max.ms: must not be above replica.socket.timeout.ms");
    }

    @Test
    void shouldRefuseTwoListenersOfOneName() {
        assertThatThrownBy(() -> config("listeners", "PLAINTEXT://:9092,PLAINTEXT://:9093"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("listeners").hasMessageContaining("PLAINTEXT://:9092,PLAINTEXT://:9093")
            .hasMessageContaining("each listener must have a different name, but PLAINTEXT is given twice");
        assertThatThrownBy(() -> config("advertised.listeners", "PLAINTEXT://a:9092,PLAINTEXT://b:9092"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("advertised.listeners").hasMessageContaining("PLAINTEXT is given twice");
    }

    @Test
    void shouldRefuseALogDirectoryListedTwice() {
        assertThatThrownBy(() -> config("log.dirs", "/tmp/gregor-a,/tmp/gregor-b,/tmp/gregor-a"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("log.dirs").hasMessageContaining("listed twice");
    }

    @Test
    void shouldRefuseLessThanOneMebibyteOfDedupeBufferPerCleanerThread() {
        assertThatThrownBy(() -> config("log.cleaner.threads", "4", "log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024)))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("log.cleaner.dedupe.buffer.size").hasMessageContaining("1 MiB per cleaner thread");
    }

    @Test
    void shouldAcceptMinInsyncReplicasAboveTheDefaultReplicationFactorAsKafkaDoes() {
        BrokerConfig config = config("min.insync.replicas", "3", "default.replication.factor", "1");

        assertThat(config.intValue("min.insync.replicas")).isEqualTo(3);
    }

    @Test
    void shouldAcceptTheDefaults() {
        assertThat(BrokerConfig.defaults().longValue(BrokerConfig.REPLICA_LAG_TIME_MAX_MS)).isEqualTo(30_000L);
    }
}
