package io.spillway.bench.txncheck;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What actually happened to the processes during a run, in order, with counts per kind: the executed faults (which
 * may run late, e.g. while the broker restarts) and the producers' own exits and restarts.
 *
 * <p>Not thread safe: written by the run's control thread, read after the run.
 */
public final class FaultLog {

    /** Kinds of entries, counted for the summary. */
    public enum Kind {
        BROKER_KILLED, PRODUCER_KILLED, PRODUCER_CRASHED_MID_TXN, PRODUCER_GAVE_UP, PRODUCER_EXITED_UNEXPECTEDLY,
        PRODUCER_RESTARTED, FAULT_SKIPPED, PRODUCER_KILLED_AT_STOP
    }

    private final List<String> entries = new ArrayList<>();
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    private final PrintStream echo;
    private final String echoPrefix;

    /** A log that also prints each entry to {@code echo} (if not null) after {@code echoPrefix}, to follow a run. */
    public FaultLog(PrintStream echo, String echoPrefix) {
        this.echo = echo;
        this.echoPrefix = echoPrefix;
    }

    /** Adds an entry at {@code atMs} after the workload started. */
    public void add(long atMs, Kind kind, String what) {
        String entry = String.format(Locale.ROOT, "%7.1f s  %s", atMs / 1000.0, what);
        entries.add(entry);
        counts.merge(kind, 1, Integer::sum);
        if (echo != null) {
            echo.println(echoPrefix + entry);
        }
    }

    public int count(Kind kind) {
        return counts.getOrDefault(kind, 0);
    }

    public List<String> entries() {
        return List.copyOf(entries);
    }
}
