package io.spillway.bench.txncheck;

import io.spillway.bench.BenchReport;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown section of one checker run: verdict, transaction and record counts per view, anomalies with examples,
 * what was done to the processes, the producers' errors, and how to repeat the run. The same text is printed on the
 * console.
 *
 * <p>Stateless.
 */
public final class TxnCheckReport {

    private TxnCheckReport() {
    }

    /** The section for one run. */
    public static String markdown(TxnCheckResult r, String command, String startedAt) {
        StringBuilder sb = new StringBuilder();
        sb.append("### Transactions checker: ").append(r.brokerTitle()).append(" — ").append(r.passed() ? "PASS" : "FAIL")
                .append(" (seed ").append(r.settings().seed()).append(", ").append(startedAt).append(")\n\n");
        sb.append(verdict(r)).append("\n\n");
        sb.append(txnTable(r)).append('\n');
        sb.append(recordTable(r)).append('\n');
        sb.append(anomalyTable(r)).append('\n');
        List<Anomaly> examples = r.examples();
        if (!examples.isEmpty()) {
            sb.append("Examples (at most ").append(Anomalies.EXAMPLES_PER_KIND).append(" per kind and view):\n\n");
            for (Anomaly a : examples) {
                sb.append("- ").append(a).append('\n');
            }
            sb.append('\n');
        }
        sb.append("Faults:\n\n").append(BenchReport.bullets(faultCounts(r))).append('\n');
        sb.append("<details><summary>Timeline of faults and restarts (").append(r.faultLog().entries().size())
                .append(" entries) and the plan</summary>\n\nWhat happened:\n\n```\n");
        r.faultLog().entries().forEach(e -> sb.append(e).append('\n'));
        sb.append("```\n\nThe plan of seed ").append(r.settings().seed())
                .append(" (a fault due while the broker restarts runs when it is back):\n\n```\n");
        r.plan().faults().forEach(f -> sb.append(f).append('\n'));
        sb.append("```\n</details>\n\n");
        sb.append("Producers:\n\n").append(producers(r)).append('\n');
        if (r.resolution() != null) {
            Resolution res = r.resolution();
            sb.append(String.format(Locale.ROOT, "End of run: the producers were asked to stop after their current "
                    + "transaction, then one initTransactions() per transactional.id fenced the last incarnation; no "
                    + "partition had an open transaction %.1f s later: %s.%n%n", res.elapsedMs() / 1000.0,
                    res.stable() ? "yes" : "NO (" + String.join("; ", res.problems()) + ")"));
        }
        Map<String, String> how = new LinkedHashMap<>();
        how.put("Command", "`" + command + "`");
        how.put("Settings", r.settings().summary());
        how.put("Run time", String.format(Locale.ROOT, "%.0f s (broker start to verdict)", r.elapsedMs() / 1000.0));
        how.put("Files", r.runDir() + " (outcome logs, producer outputs, broker log)");
        sb.append("Run:\n\n").append(BenchReport.bullets(how)).append('\n');
        Map<String, String> broker = new LinkedHashMap<>(r.broker());
        broker.remove("Data dir");
        sb.append("Broker:\n\n").append(BenchReport.bullets(broker));
        return relativeToWorkingDirectory(sb.toString());
    }

    /** Paths under the directory the checker runs in (the repository) as relative paths: the report is committed. */
    static String relativeToWorkingDirectory(String text) {
        String here = Paths.get("").toAbsolutePath().toString();
        return here.equals("/") ? text : text.replace(here + "/", "");
    }

    static String verdict(TxnCheckResult r) {
        String faults = String.format(Locale.ROOT, "%d producer kills, %d mid-transaction crashes and %d broker kills",
                r.faultLog().count(FaultLog.Kind.PRODUCER_KILLED), r.faultLog().count(FaultLog.Kind.PRODUCER_CRASHED_MID_TXN),
                r.faultLog().count(FaultLog.Kind.BROKER_KILLED));
        String txns = String.format(Locale.ROOT, "%,d transactions (%,d committed, %,d aborted, %,d abandoned, %,d in doubt)",
                r.txnsBegun(), r.txns(TxnFate.COMMITTED), r.txns(TxnFate.ABORTED), r.txns(TxnFate.ABANDONED),
                r.txns(TxnFate.IN_DOUBT));
        return r.passed() ? "**PASS**: no anomaly in " + txns + " under " + faults + "."
                : String.format(Locale.ROOT, "**FAIL**: %,d %s in %s under %s.", r.anomalies(),
                        r.anomalies() == 1 ? "anomaly" : "anomalies", txns, faults);
    }

