package io.gregor.server.handlers;

import io.gregor.metadata.ProducerIdManager;
import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * InitProducerId for idempotent producers: a cluster-unique producer id (blocks reserved in
 * ZooKeeper) at epoch 0. Transactional ids are not supported yet and get UNSUPPORTED_VERSION,
 * which the Java producer reports as a clear, fatal error instead of retrying.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequestData> {
    private final ProducerIdManager producerIds;
    private final Executor executor;

    public InitProducerIdHandler(ProducerIdManager producerIds, Executor executor) {
        this.producerIds = producerIds;
        this.executor = executor;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.INIT_PRODUCER_ID, 0, 5);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, InitProducerIdRequestData request) {
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setProducerId(-1).setProducerEpoch((short) -1));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new InitProducerIdResponseData().setProducerId(producerIds.nextProducerId()).setProducerEpoch((short) 0);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor).exceptionally(e -> new InitProducerIdResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
            .setProducerId(-1).setProducerEpoch((short) -1)).thenApply(r -> r);
    }
}
