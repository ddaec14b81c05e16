package io.spillway.log;

/**
 * A transactional batch came for a partition where its producer has no open transaction at that epoch: this is
 * the transaction's first write here, which the transaction coordinator must verify (the partition is part of
 * the transaction) before it may be appended (KIP-890). Not a Kafka error: the broker verifies and appends
 * again, the client never sees it.
 */
public final class TransactionNotVerifiedException extends RuntimeException {
    public TransactionNotVerifiedException(String partition, long producerId, short epoch) {
        super("Producer " + producerId + " (epoch " + epoch + ") has no open transaction in " + partition, null, false, false);
    }
}