    private static String txnTable(TxnCheckResult r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Transactions", "count", "final read_committed: all / some / none visible",
            "tailing read_committed: all / some / none"});
        rows.add(new String[] {"begun", n(r.txnsBegun()), "", ""});
        for (TxnFate f : TxnFate.values()) {
            String label = switch (f) {
                case COMMITTED -> "committed (commitTransaction returned)";
                case IN_DOUBT -> "in doubt (commit called, no answer)";
                case ABORTED -> "aborted (abortTransaction returned)";
                case ABANDONED -> "abandoned (commit never called: crash, kill, error)";
            };
            rows.add(new String[] {label, n(r.txns(f)), vis(r.finalRead(), f), vis(r.tailRead(), f)});
        }
        return table(rows, 1);
    }

    private static String vis(ViewCheck v, TxnFate f) {
        if (v == null) {
            return "–";
        }
        Visibility x = v.visibility(f);
        return n(x.full()) + " / " + n(x.partial()) + " / " + n(x.none());
    }

    private static String recordTable(TxnCheckResult r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Records read", "count"});
        if (r.finalRead() != null) {
            rows.add(new String[] {TxnCheckRun.FINAL_VIEW, n(r.finalRead().recordsRead())});
        }
        if (r.tailRead() != null) {
            rows.add(new String[] {TxnCheckRun.TAIL_VIEW + (r.tailRead().redelivered() > 0
                    ? " (" + n(r.tailRead().redelivered()) + " more redelivered at the same offsets)" : ""),
                n(r.tailRead().recordsRead())});
        }
        for (ViewCheck v : new ViewCheck[] {r.finalRead(), r.tailRead()}) {
            if (v != null && v.beyondEnd() > 0) {
                rows.add(new String[] {v.view() + ": committed or in-doubt transactions not judged, a record of them "
                        + "lies beyond the last stable offset (see hanging transaction)", n(v.beyondEnd())});
            }
        }
        if (r.uncommitted() != null) {
            ViewCheck u = r.uncommitted();
            long hidden = u.visibility(TxnFate.ABORTED).full() + u.visibility(TxnFate.ABORTED).partial()
                    + u.visibility(TxnFate.ABANDONED).full() + u.visibility(TxnFate.ABANDONED).partial();
            rows.add(new String[] {"read_uncommitted: every data record in the log", n(u.recordsRead())});
            rows.add(new String[] {"read_uncommitted: aborted or abandoned transactions with records in the log "
                    + "(what read_committed must hide)", n(hidden)});
        }
        return table(rows, 1);
    }

    private static String anomalyTable(TxnCheckResult r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Anomaly", "meaning", TxnCheckRun.FINAL_VIEW, TxnCheckRun.TAIL_VIEW, "run",
            "read_uncommitted (information)"});
        for (AnomalyKind k : AnomalyKind.values()) {
            rows.add(new String[] {k.title(), k.meaning(), count(r.finalRead(), k), count(r.tailRead(), k),
                n(r.runAnomalies().count(k)), count(r.uncommitted(), k)});
        }
        return table(rows, 2);
    }

    private static String count(ViewCheck v, AnomalyKind k) {
        return v == null ? "–" : n(v.anomalies().count(k));
    }

    private static Map<String, String> faultCounts(TxnCheckResult r) {
        Map<String, String> m = new LinkedHashMap<>();
        FaultLog f = r.faultLog();
        m.put("planned", r.plan().count(Fault.Kind.KILL_PRODUCER) + " producer kills, "
                + r.plan().count(Fault.Kind.CRASH_PRODUCER_MID_TXN) + " mid-transaction crashes, "
                + r.plan().count(Fault.Kind.KILL_BROKER) + " broker kills");
        m.put("done", f.count(FaultLog.Kind.PRODUCER_KILLED) + " producer kills, "
                + f.count(FaultLog.Kind.PRODUCER_CRASHED_MID_TXN) + " mid-transaction crashes, "
                + f.count(FaultLog.Kind.BROKER_KILLED) + " broker kills (" + f.count(FaultLog.Kind.FAULT_SKIPPED)
                + " skipped: the producer was down)");
        m.put("producer restarts", f.count(FaultLog.Kind.PRODUCER_RESTARTED) + " (" + f.count(FaultLog.Kind.PRODUCER_GAVE_UP)
                + " after the producer gave up on an error, " + f.count(FaultLog.Kind.PRODUCER_EXITED_UNEXPECTEDLY)
                + " after an unexpected exit)");
        m.put("killed at the end", f.count(FaultLog.Kind.PRODUCER_KILLED_AT_STOP) + " producers did not stop when asked");
        return m;
    }

    private static String producers(TxnCheckResult r) {
        StringBuilder sb = new StringBuilder();
        r.histories().forEach((i, h) -> {
            sb.append(String.format(Locale.ROOT, "- producer %d: %d incarnations (%d reached initTransactions), %,d "
                            + "transactions (%,d committed, %,d aborted, %,d abandoned, %,d in doubt), %d errors logged%s",
                    i, h.incarnations(), h.readyCount(), h.txns().size(), h.count(TxnFate.COMMITTED),
                    h.count(TxnFate.ABORTED), h.count(TxnFate.ABANDONED), h.count(TxnFate.IN_DOUBT), h.errors().size(),
                    h.tornLines() > 0 ? ", " + h.tornLines() + " torn log lines" : ""));
            sb.append('\n');
            h.errors().stream().limit(3).forEach(e -> sb.append("  - ").append(e).append('\n'));
        });
        return sb.toString();
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** A Markdown table; columns from {@code firstNumeric} on are right-aligned. */
    static String table(List<String[]> rows, int firstNumeric) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            sb.append("| ").append(String.join(" | ", escape(row))).append(" |\n");
            if (i == 0) {
                sb.append('|');
                for (int c = 0; c < row.length; c++) {
                    sb.append(c >= firstNumeric ? " ---: |" : " --- |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String[] escape(String[] row) {
        String[] out = new String[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = row[i].replace("|", "\\|");
        }
        return out;
    }
}
