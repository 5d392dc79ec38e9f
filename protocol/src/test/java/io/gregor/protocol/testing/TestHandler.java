package io.gregor.protocol.testing;

import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A handler for tests: declares the versions it is given and answers with a function of the
 * request. Remembers the contexts it saw. Event-loop confined, like real handlers.
 */
public final class TestHandler<Q extends ApiMessage> implements ApiHandler<Q> {
    private final ApiKeys key;
    private final short min;
    private final short max;
    private final BiFunction<RequestContext, Q, CompletableFuture<ApiMessage>> answer;
    private final List<RequestContext> contexts = new ArrayList<>();

    public TestHandler(ApiKeys key, int min, int max, BiFunction<RequestContext, Q, CompletableFuture<ApiMessage>> answer) {
        this.key = key;
        this.min = (short) min;
        this.max = (short) max;
        this.answer = answer;
    }

    public List<RequestContext> contexts() {
        return contexts;
    }

    @Override
    public ApiVersionRange versions() {
        return new ApiVersionRange(key, min, max);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, Q request) {
        contexts.add(context);
        return answer.apply(context, request);
    }
}
