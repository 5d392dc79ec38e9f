package io.gregor.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ApiVersions, answered from the registry. Versions the broker does not know are answered by
 * the connection handler with a v0 UNSUPPORTED_VERSION response (KIP-511), see
 * {@link #unsupportedVersionResponse}.
 */
final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData> {
    private static final Pattern SOFTWARE_NAME_OR_VERSION = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");

    private final ApiRegistry registry;

    ApiVersionsHandler(ApiRegistry registry) {
        this.registry = registry;
    }

    @Override
    public ApiVersionRange versions() {
        // v5 (KIP-1242) asks the broker to check the cluster id and node id the client expects
        // and to reject misrouted connections; this handler does not know either, so it stops at v4.
        return ApiVersionRange.of(ApiKeys.API_VERSIONS, 0, 4);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiVersionsRequestData request) {
        ApiVersionsResponseData response = new ApiVersionsResponseData();
        if (context.apiVersion() >= 3 && !(valid(request.clientSoftwareName()) && valid(request.clientSoftwareVersion()))) {
            response.setErrorCode(Errors.INVALID_REQUEST.code());
        } else {
            response.setApiKeys(registry.apiVersions());
        }
        return CompletableFuture.completedFuture(response);
    }

    private static boolean valid(String value) {
        return value != null && SOFTWARE_NAME_OR_VERSION.matcher(value).matches();
    }

    static ApiVersionsResponseData unsupportedVersionResponse(ApiRegistry registry) {
        return new ApiVersionsResponseData()
            .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
            .setApiKeys(registry.apiVersions());
    }
}
