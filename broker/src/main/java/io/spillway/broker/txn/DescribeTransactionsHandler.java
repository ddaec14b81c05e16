package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.txn.TransactionCoordinator;
import java.util.List;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;

import java.util.concurrent.CompletableFuture;

/** DescribeTransactions: state, producer id and epoch, timeout, start time and partitions of transactional ids. */
public final class DescribeTransactionsHandler
        implements ApiHandler<DescribeTransactionsRequestData, DescribeTransactionsResponseData> {
    private final TransactionCoordinator transactions;

    public DescribeTransactionsHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<DescribeTransactionsResponseData> handle(RequestContext context,
                                                                     DescribeTransactionsRequestData request) {
        // As Kafka: each transactional id needs DESCRIBE; a refused one is answered without being looked up.
        List<String> allowed = request.transactionalIds().stream()
                .filter(id -> context.may(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id)).toList();
        return transactions.describeTransactions(allowed).thenApply(states -> {
            List<DescribeTransactionsResponseData.TransactionState> all = new java.util.ArrayList<>();
            java.util.Iterator<DescribeTransactionsResponseData.TransactionState> found = states.iterator();
            for (String id : request.transactionalIds()) {
                all.add(allowed.contains(id) && found.hasNext() ? found.next()
                        : new DescribeTransactionsResponseData.TransactionState().setTransactionalId(id)
                                .setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
            }
            return new DescribeTransactionsResponseData().setTransactionStates(all);
        });
    }
}
