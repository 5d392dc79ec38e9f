package io.gregor.server.handlers;

import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.admin.ConfigAdmin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** AlterConfigs (the legacy API): replaces all overrides of a topic or the dynamic configs of a broker. */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequestData> {
    private final ConfigAdmin admin;

    public AlterConfigsHandler(ConfigAdmin admin) {
        this.admin = admin;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.ALTER_CONFIGS, 0, 2);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AlterConfigsRequestData request) {
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (AlterConfigsRequestData.AlterConfigsResource resource : request.resources()) {
            AlterConfigsResponseData.AlterConfigsResourceResponse result = new AlterConfigsResponseData.AlterConfigsResourceResponse()
                .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            List<ConfigAdmin.Change> changes = new ArrayList<>();
            resource.configs().forEach(c -> changes.add(new ConfigAdmin.Change(c.name(), ConfigAdmin.Op.SET, c.value())));
            pending.add(AlterConfigsSupport.alter(admin, resource.resourceType(), resource.resourceName(), changes, false,
                request.validateOnly()).handle((v, e) -> {
                    result.setErrorCode(AlterConfigsSupport.errorCode(e)).setErrorMessage(AlterConfigsSupport.errorMessage(e));
                    return null;
                }));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }
}
