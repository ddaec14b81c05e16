package io.spillway.bench.txncheck;

/**
 * One transaction of the workload: producer index and that producer's transaction number.
 * Ordered by producer, then transaction number.
 */
public record TxnId(int producer, long txn) implements Comparable<TxnId> {

    @Override
    public int compareTo(TxnId o) {
        int c = Integer.compare(producer, o.producer);
        return c != 0 ? c : Long.compare(txn, o.txn);
    }

    @Override
    public String toString() {
        return "p" + producer + "/t" + txn;
    }
}
