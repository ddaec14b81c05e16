package io.spillway.bench.txncheck;

import java.util.Map;

/**
 * The checker's verdict on one reader's view of the topic.
 *
 * @param view        which reader ("final read_committed", ...)
 * @param recordsRead records returned (distinct offsets)
 * @param redelivered records the consumer returned more than once at the same offset (a client re-read, not an
 *                    anomaly of the log)
 * @param visibility  per fate, how many transactions were fully / partly / not visible
 * @param beyondEnd   committed or in-doubt transactions not judged because a record they lack lies beyond the
 *                    view's end offset (a last stable offset held back by a hanging transaction)
 * @param anomalies   what the checker found
 */
public record ViewCheck(String view, long recordsRead, long redelivered, Map<TxnFate, Visibility> visibility,
                        long beyondEnd, AnomalyReport anomalies) {

    public ViewCheck {
        visibility = Map.copyOf(visibility);
    }

    public Visibility visibility(TxnFate fate) {
        return visibility.getOrDefault(fate, Visibility.ZERO);
    }
}
