package io.spillway.coordinator.txn;

/**
 * Transaction coordinator settings, by their Kafka broker config names. Immutable.
 *
 * @param maxTimeoutMs transaction.max.timeout.ms: InitProducerId with a longer transaction timeout is refused
 *     with INVALID_TRANSACTION_TIMEOUT
 * @param idExpirationMs transactional.id.expiration.ms: an idle transactional id is forgotten after this long
 * @param idExpirationCheckMs transaction.remove.expired.transaction.cleanup.interval.ms
 * @param twoPhaseCommitEnabled transaction.two.phase.commit.enable (KIP-939); when off, InitProducerId with
 *     enable2Pc answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as Kafka does
 * @param transactionVersion the transaction.version feature this broker advertises (2 as Kafka 4.4 finalizes it
 *     on a new cluster; 0 makes clients use the explicit AddPartitionsToTxn/AddOffsetsToTxn calls)
 * @param markerRetryMs how long to wait before writing a marker again after a storage error
 */
public record TransactionConfig(int maxTimeoutMs, long idExpirationMs, long idExpirationCheckMs,
                                boolean twoPhaseCommitEnabled, short transactionVersion, long markerRetryMs) {
    public static final TransactionConfig DEFAULT = new TransactionConfig(900_000, 7L * 24 * 3600 * 1000, 3_600_000L,
            false, (short) 2, 1_000L);

    public TransactionConfig {
        if (transactionVersion < 0 || transactionVersion > 2) {
            throw new IllegalArgumentException("transaction.version must be 0, 1 or 2 (got " + transactionVersion + ")");
        }
    }
}
