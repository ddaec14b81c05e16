package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId for idempotent producers: a producer id never used before (persisted in blocks,
 * so not reused after a restart) at epoch 0. Transactional ids need the transaction coordinator,
 * which does not exist yet; they are refused with a clear error instead of half-working.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequestData, InitProducerIdResponseData> {
    private final MetadataStore meta;

    public InitProducerIdHandler(MetadataStore meta) {
        this.meta = meta;
    }

    @Override
    public CompletableFuture<InitProducerIdResponseData> handle(RequestContext context, InitProducerIdRequestData request) {
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponseData()
                    .setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
                    .setProducerId(-1).setProducerEpoch((short) -1));
        }
        return CompletableFuture.completedFuture(new InitProducerIdResponseData()
                .setProducerId(meta.allocateProducerId())
                .setProducerEpoch((short) 0));
    }
}
