package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.metadata.store.ConfigStore;
import io.gregor.server.InMemoryBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DescribeConfigsHandlerTest {
    private InMemoryBroker broker;
    private DescribeConfigsHandler handler;

    @BeforeEach
    void start() throws Exception {
        broker = InMemoryBroker.start(2, "log.retention.hours", "24");
        broker.createTopic("orders", Map.of(0, List.of(0)));
        handler = new DescribeConfigsHandler(broker.metadata, broker.describer, 0);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void shouldDescribeATopicOverrideWithItsSynonymsInPrecedenceOrder() throws Exception {
        broker.metadata.setTopicConfig("orders", Map.of("retention.ms", "1000"));
        broker.metadata.setBrokerConfig(ConfigStore.DEFAULT_BROKER_ENTITY, Map.of("log.retention.ms", "5000"));

        DescribeConfigsResourceResult retention = config(describe(topic("orders"), true), "retention.ms");

        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.configSource()).isEqualTo(ConfigSource.TOPIC_CONFIG.id());
        assertThat(retention.configType()).isEqualTo(ConfigType.LONG.id());
        assertThat(retention.readOnly()).isFalse();
        assertThat(retention.synonyms()).extracting(s -> s.name() + "=" + s.value() + "@" + ConfigSource.forId(s.source()))
            .containsExactly("retention.ms=1000@TOPIC_CONFIG", "log.retention.ms=5000@DYNAMIC_DEFAULT_BROKER_CONFIG",
                "log.retention.hours=24@STATIC_BROKER_CONFIG", "log.retention.hours=168@DEFAULT_CONFIG");
    }

    @Test
    void shouldDescribeATopicWithoutOverridesByTheBrokerConfigThatApplies() throws Exception {
        DescribeConfigsResult fromStatic = describe(topic("orders"), false);
        assertThat(config(fromStatic, "retention.ms").value()).isEqualTo(Long.toString(24 * 3_600_000L));
        assertThat(config(fromStatic, "retention.ms").configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id());
        assertThat(config(fromStatic, "retention.ms").synonyms()).as("not asked for").isEmpty();
        assertThat(config(fromStatic, "cleanup.policy").value()).isEqualTo("delete");
        assertThat(config(fromStatic, "cleanup.policy").configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id());

        broker.metadata.setBrokerConfig("0", Map.of("log.retention.ms", "7000"));
        DescribeConfigsResourceResult dynamic = config(describe(topic("orders"), false), "retention.ms");
        assertThat(dynamic.value()).isEqualTo("7000");
        assertThat(dynamic.configSource()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG.id());
    }

    @Test
    void shouldDescribeOnlyTheRequestedKeysWithDocumentationWhenAsked() throws Exception {
        DescribeConfigsRequestData request = new DescribeConfigsRequestData().setIncludeDocumentation(true)
            .setResources(List.of(topic("orders").setConfigurationKeys(List.of("segment.bytes", "min.insync.replicas"))));

        DescribeConfigsResult result = describe(request).results().get(0);

        assertThat(result.configs()).extracting(DescribeConfigsResourceResult::name)
            .containsExactlyInAnyOrder("segment.bytes", "min.insync.replicas");
        assertThat(result.configs()).allSatisfy(c -> assertThat(c.documentation()).isNotBlank());
    }

    @Test
    void shouldDescribeThisBrokersConfigsWithTheirSourcesAndWhichAreReadOnly() throws Exception {
        broker.metadata.setBrokerConfig(ConfigStore.DEFAULT_BROKER_ENTITY, Map.of("message.max.bytes", "2000", "log.retention.ms", "9"));
        broker.metadata.setBrokerConfig("0", Map.of("message.max.bytes", "3000"));

        for (String name : List.of("", "0")) {
            DescribeConfigsResult result = describe(brokerResource(name), true);
            assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
            DescribeConfigsResourceResult maxBytes = config(result, "message.max.bytes");
            assertThat(maxBytes.value()).isEqualTo("3000");
            assertThat(maxBytes.configSource()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG.id());
            assertThat(maxBytes.synonyms()).extracting(s -> ConfigSource.forId(s.source()))
                .containsExactly(ConfigSource.DYNAMIC_BROKER_CONFIG, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG);
            assertThat(config(result, "log.retention.ms").configSource()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id());
            assertThat(config(result, "log.retention.hours").value()).isEqualTo("24");
            assertThat(config(result, "log.retention.hours").configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id());
            assertThat(config(result, "broker.id").readOnly()).isTrue();
            assertThat(maxBytes.readOnly()).isFalse();
        }
    }

    @Test
    void shouldRefuseAnUnknownTopicAnotherBrokerAndOtherResourceTypes() throws Exception {
        List<DescribeConfigsResource> resources = new ArrayList<>();
        resources.add(topic("nope"));
        resources.add(brokerResource("1"));
        resources.add(new DescribeConfigsResource().setResourceType(ConfigResource.Type.BROKER_LOGGER.id()).setResourceName("0"));

        DescribeConfigsResponseData response = describe(new DescribeConfigsRequestData().setResources(resources));

        assertThat(response.results()).extracting(DescribeConfigsResult::errorCode).containsExactly(
            Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code());
        assertThat(response.results()).allSatisfy(r -> assertThat(r.configs()).isEmpty());
        assertThat(response.results().get(1).errorMessage()).contains("must be asked from that broker");
    }

    private DescribeConfigsResult describe(DescribeConfigsResource resource, boolean synonyms) throws Exception {
        return describe(new DescribeConfigsRequestData().setIncludeSynonyms(synonyms).setResources(List.of(resource))).results().get(0);
    }

    private DescribeConfigsResponseData describe(DescribeConfigsRequestData request) throws Exception {
        return answer(handler.handle(broker.latest(ApiKeys.DESCRIBE_CONFIGS), request), DescribeConfigsResponseData.class);
    }

    private static DescribeConfigsResourceResult config(DescribeConfigsResult result, String name) {
        return result.configs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name + " missing"));
    }

    private static DescribeConfigsResource topic(String name) {
        return new DescribeConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(name).setConfigurationKeys(null);
    }

    private static DescribeConfigsResource brokerResource(String name) {
        return new DescribeConfigsResource().setResourceType(ConfigResource.Type.BROKER.id()).setResourceName(name).setConfigurationKeys(null);
    }
}
