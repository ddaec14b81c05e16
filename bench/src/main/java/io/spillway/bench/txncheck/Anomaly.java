package io.spillway.bench.txncheck;

/**
 * One violation found by the checker.
 *
 * @param kind    which guarantee it breaks
 * @param view    which reader saw it ("final read_committed", "tailing read_committed", or "run" for the run itself)
 * @param example a concrete description: the transaction, its fate, the records and offsets involved
 */
public record Anomaly(AnomalyKind kind, String view, String example) {

    @Override
    public String toString() {
        return kind.title() + " [" + view + "]: " + example;
    }
}
