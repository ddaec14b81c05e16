package io.spillway.bench.txncheck;

import java.util.List;
import java.util.Map;

/**
 * Anomalies found in one view (or in the run itself): how many of each kind, and the first few of each as examples.
 *
 * @param counts   per kind, how many
 * @param examples the first {@value Anomalies#EXAMPLES_PER_KIND} of each kind, in the order found
 */
public record AnomalyReport(Map<AnomalyKind, Long> counts, List<Anomaly> examples) {

    public AnomalyReport {
        counts = Map.copyOf(counts);
        examples = List.copyOf(examples);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public long count(AnomalyKind kind) {
        return counts.getOrDefault(kind, 0L);
    }
}
