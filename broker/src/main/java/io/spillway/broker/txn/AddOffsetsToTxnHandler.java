package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * AddOffsetsToTxn (transactions version 1): the group coordinator's partition joins the producer's transaction,
 * so that its TxnOffsetCommit is committed or aborted with the transaction.
 */
public final class AddOffsetsToTxnHandler implements ApiHandler<AddOffsetsToTxnRequestData, AddOffsetsToTxnResponseData> {
    private final TransactionCoordinator transactions;
    private final TopicPartition groupPartition;

    public AddOffsetsToTxnHandler(TransactionCoordinator transactions, TopicPartition groupPartition) {
        this.transactions = transactions;
        this.groupPartition = groupPartition;
    }

    @Override
    public CompletableFuture<AddOffsetsToTxnResponseData> handle(RequestContext context, AddOffsetsToTxnRequestData request) {
        if (!context.may(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId())) {
            throw new TransactionalIdAuthorizationException("Not authorized to use transactional id "
                    + request.transactionalId());
        }
        if (request.groupId() != null && !request.groupId().isEmpty()
                && !context.may(AclOperation.READ, ResourceType.GROUP, request.groupId())) {
            throw new GroupAuthorizationException("Not authorized to commit offsets of group " + request.groupId());
        }
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(new AddOffsetsToTxnResponseData()
                    .setErrorCode(Errors.INVALID_GROUP_ID.code()));
        }
        return transactions.addPartitions(request.transactionalId(), request.producerId(), request.producerEpoch(),
                        Set.of(groupPartition), 0)
                .thenApply(error -> new AddOffsetsToTxnResponseData().setErrorCode(
                        (error == Errors.PRODUCER_FENCED && context.apiVersion() < 2 ? Errors.INVALID_PRODUCER_EPOCH : error)
                                .code()));
    }
}
