package io.spillway.coordinator.txn;

/** The state of one transactional id in {@code __transaction_state}; a null metadata removes the id (expiry). */
public record TransactionRecord(String transactionalId, TransactionMetadata metadata) {
}
