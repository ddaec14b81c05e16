package io.spillway.log;

import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the cleaner knows about transactions while it walks a partition in offset order: which transactional
 * batches belong to aborted transactions (their records are removed, as Kafka's cleaner removes them), and
 * whether a marker may go (only once no record of its transaction is left, so that a read_committed consumer
 * never sees a transaction's records without its marker).
 *
 * <p>Kafka's rules (its CleanedTransactionMetadata): an abort marker may go once no batch of its transaction was
 * met in this pass; a commit marker once no batch of its transaction was met. The cleaner keeps either until its
 * delete horizon has passed as well.
 */
final class CleanedTransactions {
    /** Aborted transactions not yet reached, by first offset. */
    private final ArrayDeque<AbortedTransaction> ahead;
    /** Producers inside an aborted transaction: whether a batch of it was met in this pass. */
    private final Map<Long, Boolean> insideAborted = new HashMap<>();
    /** Producers inside a committed (or still open) transaction with a batch met in this pass. */
    private final Set<Long> insideCommitted = new HashSet<>();

    /** @param aborted the partition's aborted transactions with records in the range cleaned, in any order */
    CleanedTransactions(List<AbortedTransaction> aborted) {
        this.ahead = new ArrayDeque<>(aborted.stream()
                .sorted(java.util.Comparator.comparingLong(AbortedTransaction::firstOffset)).toList());
    }

    /** Whether the batch's records may be removed for transaction reasons (an aborted data batch, a spent marker). */
    boolean canDiscard(RecordBatch batch) {
        reachAbortedUpTo(batch.lastOffset());
        long producerId = batch.producerId();
        if (batch.isControlBatch()) {
            ControlRecordType type = controlType(batch);
            if (type == ControlRecordType.ABORT) {
                Boolean metBatch = insideAborted.remove(producerId);
                return metBatch == null || !metBatch;
            }
            if (type == ControlRecordType.COMMIT) {
                return !insideCommitted.remove(producerId);
            }
            return true; // other control records carry no state of the partition
        }
        if (!batch.isTransactional()) {
            return false;
        }
        if (insideAborted.containsKey(producerId)) {
            insideAborted.put(producerId, true);
            return true;
        }
        insideCommitted.add(producerId);
        return false;
    }

    private void reachAbortedUpTo(long offset) {
        while (!ahead.isEmpty() && ahead.peekFirst().firstOffset() <= offset) {
            insideAborted.putIfAbsent(ahead.pollFirst().producerId(), false);
        }
    }

    private static ControlRecordType controlType(RecordBatch batch) {
        for (Record record : batch) {
            return ControlRecordType.parse(record.key());
        }
        return ControlRecordType.UNKNOWN;
    }
}
