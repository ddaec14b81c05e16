package io.spillway.bench.txncheck;

import java.util.Optional;

/**
 * One line of a producer's outcome log: what the producer process was about to do, or what a call returned, for
 * one transaction (or for the process itself when {@code txn} is {@link #NO_TXN}).
 *
 * <p>Line layout (UTF-8, tab separated, one event per line):
 * <pre>
 *   KIND \t incarnation \t txn \t detail \n
 *   BEGIN    2  57  count=5 partitions=0,3,1,1,2
 *   INTEND_COMMIT 2 57
 *   COMMITTED     2 57
 * </pre>
 * The detail never contains a tab or a line break ({@link #of} replaces them).
 *
 * @param kind        what happened
 * @param incarnation which process of the producer wrote the line
 * @param txn         the transaction number, or {@link #NO_TXN}
 * @param detail      free text (error messages, the plan of a BEGIN); never null
 */
public record OutcomeEvent(Kind kind, int incarnation, long txn, String detail) {

    /** The txn field of an event about the process rather than a transaction. */
    public static final long NO_TXN = -1;

    /** What an event says. "Intend" events are written and fsynced before the call they announce. */
    public enum Kind {
        /** A producer process started; detail: pid and first transaction number. */
        START,
        /** initTransactions() returned: the previous incarnation is fenced and its open transaction resolved. */
        READY,
        /** About to call beginTransaction() and send; detail: {@code count=N partitions=p0,p1,...}. */
        BEGIN,
        /** A send of the transaction failed (detail: the exception); the transaction is then aborted, not committed. */
        SEND_FAILED,
        /** The records were sent and flushed; the process now halts without committing or aborting (a planned crash). */
        ABANDON,
        /** About to call commitTransaction(). From here on the transaction may become visible. */
        INTEND_COMMIT,
        /** commitTransaction() returned: the transaction must be fully visible. */
        COMMITTED,
        /** commitTransaction() threw (detail); the outcome is unknown unless a later COMMITTED follows. */
        COMMIT_FAILED,
        /** About to call abortTransaction(). */
        INTEND_ABORT,
        /** abortTransaction() returned. */
        ABORTED,
        /** abortTransaction() threw (detail). */
        ABORT_FAILED,
        /** Any other error (detail); the process usually exits after it and is restarted as a new incarnation. */
        ERROR,
        /** The process closed its producer and exits normally. */
        STOPPED
    }

    /** An event with its detail made safe for the line format. */
    public static OutcomeEvent of(Kind kind, int incarnation, long txn, String detail) {
        String clean = detail == null ? "" : detail.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        return new OutcomeEvent(kind, incarnation, txn, clean);
    }

    /** The event as one line, including the trailing newline. */
    public String toLine() {
        return kind + "\t" + incarnation + "\t" + txn + "\t" + detail + "\n";
    }

    /** Parses a line without its newline; empty for a line that is not a complete event (e.g. torn by SIGKILL). */
    public static Optional<OutcomeEvent> parse(String line) {
        String[] f = line.split("\t", 4);
        if (f.length != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(new OutcomeEvent(Kind.valueOf(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
