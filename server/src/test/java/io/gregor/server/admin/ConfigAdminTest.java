package io.gregor.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.store.ConfigStore;
import io.gregor.server.BrokerConfig;
import io.gregor.server.InMemoryBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class ConfigAdminTest {
    @AutoClose
    private final InMemoryBroker broker = InMemoryBroker.of(2);
    private final ConfigAdmin admin = broker.configAdmin;

    @Test
    void shouldAllowOnlyTheBrokerDefaultsOfTopicConfigsAndThrottlesToChangeAtRuntime() {
        assertThat(ConfigAdmin.dynamicBrokerKeys()).contains("log.retention.ms", "log.retention.hours", "message.max.bytes",
            BrokerConfig.LEADER_REPLICATION_THROTTLED_RATE, BrokerConfig.LOG_CLEANER_IO_MAX_BYTES_PER_SECOND)
            .doesNotContain(BrokerConfig.BROKER_ID, BrokerConfig.LISTENERS, BrokerConfig.NUM_NETWORK_THREADS);
    }

    @Test
    void shouldRefuseToAlterAnUnknownTopicOrSetANullValue() throws Exception {
        broker.createTopic("orders", Map.of(0, List.of(0)));

        assertThatThrownBy(() -> admin.alterTopic("nope", List.of(set("retention.ms", "1")), true, false).get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> admin.alterTopic("orders", List.of(set("retention.ms", null)), true, false).get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("Null value not supported");
    }

    @Test
    void shouldWriteAnotherBrokersConfigsWithoutWaitingToSeeThem() throws Exception {
        admin.alterBroker("1", List.of(set("log.retention.ms", "5")), true, false).get(10, TimeUnit.SECONDS);

        assertThat(broker.image().brokerConfigs()).as("broker 0's view holds its own and the default layer only").isEmpty();
    }

    @Test
    void shouldSeparateThisBrokersOwnLayerFromTheClusterDefault() throws Exception {
        broker.metadata.setBrokerConfig(ConfigStore.DEFAULT_BROKER_ENTITY, Map.of("log.retention.ms", "5", "message.max.bytes", "100"));
        broker.metadata.setBrokerConfig("0", Map.of("log.retention.ms", "7"));

        MetadataImage image = broker.image();

        assertThat(ConfigAdmin.perBrokerLayer(image)).containsOnly(Map.entry("log.retention.ms", "7"));
    }

    @Test
    void shouldApplyIncrementalChangesToThisBrokersOwnLayerOnly() throws Exception {
        broker.metadata.setBrokerConfig(ConfigStore.DEFAULT_BROKER_ENTITY, Map.of("message.max.bytes", "100"));

        admin.alterBroker("0", List.of(set("log.retention.ms", "7")), true, false).get(10, TimeUnit.SECONDS);

        assertThat(broker.image().brokerConfigs()).containsOnly(Map.entry("log.retention.ms", "7"), Map.entry("message.max.bytes", "100"));
        assertThat(broker.image().defaultBrokerConfigs()).containsOnly(Map.entry("message.max.bytes", "100"));
    }

    private static ConfigAdmin.Change set(String name, String value) {
        return new ConfigAdmin.Change(name, ConfigAdmin.Op.SET, value);
    }
}
