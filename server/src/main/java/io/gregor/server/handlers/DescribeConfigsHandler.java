package io.gregor.server.handlers;

import io.gregor.metadata.MetadataView;
import io.gregor.metadata.TopicImage;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.admin.ConfigDescriber;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeConfigs for topics and for this broker, with sources, synonyms, types and
 * documentation as Kafka reports them.
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequestData> {
    private final MetadataView cache;
    private final ConfigDescriber describer;
    private final int brokerId;

    public DescribeConfigsHandler(MetadataView cache, ConfigDescriber describer, int brokerId) {
        this.cache = cache;
        this.describer = describer;
        this.brokerId = brokerId;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.DESCRIBE_CONFIGS, 1, 4);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeConfigsRequestData request) {
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsRequestData.DescribeConfigsResource resource : request.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                .setResourceName(resource.resourceName());
            response.results().add(result);
            ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            List<ConfigDescriber.Described> described;
            if (type == ConfigResource.Type.TOPIC) {
                TopicImage topic = cache.image().topic(resource.resourceName());
                if (topic == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                        .setErrorMessage("Topic '" + resource.resourceName() + "' does not exist.");
                    continue;
                }
                described = describer.withImage(cache.image()).describeTopic(topic, cache.image().brokerConfigs());
            } else if (type == ConfigResource.Type.BROKER) {
                if (!resource.resourceName().isEmpty() && !resource.resourceName().equals(Integer.toString(brokerId))) {
                    result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Broker configs of broker " + resource.resourceName() + " must be asked from that broker (this is " + brokerId + ")");
                    continue;
                }
                described = describer.withImage(cache.image()).describeBroker();
            } else {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Gregor does not describe configs of resource type " + type);
                continue;
            }
            for (ConfigDescriber.Described d : described) {
                if (resource.configurationKeys() != null && !resource.configurationKeys().contains(d.name())) {
                    continue;
                }
                DescribeConfigsResourceResult entry = new DescribeConfigsResourceResult()
                    .setName(d.name()).setValue(d.value()).setReadOnly(d.readOnly()).setConfigSource(d.source().id())
                    .setIsSensitive(d.sensitive()).setConfigType(d.type().id())
                    .setDocumentation(request.includeDocumentation() ? d.documentation() : null);
                if (request.includeSynonyms()) {
                    List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
                    for (ConfigDescriber.Synonym s : d.synonyms()) {
                        synonyms.add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value()).setSource(s.source().id()));
                    }
                    entry.setSynonyms(synonyms);
                }
                result.configs().add(entry);
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
