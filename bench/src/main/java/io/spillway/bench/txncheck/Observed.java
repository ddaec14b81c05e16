package io.spillway.bench.txncheck;

/**
 * A record as a reader saw it.
 *
 * @param partition partition of the topic
 * @param offset    its offset there
 * @param record    the decoded value
 */
public record Observed(int partition, long offset, TxnRecord record) {

    /** "p2@117": partition and offset, for examples in the report. */
    public String where() {
        return "p" + partition + "@" + offset;
    }
}
