package io.spillway.bench.txncheck;

import java.util.Locale;

/**
 * One planned fault of a run.
 *
 * @param atMs           when, in milliseconds after the workload started
 * @param kind           what to do
 * @param producer       which producer (for producer faults; -1 for the broker)
 * @param restartDelayMs how long the producer stays down before its next incarnation starts (producer faults)
 */
public record Fault(long atMs, Kind kind, int producer, long restartDelayMs) {

    /** The kinds of fault the checker injects. */
    public enum Kind {
        /** SIGKILL a producer process at an arbitrary point (it may be in any call, or between calls). */
        KILL_PRODUCER,
        /** Ask a producer to send its next transaction's records and halt without committing or aborting. */
        CRASH_PRODUCER_MID_TXN,
        /** SIGKILL the broker and restart it on the same data directory and port. */
        KILL_BROKER
    }

    @Override
    public String toString() {
        String when = String.format(Locale.ROOT, "%.1f s", atMs / 1000.0);
        return switch (kind) {
            case KILL_BROKER -> when + ": kill -9 broker";
            case KILL_PRODUCER -> when + ": kill -9 producer " + producer + ", restart after " + restartDelayMs + " ms";
            case CRASH_PRODUCER_MID_TXN -> when + ": producer " + producer + " crashes mid-transaction, restart after "
                    + restartDelayMs + " ms";
        };
    }
}
