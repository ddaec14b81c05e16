package io.spillway.bench.txncheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The checker on hand-made histories and views: one test per guarantee, each with the violation and without it. */
class TxnCheckerTest {

    /** Producer 0's transactions 0..n, each of 2 records to partitions 0 and 1, with the given fates. */
    private static Map<Integer, ProducerHistory> histories(TxnFate... fates) {
        TreeMap<Long, TxnInfo> txns = new TreeMap<>();
        for (int t = 0; t < fates.length; t++) {
            txns.put((long) t, new TxnInfo(new TxnId(0, t), 0, List.of(0, 1), fates[t], ""));
        }
        return Map.of(0, new ProducerHistory(0, txns, 1, 1, List.of(), 0));
    }

    /** A view holding the listed (txn, index) records of producer 0, at increasing offsets of their partitions. */
    private static final class View {
        private final List<Observed> records = new ArrayList<>();
        private final Map<Integer, Long> next = new HashMap<>();

        View add(long txn, int index) {
            int partition = index; // the plan above: record i goes to partition i
            long offset = next.merge(partition, 1L, Long::sum) - 1;
            records.add(new Observed(partition, offset, new TxnRecord(0, 0, txn, index, 2)));
            return this;
        }

        View addAll(long... txns) {
            for (long t : txns) {
                add(t, 0).add(t, 1);
            }
            return this;
        }

        /** Appends the same record again at a new offset (a duplicate in the log). */
        View again(long txn, int index) {
            return add(txn, index);
        }

        ReadResult read() {
            return read(Map.of(0, Long.MAX_VALUE, 1, Long.MAX_VALUE));
        }

        ReadResult read(Map<Integer, Long> end) {
            List<Observed> sorted = new ArrayList<>(records);
            sorted.sort(Comparator.comparingInt(Observed::partition).thenComparingLong(Observed::offset));
            return new ReadResult("test", sorted, 0, end, true, List.of());
        }
    }

    private static ViewCheck check(Map<Integer, ProducerHistory> h, ReadResult r) {
        return TxnChecker.check("test", h, r, null);
    }

    @Test
    void aCorrectViewHasNoAnomalyAndCountsVisibilityPerFate() {
        var h = histories(TxnFate.COMMITTED, TxnFate.ABORTED, TxnFate.IN_DOUBT, TxnFate.IN_DOUBT, TxnFate.ABANDONED);
        ViewCheck c = check(h, new View().addAll(0, 2).read());
        assertThat(c.anomalies().total()).isZero();
        assertThat(c.recordsRead()).isEqualTo(4);
        assertThat(c.visibility(TxnFate.COMMITTED)).isEqualTo(new Visibility(1, 0, 0));
        assertThat(c.visibility(TxnFate.IN_DOUBT)).as("in doubt: either way is fine").isEqualTo(new Visibility(1, 0, 1));
        assertThat(c.visibility(TxnFate.ABORTED)).isEqualTo(new Visibility(0, 0, 1));
        assertThat(c.visibility(TxnFate.ABANDONED)).isEqualTo(new Visibility(0, 0, 1));
    }

    @Test
    void aCommittedTransactionWithNothingVisibleIsLost() {
        ViewCheck c = check(histories(TxnFate.COMMITTED, TxnFate.COMMITTED), new View().addAll(1).read());
        assertThat(c.anomalies().counts()).containsOnly(Map.entry(AnomalyKind.LOST_COMMITTED, 1L));
        assertThat(c.anomalies().examples().get(0).example()).startsWith("p0/t0 (committed").contains("0 of 2 visible");
    }

    @Test
    void partlyVisibleIsTornWhetherCommittedOrInDoubt() {
        ViewCheck c = check(histories(TxnFate.COMMITTED, TxnFate.IN_DOUBT), new View().add(0, 0).add(1, 1).read());
        assertThat(c.anomalies().counts()).containsOnly(Map.entry(AnomalyKind.TORN, 2L));
        assertThat(c.anomalies().examples().get(0).example()).contains("1 of 2 visible (r0 p0@0), missing r1 (p1)");
    }

    @Test
    void anyVisibleRecordOfAnAbortedOrAbandonedTransactionIsAnAnomaly() {
        ViewCheck c = check(histories(TxnFate.ABORTED, TxnFate.ABANDONED), new View().addAll(0).add(1, 1).read());
        assertThat(c.anomalies().counts()).containsOnly(Map.entry(AnomalyKind.ABORTED_VISIBLE, 2L));
    }

