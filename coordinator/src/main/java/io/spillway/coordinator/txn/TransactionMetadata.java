package io.spillway.coordinator.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;

import java.util.HashSet;
import java.util.Set;

/**
 * The persisted state of one transactional id, as its record in {@code __transaction_state} holds it.
 * Immutable: every transition returns the next metadata (which an operation writes as a record, and replay
 * installs); the transitions follow Kafka's TransactionMetadata, including transactions version 2
 * (KIP-890), which bumps the producer epoch at every commit and abort.
 *
 * @param prevProducerId the producer id before the last rotation (a retry after epoch exhaustion uses it)
 * @param nextProducerId the producer id to switch to when the current transaction completes, or -1
 * @param lastProducerEpoch the epoch before the last bump, so that a retried request can be recognised
 * @param txnStartMs when the ongoing transaction began (-1 when none)
 * @param clientTransactionVersion the transactions version of the client's last transaction (0-1: KIP-890
 *     part 1 and before, 2: epoch bump on every transaction, partitions added implicitly)
 */
public record TransactionMetadata(String transactionalId, long producerId, long prevProducerId, long nextProducerId,
                                  short producerEpoch, short lastProducerEpoch, int timeoutMs, TransactionState state,
                                  Set<TopicPartition> partitions, long txnStartMs, long lastUpdateMs,
                                  int clientTransactionVersion) {
    /** Kafka's limit: an epoch this high is exhausted, the next bump takes a new producer id. */
    public static final short MAX_USABLE_EPOCH = Short.MAX_VALUE - 1;
    static final short NO_EPOCH = -1;
    static final long NO_PRODUCER_ID = -1L;

    public TransactionMetadata {
        partitions = Set.copyOf(partitions);
    }

    /** A transactional id seen for the first time (InitProducerId), before its first epoch. */
    static TransactionMetadata create(String transactionalId, long producerId, int timeoutMs, long nowMs) {
        return new TransactionMetadata(transactionalId, producerId, NO_PRODUCER_ID, NO_PRODUCER_ID, NO_EPOCH, NO_EPOCH,
                timeoutMs, TransactionState.EMPTY, Set.of(), -1, nowMs, 0);
    }

    public boolean isEpochExhausted() {
        return producerEpoch >= MAX_USABLE_EPOCH;
    }

    boolean bumpsEpochOnEveryTransaction() {
        return clientTransactionVersion >= 2;
    }

    private TransactionMetadata to(TransactionState next, long producerId, long prevProducerId, long nextProducerId,
                                   short epoch, short lastEpoch, int timeoutMs, Set<TopicPartition> partitions,
                                   long startMs, long nowMs, int clientTransactionVersion) {
        if (!next.legalPrevious().contains(state)) {
            throw new IllegalStateException("Transactional id " + transactionalId + " cannot move from " + state + " to "
                    + next);
        }
        return new TransactionMetadata(transactionalId, producerId, prevProducerId, nextProducerId, epoch, lastEpoch,
                timeoutMs, next, partitions, startMs, nowMs, clientTransactionVersion);
    }

    /**
     * InitProducerId on an idle transactional id: the next epoch (KIP-360 rules when the producer names the epoch
     * it had: its current or previous one are accepted, anything else is fenced).
     *
     * @param expectedEpoch the epoch the producer sent, or null when it sent none
     * @throws ProducerFencedException when the producer's epoch is neither the current nor the previous one
     */
    TransactionMetadata incrementEpoch(int newTimeoutMs, Short expectedEpoch, long nowMs) {
        short bumped = (short) (producerEpoch + 1);
        short epoch;
        short lastEpoch;
        if (expectedEpoch == null) {
            epoch = bumped;
            lastEpoch = NO_EPOCH;
        } else if (producerEpoch == NO_EPOCH || expectedEpoch == producerEpoch) {
            epoch = bumped;
            lastEpoch = producerEpoch;
        } else if (expectedEpoch == lastProducerEpoch) {
            epoch = producerEpoch; // a retry of the bump that already happened
            lastEpoch = lastProducerEpoch;
        } else {
            throw new ProducerFencedException("Producer epoch " + expectedEpoch + " of transactional id "
                    + transactionalId + " is neither the current (" + producerEpoch + ") nor the previous ("
                    + lastProducerEpoch + ") one");
        }
        return to(TransactionState.EMPTY, producerId, prevProducerId, nextProducerId, epoch, lastEpoch, newTimeoutMs,
                Set.of(), -1, nowMs, clientTransactionVersion);
    }

    /** InitProducerId once the epoch is exhausted: a new producer id at epoch 0. */
    TransactionMetadata rotateProducerId(long newProducerId, int newTimeoutMs, boolean recordLastEpoch, long nowMs) {
        return to(TransactionState.EMPTY, newProducerId, producerId, NO_PRODUCER_ID, (short) 0,
                recordLastEpoch ? producerEpoch : NO_EPOCH, newTimeoutMs, Set.of(), -1, nowMs, clientTransactionVersion);
    }

    /** Partitions join the transaction (which starts now if none was ongoing). */
    TransactionMetadata addPartitions(Set<TopicPartition> added, int clientTransactionVersion, long nowMs) {
        Set<TopicPartition> all = new HashSet<>(partitions);
        all.addAll(added);
        long startMs = state.isIdle() ? nowMs : txnStartMs;
        return to(TransactionState.ONGOING, producerId, prevProducerId, nextProducerId, producerEpoch, lastProducerEpoch,
                timeoutMs, all, startMs, nowMs, clientTransactionVersion);
    }

    /**
     * EndTxn (or an abort by the coordinator): PREPARE_COMMIT or PREPARE_ABORT. With transactions version 2 the
     * epoch is bumped here, which fences every batch of the ending transaction that is still in flight.
     *
     * @param nextProducerId the producer id to rotate to on completion (epoch exhausted), or -1
     * @param noPartitionAdded an abort of a transaction that never reached the coordinator (TV2 clients may
     *     abort before their first produce): it starts and ends now
     */
    TransactionMetadata prepareEnd(boolean commit, int clientTransactionVersion, long nextProducerId, boolean noPartitionAdded,
                                   long nowMs) {
        short epoch = producerEpoch;
        short lastEpoch = lastProducerEpoch;
        if (clientTransactionVersion >= 2) {
            lastEpoch = producerEpoch;
            if (!(producerEpoch == Short.MAX_VALUE && !commit)) {
                epoch = (short) (producerEpoch + 1);
            }
        }
        return to(commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT, producerId, prevProducerId,
                nextProducerId, epoch, lastEpoch, timeoutMs, partitions, noPartitionAdded ? nowMs : txnStartMs, nowMs,
                clientTransactionVersion);
    }

    /** Markers are written: COMPLETE_COMMIT or COMPLETE_ABORT (a pending producer id rotation happens now). */
    TransactionMetadata complete(long nowMs) {
        boolean rotate = bumpsEpochOnEveryTransaction() && nextProducerId != NO_PRODUCER_ID;
        TransactionState next = state == TransactionState.PREPARE_COMMIT ? TransactionState.COMPLETE_COMMIT
                : TransactionState.COMPLETE_ABORT;
        return to(next, rotate ? nextProducerId : producerId, rotate ? producerId : prevProducerId, NO_PRODUCER_ID,
                rotate ? 0 : producerEpoch, lastProducerEpoch, timeoutMs, Set.of(), txnStartMs, nowMs,
                clientTransactionVersion);
    }

    /** The epoch with which markers of the ending transaction are written (the bumped one with TV2). */
    short markerEpoch() {
        return producerEpoch;
    }
}
