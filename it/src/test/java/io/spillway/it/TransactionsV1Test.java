package io.spillway.it;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TransactionsContract} with transactions version 0 advertised: producers add partitions and offsets
 * with AddPartitionsToTxn and AddOffsetsToTxn, and EndTxn keeps the epoch (clients before Kafka 4.0 always do).
 */
class TransactionsV1Test extends TransactionsContract {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create().set("spillway.transaction.version", "0");

    @Override
    EmbeddedBroker broker() {
        return BROKER;
    }
}
