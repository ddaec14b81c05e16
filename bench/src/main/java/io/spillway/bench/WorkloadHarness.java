package io.spillway.bench;

import java.io.PrintStream;

/** What a workload that starts its own brokers needs from the comparison: where to report and to fail. */
interface WorkloadHarness {
    /** Records that a workload could not run on a contender (the run then exits non-zero). */
    void failed(String what, Contender c, Exception e);

    /** Adds a line to the report's notes (what a broker logged, what a run saw), under a unique key. */
    void note(String key, String value);

    /** Where progress and per-run results are printed. */
    PrintStream out();

    /**
     * Starts a broker with the comparison's settings (heap, log directory) and the contender's defaults, described in
     * the report, for workloads that need no settings of their own.
     */
    Target start(Contender c);
}
