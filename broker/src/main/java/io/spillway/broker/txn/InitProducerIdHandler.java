package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId: an idempotent producer gets a producer id never used before at epoch 0; a transactional
 * producer gets its transactional id's producer id and next epoch from the transaction coordinator (which
 * fences older instances and aborts their ongoing transaction first). v3+ lets a producer name the id and epoch
 * it had, to recover from an abortable error without a new id (KIP-360).
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequestData, InitProducerIdResponseData> {
    private final TransactionCoordinator transactions;

    public InitProducerIdHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<InitProducerIdResponseData> handle(RequestContext context, InitProducerIdRequestData request) {
        return transactions.initProducerId(request.transactionalId(), request.transactionTimeoutMs(),
                        request.enable2Pc(), request.keepPreparedTxn(), request.producerId(), request.producerEpoch())
                .thenApply(r -> {
                    Errors error = r.error();
                    if (error == Errors.PRODUCER_FENCED && context.apiVersion() < 4) {
                        error = Errors.INVALID_PRODUCER_EPOCH; // PRODUCER_FENCED exists from v4
                    }
                    return new InitProducerIdResponseData().setErrorCode(error.code()).setProducerId(r.producerId())
                            .setProducerEpoch(r.producerEpoch());
                });
    }
}
