package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.txn.TransactionCoordinator;
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
        return transactions.describeTransactions(request.transactionalIds())
                .thenApply(states -> new DescribeTransactionsResponseData().setTransactionStates(states));
    }
}
