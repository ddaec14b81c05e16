package io.spillway.bench.txncheck;

import java.util.List;

/**
 * One transaction as its producer recorded it: how many records it wrote to which partitions, and its fate.
 *
 * @param id          producer and transaction number
 * @param incarnation the producer process that ran it
 * @param partitions  the partition of each record, by record index (its size is the record count)
 * @param fate        what the outcome log says happened
 * @param lastDetail  the detail of the last event about it that had one (e.g. the commit error), or ""
 */
public record TxnInfo(TxnId id, int incarnation, List<Integer> partitions, TxnFate fate, String lastDetail) {

    public TxnInfo {
        partitions = List.copyOf(partitions);
    }

    /** Number of records the transaction writes. */
    public int count() {
        return partitions.size();
    }
}
