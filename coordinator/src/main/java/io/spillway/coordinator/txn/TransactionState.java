package io.spillway.coordinator.txn;

import java.util.Set;

/**
 * States of a transactional id, with Kafka's persisted ids and the names DescribeTransactions and
 * ListTransactions report. A transition to a state is legal only from its listed previous states;
 * an illegal one is a bug and fails loudly.
 *
 * <pre>
 *   EMPTY ──AddPartitions/first produce──► ONGOING ──EndTxn(commit)──► PREPARE_COMMIT ──markers written──► COMPLETE_COMMIT
 *     ▲  ▲                                   │ EndTxn(abort), timeout,                                        │
 *     │  └──InitProducerId (epoch bump)──────┼─ InitProducerId (fence)──► PREPARE_ABORT ──markers──► COMPLETE_ABORT
 *     └──────────── next transaction ◄───────┴──────────────────────────────────────────────────────────────────┘
 *   DEAD: an expired transactional id (written as a tombstone), never left
 * </pre>
 */
public enum TransactionState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort"),
    DEAD(6, "Dead"),
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    private final byte id;
    private final String kafkaName;

    TransactionState(int id, String kafkaName) {
        this.id = (byte) id;
        this.kafkaName = kafkaName;
    }

    public byte id() {
        return id;
    }

    /** The name Kafka's admin APIs use ("Ongoing", "CompleteCommit", ...). */
    public String kafkaName() {
        return kafkaName;
    }

    /** Whether a transaction in this state has no records in flight: the next one may start. */
    public boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    /** Whether markers are being written (the coordinator answers CONCURRENT_TRANSACTIONS meanwhile). */
    public boolean isPreparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    Set<TransactionState> legalPrevious() {
        return switch (this) {
            case EMPTY -> Set.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case ONGOING -> Set.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_COMMIT -> Set.of(ONGOING);
            case PREPARE_ABORT -> Set.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case COMPLETE_COMMIT -> Set.of(PREPARE_COMMIT);
            case COMPLETE_ABORT -> Set.of(PREPARE_ABORT);
            case DEAD -> Set.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_EPOCH_FENCE -> Set.of(ONGOING);
        };
    }

    /** The state with a persisted id; an unknown id (written by a newer broker) cannot be served. */
    public static TransactionState fromId(byte id) {
        for (TransactionState s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalStateException("Unknown transaction state id " + id + "; it was written by a newer Spillway");
    }

    /** The state of that Kafka name, or null (ListTransactions filters name states). */
    public static TransactionState fromKafkaName(String name) {
        for (TransactionState s : values()) {
            if (s.kafkaName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
