package io.spillway.it;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TransactionsContract} with transactions version 2 (what Kafka 4.4 finalizes on a new cluster). */
class TransactionsTest extends TransactionsContract {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create();

    @Override
    EmbeddedBroker broker() {
        return BROKER;
    }
}
