package io.gregor.server.handlers;

import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.server.admin.ConfigAdmin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT (the last two for list configs). */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequestData> {
    private final ConfigAdmin admin;

    public IncrementalAlterConfigsHandler(ConfigAdmin admin) {
        this.admin = admin;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, IncrementalAlterConfigsRequestData request) {
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource resource : request.resources()) {
            IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse result =
                new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            List<ConfigAdmin.Change> changes = new ArrayList<>();
            boolean badOp = false;
            for (IncrementalAlterConfigsRequestData.AlterableConfig c : resource.configs()) {
                int op = c.configOperation();
                if (op < 0 || op >= ConfigAdmin.Op.values().length) {
                    badOp = true;
                    break;
                }
                changes.add(new ConfigAdmin.Change(c.name(), ConfigAdmin.Op.values()[op], c.value()));
            }
            if (badOp) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Unknown config operation");
                continue;
            }
            pending.add(AlterConfigsSupport.alter(admin, resource.resourceType(), resource.resourceName(), changes, true,
                request.validateOnly()).handle((v, e) -> {
                    result.setErrorCode(AlterConfigsSupport.errorCode(e)).setErrorMessage(AlterConfigsSupport.errorMessage(e));
                    return null;
                }));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }
}
