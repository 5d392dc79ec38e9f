package io.gregor.server.handlers;

import static io.gregor.server.InMemoryBroker.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.server.InMemoryBroker;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AlterConfigs (replace all) and IncrementalAlterConfigs (SET, DELETE, APPEND, SUBTRACT), for topics and brokers. */
class AlterConfigsHandlersTest {
    private static final byte SET = 0;
    private static final byte DELETE = 1;
    private static final byte APPEND = 2;
    private static final byte SUBTRACT = 3;

    private InMemoryBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = InMemoryBroker.start(2);
        broker.createTopic("orders", Map.of(0, List.of(0)));
        broker.metadata.setTopicConfig("orders", Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void shouldReplaceAllOverridesOfATopicWithTheLegacyApi() throws Exception {
        AlterConfigsRequestData request = new AlterConfigsRequestData();
        AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
            .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("orders");
        resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("segment.bytes").setValue("1048576"));
        request.resources().add(resource);

        AlterConfigsResponseData response = answer(new AlterConfigsHandler(broker.configAdmin).handle(broker.latest(ApiKeys.ALTER_CONFIGS),
            request), AlterConfigsResponseData.class);

        assertThat(response.responses().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.topic("orders").configs()).containsExactly(Map.entry("segment.bytes", "1048576"));
    }

    @Test
    void shouldSetAndDeleteTopicConfigsKeepingTheOthers() throws Exception {
        AlterConfigsResourceResponse result = alter(topic("orders", op("retention.ms", SET, "2000"), op("cleanup.policy", DELETE, null)));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.topic("orders").configs()).containsExactly(Map.entry("retention.ms", "2000"));
    }

    @Test
    void shouldAppendToAndSubtractFromListConfigsStartingFromTheirEffectiveValue() throws Exception {
        broker.metadata.setTopicConfig("orders", Map.of());
        alter(topic("orders", op("cleanup.policy", APPEND, "compact")));
        assertThat(broker.topic("orders").configs()).containsEntry("cleanup.policy", "delete,compact");

        alter(topic("orders", op("cleanup.policy", SUBTRACT, "delete")));
        assertThat(broker.topic("orders").configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void shouldRefuseToAppendToAConfigThatIsNotAList() throws Exception {
        AlterConfigsResourceResponse result = alter(topic("orders", op("retention.ms", APPEND, "5")));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(result.errorMessage()).isEqualTo("Config value append is not allowed for config key: retention.ms");
        assertThat(broker.topic("orders").configs()).containsEntry("retention.ms", "1000");
    }

    @Test
    void shouldRefuseInvalidValuesUnknownNamesDuplicatesAndUnknownTopics() throws Exception {
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData();
        request.resources().add(topic("orders", op("retention.ms", SET, "soon")));
        request.resources().add(topic("nope", op("retention.ms", SET, "1")));

        IncrementalAlterConfigsResponseData response = alter(request);
        AlterConfigsResourceResponse unknown = alter(topic("orders", op("no.such.config", SET, "1")));
        AlterConfigsResourceResponse duplicate = alter(topic("orders", op("retention.ms", SET, "1"), op("retention.ms", DELETE, null)));

        assertThat(response.responses().get(0).errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(response.responses().get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(unknown.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(duplicate.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(broker.topic("orders").configs()).containsEntry("retention.ms", "1000");
    }

    @Test
    void shouldRefuseAnUnknownOperation() throws Exception {
        AlterConfigsResourceResponse result = alter(topic("orders", op("retention.ms", (byte) 9, "1")));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void shouldOnlyValidateWhenAskedTo() throws Exception {
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData().setValidateOnly(true);
        request.resources().add(topic("orders", op("retention.ms", SET, "2000")));

        assertThat(alter(request).responses().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(broker.topic("orders").configs()).containsEntry("retention.ms", "1000");
    }

    @Test
    void shouldChangeDynamicConfigsOfThisBrokerAndOfTheClusterDefault() throws Exception {
        AlterConfigsResourceResponse own = alter(brokerResource("0", op("log.retention.ms", SET, "7000")));
        AlterConfigsResourceResponse cluster = alter(brokerResource("", op("message.max.bytes", SET, "2000")));
        AlterConfigsResourceResponse other = alter(brokerResource("1", op("log.retention.ms", SET, "1")));

        assertThat(List.of(own, cluster, other)).allSatisfy(r -> assertThat(r.errorCode()).isEqualTo(Errors.NONE.code()));
        assertThat(broker.image().brokerConfigs()).containsOnly(Map.entry("log.retention.ms", "7000"), Map.entry("message.max.bytes", "2000"));
        assertThat(broker.image().defaultBrokerConfigs()).containsOnly(Map.entry("message.max.bytes", "2000"));

        alter(brokerResource("0", op("log.retention.ms", DELETE, null)));
        assertThat(broker.image().brokerConfigs()).containsOnly(Map.entry("message.max.bytes", "2000"));
    }

    @Test
    void shouldRefuseReadOnlyUnknownAndInvalidBrokerConfigsAndInvalidBrokerIds() throws Exception {
        AlterConfigsResourceResponse readOnly = alter(brokerResource("0", op("num.network.threads", SET, "8")));
        AlterConfigsResourceResponse unknown = alter(brokerResource("0", op("no.such.config", SET, "1")));
        AlterConfigsResourceResponse invalid = alter(brokerResource("0", op("log.retention.ms", SET, "soon")));
        AlterConfigsResourceResponse badId = alter(brokerResource("zero", op("log.retention.ms", SET, "1")));

        assertThat(readOnly.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(readOnly.errorMessage()).contains("read-only");
        assertThat(unknown.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(invalid.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(badId.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(broker.image().brokerConfigs()).isEmpty();
    }

    @Test
    void shouldRefuseResourceTypesOtherThanTopicsAndBrokers() throws Exception {
        AlterConfigsResource logger = new AlterConfigsResource().setResourceType(ConfigResource.Type.BROKER_LOGGER.id()).setResourceName("0");
        logger.configs().add(op("root", SET, "DEBUG"));

        assertThat(alter(logger).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(broker.image().brokerConfigs()).isEmpty();
        assertThat(broker.image().defaultBrokerConfigs()).isEmpty();
        assertThat(broker.metadata.image().topic("orders").configs()).hasSize(2);
    }

    private AlterConfigsResourceResponse alter(AlterConfigsResource resource) throws Exception {
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData();
        request.resources().add(resource);
        return alter(request).responses().get(0);
    }

    private IncrementalAlterConfigsResponseData alter(IncrementalAlterConfigsRequestData request) throws Exception {
        return answer(new IncrementalAlterConfigsHandler(broker.configAdmin).handle(broker.latest(ApiKeys.INCREMENTAL_ALTER_CONFIGS), request),
            IncrementalAlterConfigsResponseData.class);
    }

    private static AlterConfigsResource topic(String name, AlterableConfig... configs) {
        return resource(ConfigResource.Type.TOPIC, name, configs);
    }

    private static AlterConfigsResource brokerResource(String name, AlterableConfig... configs) {
        return resource(ConfigResource.Type.BROKER, name, configs);
    }

    private static AlterConfigsResource resource(ConfigResource.Type type, String name, AlterableConfig... configs) {
        AlterConfigsResource resource = new AlterConfigsResource().setResourceType(type.id()).setResourceName(name);
        for (AlterableConfig c : configs) {
            resource.configs().add(c);
        }
        return resource;
    }

    private static AlterableConfig op(String name, byte operation, String value) {
        return new AlterableConfig().setName(name).setConfigOperation(operation).setValue(value);
    }
}
