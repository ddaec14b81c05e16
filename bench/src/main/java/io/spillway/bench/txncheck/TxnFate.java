package io.spillway.bench.txncheck;

/**
 * What a producer's outcome log says about a transaction, and therefore what a read_committed reader may see of it.
 */
public enum TxnFate {
    /** commitTransaction() returned: every record must be visible. */
    COMMITTED("committed", false),
    /** commitTransaction() was called but did not return (process or broker died, or it threw): all or nothing. */
    IN_DOUBT("in doubt", false),
    /** abortTransaction() returned (and commit was never called): nothing may be visible. */
    ABORTED("aborted", true),
    /**
     * Commit was never called: the process crashed, was killed or gave up before deciding, or abortTransaction() did
     * not return. The broker must abort it (transaction timeout, or fencing by the next incarnation): nothing may be
     * visible.
     */
    ABANDONED("abandoned", true);

    private final String label;
    private final boolean mustBeInvisible;

    TxnFate(String label, boolean mustBeInvisible) {
        this.label = label;
        this.mustBeInvisible = mustBeInvisible;
    }

    /** True if no record of such a transaction may ever be visible to a read_committed reader. */
    public boolean mustBeInvisible() {
        return mustBeInvisible;
    }

    @Override
    public String toString() {
        return label;
    }
}