    @Test
    void theSameRecordAtTwoOffsetsIsADuplicateButARedeliveryIsNot() {
        var h = histories(TxnFate.COMMITTED);
        ViewCheck dup = check(h, new View().addAll(0).again(0, 1).read());
        assertThat(dup.anomalies().counts()).containsOnly(Map.entry(AnomalyKind.DUPLICATE, 1L));

        ReadResult once = new View().addAll(0).read();
        List<Observed> twice = new ArrayList<>(once.records());
        twice.add(1, once.records().get(0)); // the consumer returned p0@0 twice
        ViewCheck redelivered = check(h, new ReadResult("test", twice, 0, once.endOffsets(), true, List.of()));
        assertThat(redelivered.anomalies().total()).isZero();
        assertThat(redelivered.redelivered()).isEqualTo(1);
    }

    @Test
    void aProducersRecordsMustKeepTheirOrderWithinAPartition() {
        ViewCheck c = check(histories(TxnFate.COMMITTED, TxnFate.COMMITTED), new View().addAll(1, 0).read());
        assertThat(c.anomalies().counts()).containsOnly(Map.entry(AnomalyKind.ORDER, 2L));
        assertThat(c.anomalies().examples().get(0).example()).contains("t=0 r=0/2 at p0@1 comes after", "t=1 r=0/2 at p0@0");
    }

    @Test
    void recordsThatNoProducerPlannedAreUnknownOrForeign() {
        var h = histories(TxnFate.COMMITTED);
        List<Observed> recs = new ArrayList<>(new View().addAll(0).read().records());
        recs.add(new Observed(1, 5, new TxnRecord(0, 0, 9, 0, 2)));  // a transaction that never began
        recs.add(new Observed(1, 6, new TxnRecord(0, 0, 0, 0, 2)));  // record 0 belongs to partition 0
        ViewCheck c = check(h, new ReadResult("test", recs, 3, Map.of(), true, List.of()));
        assertThat(c.anomalies().count(AnomalyKind.UNKNOWN_RECORD)).isEqualTo(2);
        assertThat(c.anomalies().count(AnomalyKind.FOREIGN_RECORD)).isEqualTo(3);
    }

    @Test
    void anIncompleteReadIsAnAnomaly() {
        ReadResult r = new ReadResult("test", List.of(), 0, Map.of(), false, List.of("did not reach the end"));
        assertThat(check(histories(), r).anomalies().counts()).containsOnly(Map.entry(AnomalyKind.INCOMPLETE_READ, 1L));
    }

    @Test
    void aCommittedTransactionBeyondTheEndOfTheViewIsNotJudged() {
        var h = histories(TxnFate.COMMITTED, TxnFate.COMMITTED);
        ReadResult physical = new View().addAll(0, 1).read();
        // the view stops at offset 1 of partition 1 (a last stable offset held back): t1's record 1 is beyond it
        ReadResult view = new View().addAll(0).add(1, 0).read(Map.of(0, 2L, 1, 1L));
        ViewCheck c = TxnChecker.check("test", h, view, physical);
        assertThat(c.anomalies().total()).isZero();
        assertThat(c.beyondEnd()).isEqualTo(1);
        assertThat(TxnChecker.check("test", h, view, null).anomalies().counts())
                .as("without the physical view it is torn").containsOnly(Map.entry(AnomalyKind.TORN, 1L));
    }

    @Test
    void examplesAreCappedButEveryAnomalyIsCounted() {
        TxnFate[] fates = new TxnFate[50];
        java.util.Arrays.fill(fates, TxnFate.COMMITTED);
        ViewCheck c = check(histories(fates), new View().read());
        assertThat(c.anomalies().count(AnomalyKind.LOST_COMMITTED)).isEqualTo(50);
        assertThat(c.anomalies().examples()).hasSize(Anomalies.EXAMPLES_PER_KIND);
    }

    @Test
    void viewsThatDifferAreReportedBothWays() {
        ReadResult a = new View().addAll(0).read();
        ReadResult b = new View().addAll(0, 1).read();
        Anomalies found = new Anomalies("run");
        ViewComparison.compare(a, b, found);
        assertThat(found.report().count(AnomalyKind.VIEWS_DIFFER)).isEqualTo(2);
        assertThat(found.report().examples().get(0).example()).startsWith("seen while tailing, not by the final read");
        Anomalies none = new Anomalies("run");
        ViewComparison.compare(a, a, none);
        assertThat(none.report().total()).isZero();
    }
}
