package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * EndTxn: commits or aborts the producer's transaction. Answered once the decision (PREPARE_COMMIT or
 * PREPARE_ABORT) is durable; the markers follow. v5+ is transactions version 2: the epoch is bumped at every
 * EndTxn and the response carries the producer id and epoch for the next transaction.
 */
public final class EndTxnHandler implements ApiHandler<EndTxnRequestData, EndTxnResponseData> {
    private final TransactionCoordinator transactions;

    public EndTxnHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<EndTxnResponseData> handle(RequestContext context, EndTxnRequestData request) {
        if (!context.may(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId())) {
            throw new TransactionalIdAuthorizationException("Not authorized to use transactional id "
                    + request.transactionalId());
        }
        int clientTransactionVersion = context.apiVersion() >= 5 ? 2 : 0;
        return transactions.endTransaction(request.transactionalId(), request.producerId(), request.producerEpoch(),
                request.committed(), clientTransactionVersion).thenApply(r -> {
                    Errors error = r.error();
                    if (error == Errors.PRODUCER_FENCED && context.apiVersion() < 2) {
                        error = Errors.INVALID_PRODUCER_EPOCH;
                    }
                    return new EndTxnResponseData().setErrorCode(error.code()).setProducerId(r.producerId())
                            .setProducerEpoch(r.producerEpoch());
                });
    }
}
