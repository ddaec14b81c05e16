package io.spillway.bench.txncheck;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Holds what one reader saw against what the producers' outcome logs say, and names every violation:
 * <ul>
 *   <li>a committed transaction must be fully visible ({@link AnomalyKind#LOST_COMMITTED}, {@link AnomalyKind#TORN});</li>
 *   <li>an aborted or abandoned one (commit never called) must be invisible ({@link AnomalyKind#ABORTED_VISIBLE});</li>
 *   <li>one in doubt (commit called, no answer) may go either way, but all or nothing ({@link AnomalyKind#TORN});</li>
 *   <li>every record at most once ({@link AnomalyKind#DUPLICATE}), in its producer's order within its partition
 *       ({@link AnomalyKind#ORDER}), and one that some producer wrote as planned ({@link AnomalyKind#UNKNOWN_RECORD},
 *       {@link AnomalyKind#FOREIGN_RECORD}).</li>
 * </ul>
 * A pure function of its inputs (no I/O, no clock): the unit tests feed it hand-made histories and views.
 */
public final class TxnChecker {

    private TxnChecker() {
    }

    /**
     * Checks one view. {@code read.records()} must be in partition, then offset order (as readers return them).
     *
     * @param physical a read_uncommitted view of the same log (or null): where each record physically is. A committed
     *                 or in-doubt transaction with a missing record that lies at or beyond the view's end offset (a
     *                 last stable offset held back by a hanging transaction) is not judged, since no read_committed
     *                 reader could have seen it; it is counted in {@link ViewCheck#beyondEnd()} instead.
     */
    public static ViewCheck check(String view, Map<Integer, ProducerHistory> histories, ReadResult read,
                                  ReadResult physical) {
        Map<TxnRecord, Observed> inLog = new HashMap<>();
        if (physical != null) {
            physical.records().forEach(o -> inLog.putIfAbsent(o.record(), o));
        }
        Anomalies anomalies = new Anomalies(view);
        if (!read.complete()) {
            anomalies.add(AnomalyKind.INCOMPLETE_READ, String.join("; ", read.problems()));
        }
        if (read.foreignRecords() > 0) {
            anomalies.add(AnomalyKind.FOREIGN_RECORD, read.foreignRecords(), read.foreignRecords()
                    + " records whose value is not a txncheck record");
        }
        List<Observed> distinct = new ArrayList<>();
        Set<Long> seenOffsets = new HashSet<>();
        long redelivered = 0;
        int partition = -1;
        for (Observed o : read.records()) {
            if (o.partition() != partition) {
                partition = o.partition();
                seenOffsets.clear();
            }
            if (seenOffsets.add(o.offset())) {
                distinct.add(o);
            } else {
                redelivered++;
            }
        }

        Map<TxnId, Map<Integer, List<Observed>>> seen = new HashMap<>();
        for (Observed o : distinct) {
            TxnRecord r = o.record();
            ProducerHistory h = histories.get(r.producer());
            TxnInfo info = h == null ? null : h.txns().get(r.txn());
            if (info == null) {
                anomalies.add(AnomalyKind.UNKNOWN_RECORD, r + " at " + o.where() + ": producer " + r.producer()
                        + " never began transaction " + r.txn());
                continue;
            }
            if (r.index() >= info.count() || r.count() != info.count() || r.incarnation() != info.incarnation()
                    || info.partitions().get(r.index()) != o.partition()) {
                anomalies.add(AnomalyKind.UNKNOWN_RECORD, r + " at " + o.where() + " does not match its transaction: "
                        + describePlan(info));
                if (r.index() >= info.count()) {
                    continue;
                }
            }
            seen.computeIfAbsent(info.id(), k -> new TreeMap<>()).computeIfAbsent(r.index(), k -> new ArrayList<>()).add(o);
        }

        seen.forEach((id, byIndex) -> byIndex.forEach((index, where) -> {
            if (where.size() > 1) {
                anomalies.add(AnomalyKind.DUPLICATE, id + " record " + index + " is visible " + where.size() + " times: "
                        + String.join(", ", where.stream().map(Observed::where).toList()));
            }
        }));

        Map<TxnFate, Visibility> visibility = new EnumMap<>(TxnFate.class);
        long beyondEnd = 0;
        for (ProducerHistory h : histories.values()) {
            for (TxnInfo info : h.txns().values()) {
                Map<Integer, List<Observed>> byIndex = seen.getOrDefault(info.id(), Map.of());
                int visible = byIndex.size();
                boolean none = visible == 0;
                boolean full = visible == info.count();
                if (!full && !info.fate().mustBeInvisible() && missingBeyondEnd(info, byIndex, inLog, read.endOffsets())) {
                    beyondEnd++;
                    continue;
                }
                visibility.merge(info.fate(), new Visibility(full ? 1 : 0, !none && !full ? 1 : 0, none ? 1 : 0),
                        Visibility::plus);
                if (info.fate().mustBeInvisible()) {
                    if (!none) {
                        anomalies.add(AnomalyKind.ABORTED_VISIBLE, describe(info, byIndex));
                    }
                } else if (info.fate() == TxnFate.COMMITTED && none) {
                    anomalies.add(AnomalyKind.LOST_COMMITTED, describe(info, byIndex));
                } else if (!none && !full) {
                    anomalies.add(AnomalyKind.TORN, describe(info, byIndex));
                }
            }
        }

        checkOrder(distinct, anomalies);
        return new ViewCheck(view, distinct.size(), redelivered, visibility, beyondEnd, anomalies.report());
    }

    /** True if a record of {@code info} that the view lacks is in the log at or past the view's end offset. */
    private static boolean missingBeyondEnd(TxnInfo info, Map<Integer, List<Observed>> byIndex,
                                            Map<TxnRecord, Observed> where, Map<Integer, Long> endOffsets) {
        for (int i = 0; i < info.count(); i++) {
            if (byIndex.containsKey(i)) {
                continue;
            }
            Observed o = where.get(new TxnRecord(info.id().producer(), info.incarnation(), info.id().txn(), i,
                    info.count()));
            if (o != null && o.offset() >= endOffsets.getOrDefault(o.partition(), Long.MAX_VALUE)) {
                return true;
            }
        }
        return false;
    }

    /** Within each partition, each producer's records must come in (txn, index) order. */
    private static void checkOrder(List<Observed> distinct, Anomalies anomalies) {
        Map<Integer, Observed> lastByProducer = new HashMap<>();
        int partition = -1;
        for (Observed o : distinct) {
            if (o.partition() != partition) {
                partition = o.partition();
                lastByProducer.clear();
            }
            Observed last = lastByProducer.put(o.record().producer(), o);
            if (last != null && compare(o.record(), last.record()) < 0) {
                anomalies.add(AnomalyKind.ORDER, o.record() + " at " + o.where() + " comes after " + last.record()
                        + " at " + last.where());
            }
        }
    }

    private static int compare(TxnRecord a, TxnRecord b) {
        int c = Long.compare(a.txn(), b.txn());
        return c != 0 ? c : Integer.compare(a.index(), b.index());
    }

    /** "p1/t42 (committed, incarnation 2, 5 records to partitions [0, 3, 1, 1, 2])". */
    static String describePlan(TxnInfo info) {
        return info.id() + " (" + info.fate() + ", incarnation " + info.incarnation() + ", " + info.count()
                + " records to partitions " + info.partitions() + ")";
    }

    /** The plan, what is visible where, what is missing, and the last event detail. */
    static String describe(TxnInfo info, Map<Integer, List<Observed>> byIndex) {
        StringBuilder sb = new StringBuilder(describePlan(info)).append(": ").append(byIndex.size()).append(" of ")
                .append(info.count()).append(" visible");
        if (!byIndex.isEmpty()) {
            StringJoiner at = new StringJoiner(", ", " (", ")");
            byIndex.forEach((i, w) -> at.add("r" + i + " " + w.get(0).where()));
            sb.append(at);
        }
        if (!byIndex.isEmpty() && byIndex.size() < info.count()) {
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < info.count(); i++) {
                if (!byIndex.containsKey(i)) {
                    missing.add("r" + i + " (p" + info.partitions().get(i) + ")");
                }
            }
            sb.append(", missing ").append(String.join(", ", missing));
        }
        if (!info.lastDetail().isEmpty()) {
            sb.append("; last note: ").append(info.lastDetail());
        }
        return sb.toString();
    }
}
