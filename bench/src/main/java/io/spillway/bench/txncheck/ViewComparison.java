package io.spillway.bench.txncheck;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares two complete views read up to the same end offsets: every record (partition, offset, value) one of them
 * saw, the other must have seen too. A record that only the tailing reader saw was visible during the run and is
 * gone at the end (e.g. an aborted record shown around a broker restart); one that only the final reader saw was
 * skipped while tailing.
 *
 * <p>A pure function.
 */
final class ViewComparison {

    private ViewComparison() {
    }

    /** Adds a {@link AnomalyKind#VIEWS_DIFFER} anomaly per differing record to {@code into}. */
    static void compare(ReadResult finalRead, ReadResult tail, Anomalies into) {
        Set<String> a = keys(finalRead);
        Set<String> b = keys(tail);
        List<String> onlyTail = new ArrayList<>(b);
        onlyTail.removeAll(a);
        List<String> onlyFinal = new ArrayList<>(a);
        onlyFinal.removeAll(b);
        for (String k : onlyTail) {
            into.add(AnomalyKind.VIEWS_DIFFER, "seen while tailing, not by the final read: " + k);
        }
        for (String k : onlyFinal) {
            into.add(AnomalyKind.VIEWS_DIFFER, "seen by the final read, skipped while tailing: " + k);
        }
    }

    private static Set<String> keys(ReadResult r) {
        Set<String> out = new LinkedHashSet<>();
        for (Observed o : r.records()) {
            out.add(o.where() + " " + o.record());
        }
        return out;
    }
}
