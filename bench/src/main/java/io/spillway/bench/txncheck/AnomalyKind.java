package io.spillway.bench.txncheck;

/** The ways a broker can break the transaction guarantees, as the checker names them in reports. */
public enum AnomalyKind {
    LOST_COMMITTED("lost committed write", "a transaction whose commitTransaction() returned has no visible record"),
    TORN("torn transaction", "some but not all records of a transaction are visible (across its partitions)"),
    ABORTED_VISIBLE("visible aborted write", "a record of a transaction that was aborted, or never asked to commit, "
            + "is visible"),
    DUPLICATE("duplicate", "the same record of a transaction is visible at more than one offset"),
    ORDER("order", "within a partition, a producer's records are not in the order it wrote them "
            + "(transaction number, then record index)"),
    UNKNOWN_RECORD("unknown record", "a visible record names a transaction that its producer never began, "
            + "or does not match its transaction's plan (count, partition)"),
    FOREIGN_RECORD("foreign record", "a visible record is not one the checker's producers write"),
    UNRESOLVED("hanging transaction", "an open transaction was never resolved: the last stable offset stayed below "
            + "the high watermark after fencing and the transaction timeout"),
    INCOMPLETE_READ("incomplete read", "a reader did not reach the end offsets, so its view could not be checked fully"),
    VIEWS_DIFFER("views differ", "the reader that tailed the topic during the run and the final reader saw different "
            + "records up to the same offsets"),
    NO_PROGRESS("no progress", "no transaction committed at all, so nothing was tested (e.g. initTransactions() never "
            + "returned)");

    private final String title;
    private final String meaning;

    AnomalyKind(String title, String meaning) {
        this.title = title;
        this.meaning = meaning;
    }

    public String title() {
        return title;
    }

    public String meaning() {
        return meaning;
    }
}
