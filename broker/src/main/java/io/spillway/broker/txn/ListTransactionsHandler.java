package io.spillway.broker.txn;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;

import java.util.concurrent.CompletableFuture;

/** ListTransactions, filtered by state, producer id, duration (v1+) and transactional id pattern (v2+). */
public final class ListTransactionsHandler implements ApiHandler<ListTransactionsRequestData, ListTransactionsResponseData> {
    private final TransactionCoordinator transactions;

    public ListTransactionsHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<ListTransactionsResponseData> handle(RequestContext context, ListTransactionsRequestData request) {
        // As Kafka: only the transactions whose id the principal may DESCRIBE are listed.
        return transactions.listTransactions(request).thenApply(response -> {
            response.transactionStates().removeIf(state ->
                    !context.may(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, state.transactionalId()));
            return response;
        });
    }
}
