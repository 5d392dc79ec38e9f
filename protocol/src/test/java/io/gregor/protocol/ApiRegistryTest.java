package io.gregor.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.protocol.testing.TestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class ApiRegistryTest {

    @Test
    void shouldRefuseAHandlerWhoseMaxVersionKafkaClientsCannotParse() {
        short beyond = (short) (ApiKeys.METADATA.latestVersion(true) + 1);

        assertThatThrownBy(() -> ApiRegistry.builder().register(handler(ApiKeys.METADATA, 0, beyond)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("METADATA").hasMessageContaining("outside what kafka-clients can parse");
    }

    @Test
    void shouldRefuseAHandlerWhoseMinVersionIsOlderThanKafkaClientsKnows() {
        // Kafka 4.0 removed Produce v0-v2 (KIP-896): kafka-clients cannot parse them any more.
        short removed = (short) (ApiKeys.PRODUCE.oldestVersion() - 1);

        assertThatThrownBy(() -> ApiRegistry.builder().register(handler(ApiKeys.PRODUCE, removed, 13)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("PRODUCE");
    }

    @Test
    void shouldRefuseAHandlerWhoseRangeIsEmpty() {
        assertThatThrownBy(() -> ApiRegistry.builder().register(handler(ApiKeys.METADATA, 5, 4)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseTwoHandlersForOneApi() {
        ApiRegistry.Builder builder = ApiRegistry.builder().register(handler(ApiKeys.METADATA, 0, 12));

        assertThatThrownBy(() -> builder.register(handler(ApiKeys.METADATA, 0, 13)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("Two handlers for METADATA");
    }

    @Test
    void shouldRefuseAnApiVersionsHandlerBecauseTheRegistryAnswersApiVersionsItself() {
        assertThatThrownBy(() -> ApiRegistry.builder().register(handler(ApiKeys.API_VERSIONS, 0, 3)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("API_VERSIONS");
    }

    @Test
    void shouldAdvertiseExactlyTheDeclaredRangesAndApiVersions() {
        ApiRegistry registry = ApiRegistry.builder()
            .register(handler(ApiKeys.METADATA, 1, 9))
            .register(handler(ApiKeys.DESCRIBE_CLUSTER, 0, 0))
            .build();

        assertThat(registry.apiVersions()).extracting(v -> ApiKeys.forId(v.apiKey()) + " " + v.minVersion() + ".." + v.maxVersion())
            .containsExactlyInAnyOrder("METADATA 1..9", "DESCRIBE_CLUSTER 0..0", "API_VERSIONS 0..4");
    }

    @Test
    void shouldFindAHandlerOnlyWithinItsRange() {
        TestHandler<?> metadata = handler(ApiKeys.METADATA, 1, 9);
        ApiRegistry registry = ApiRegistry.builder().register(metadata).build();

        assertThat(registry.handler(ApiKeys.METADATA, (short) 1)).isSameAs(metadata);
        assertThat(registry.handler(ApiKeys.METADATA, (short) 9)).isSameAs(metadata);
        assertThat(registry.handler(ApiKeys.METADATA, (short) 0)).isNull();
        assertThat(registry.handler(ApiKeys.METADATA, (short) 10)).isNull();
        assertThat(registry.handler(ApiKeys.FETCH, (short) 12)).isNull();
    }

    @Test
    void shouldHandOutCopiesOfTheAdvertisedVersions() {
        ApiRegistry registry = ApiRegistry.builder().register(handler(ApiKeys.METADATA, 1, 9)).build();

        registry.apiVersions().find(ApiKeys.METADATA.id).setMaxVersion((short) 13);

        ApiVersion metadata = registry.apiVersions().find(ApiKeys.METADATA.id);
        assertThat(metadata.maxVersion()).isEqualTo((short) 9);
    }

    @Test
    void shouldAdvertiseProduceFromVersion0ButHandOnlyVersion3OnToTheHandler() {
        // Given a Produce handler of v3-v13, the versions kafka-clients 4 can parse
        TestHandler<?> produce = handler(ApiKeys.PRODUCE, 3, 13);

        // When
        ApiRegistry registry = ApiRegistry.builder().register(produce).build();

        // Then ApiVersions says 0..13, as Kafka 4 does for librdkafka (KAFKA-18659), but v0-v2 reach no handler
        ApiVersion advertised = registry.apiVersions().find(ApiKeys.PRODUCE.id);
        assertThat(advertised.minVersion()).isZero();
        assertThat(advertised.maxVersion()).isEqualTo((short) 13);
        assertThat(registry.handler(ApiKeys.PRODUCE, (short) 2)).isNull();
        assertThat(registry.handler(ApiKeys.PRODUCE, (short) 0)).isNull();
        assertThat(registry.handler(ApiKeys.PRODUCE, (short) 3)).isSameAs(produce);
    }

    private static TestHandler<?> handler(ApiKeys key, int min, int max) {
        return new TestHandler<>(key, min, max, (context, request) -> CompletableFuture.completedFuture(null));
    }
}
