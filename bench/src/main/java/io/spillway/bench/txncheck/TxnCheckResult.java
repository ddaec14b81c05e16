package io.spillway.bench.txncheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a checker run found against one broker.
 *
 * @param target        which broker
 * @param brokerTitle   e.g. "Apache Kafka 4.4.0"
 * @param broker        the broker's description (version, settings, command, logs)
 * @param settings      the run's parameters
 * @param plan          the planned faults
 * @param faultLog      what was actually done, and the producers' own exits
 * @param histories     every producer's outcome log, folded
 * @param resolution    how the open transactions were resolved at the end (null if the run never got that far)
 * @param finalRead     the final read_committed view, checked (null if not read)
 * @param tailRead      the view of the consumer that tailed the topic during the run, checked (null if none)
 * @param uncommitted   the read_uncommitted view, checked for information only: it shows what read_committed had to
 *                      hide (its visible-aborted counts are expected); null if not read
 * @param runAnomalies  anomalies of the run itself (no progress, hanging transactions, views that differ)
 * @param runDir        where the outcome logs, producer outputs and broker logs of the run are
 * @param elapsedMs     wall time of the whole run, broker start to checks
 */
public record TxnCheckResult(TargetKind target, String brokerTitle, Map<String, String> broker,
                             TxnCheckSettings settings, FaultPlan plan, FaultLog faultLog,
                             Map<Integer, ProducerHistory> histories, Resolution resolution, ViewCheck finalRead,
                             ViewCheck tailRead, ViewCheck uncommitted, AnomalyReport runAnomalies,
                             java.nio.file.Path runDir, long elapsedMs) {

    /** Anomalies that fail the run: those of the final and tailing views and of the run itself. */
    public long anomalies() {
        long n = runAnomalies.total();
        if (finalRead != null) {
            n += finalRead.anomalies().total();
        }
        if (tailRead != null) {
            n += tailRead.anomalies().total();
        }
        return n;
    }

    public boolean passed() {
        return anomalies() == 0;
    }

    /** Number of transactions of a fate, over all producers. */
    public long txns(TxnFate fate) {
        return histories.values().stream().mapToLong(h -> h.count(fate)).sum();
    }

    public long txnsBegun() {
        return histories.values().stream().mapToLong(h -> h.txns().size()).sum();
    }

    /** Every failing anomaly example, views first, for assertion messages. */
    public List<Anomaly> examples() {
        List<Anomaly> out = new ArrayList<>(runAnomalies.examples());
        if (finalRead != null) {
            out.addAll(finalRead.anomalies().examples());
        }
        if (tailRead != null) {
            out.addAll(tailRead.anomalies().examples());
        }
        return out;
    }
}
