package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
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
        // As Kafka: a transactional producer needs WRITE on its transactional id; an idempotent one IDEMPOTENT_WRITE
        // on the cluster or WRITE on some topic.
        if (request.transactionalId() != null) {
            if (!context.may(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId())) {
                throw new TransactionalIdAuthorizationException("Not authorized to use transactional id "
                        + request.transactionalId());
            }
        } else if (!context.mayOnCluster(AclOperation.IDEMPOTENT_WRITE)
                && !context.authorizer().authorizeAny(context, AclOperation.WRITE, ResourceType.TOPIC)) {
            throw new ClusterAuthorizationException("Not authorized to produce idempotently: " + context.principal()
                    + " has neither IDEMPOTENT_WRITE on the cluster nor WRITE on any topic");
        }
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
