package io.spillway.bench.txncheck;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Collects anomalies of one view: counts every one, keeps the first {@link #EXAMPLES_PER_KIND} of each kind as
 * examples (a badly broken broker can produce thousands).
 *
 * <p>Not thread safe: used by one thread while checking.
 */
final class Anomalies {

    static final int EXAMPLES_PER_KIND = 8;

    private final String view;
    private final Map<AnomalyKind, Long> counts = new EnumMap<>(AnomalyKind.class);
    private final List<Anomaly> examples = new ArrayList<>();

    Anomalies(String view) {
        this.view = view;
    }

    void add(AnomalyKind kind, String example) {
        add(kind, 1, example);
    }

    /** {@code n} anomalies of one kind described by one example. */
    void add(AnomalyKind kind, long n, String example) {
        long before = counts.getOrDefault(kind, 0L);
        counts.put(kind, before + n);
        if (before < EXAMPLES_PER_KIND) {
            examples.add(new Anomaly(kind, view, example));
        }
    }

    /** What has been collected so far. */
    AnomalyReport report() {
        return new AnomalyReport(counts, examples);
    }
}
