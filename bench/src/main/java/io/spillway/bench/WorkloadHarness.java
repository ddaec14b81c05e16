package io.spillway.bench;

import java.io.PrintStream;

/** What a workload that starts its own brokers needs from the comparison: where to report and to fail. */
interface WorkloadHarness {
    /** Records that a workload could not run on a contender (the run then exits non-zero). */
    void failed(String what, Contender c, Exception e);

    /** Where progress and per-run results are printed. */
    PrintStream out();
}
