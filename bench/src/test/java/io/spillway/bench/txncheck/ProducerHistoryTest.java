package io.spillway.bench.txncheck;

import static io.spillway.bench.txncheck.OutcomeEvent.Kind.ABANDON;
import static io.spillway.bench.txncheck.OutcomeEvent.Kind.ABORTED;
import static io.spillway.bench.txncheck.OutcomeEvent.Kind.BEGIN;
import static io.spillway.bench.txncheck.OutcomeEvent.Kind.COMMITTED;
import static io.spillway.bench.txncheck.OutcomeEvent.Kind.COMMIT_FAILED;
import static io.spillway.bench.txncheck.OutcomeEvent.Kind.INTEND_ABORT;
import static io.spillway.bench.txncheck.OutcomeEvent.Kind.INTEND_COMMIT;
import static io.spillway.bench.txncheck.OutcomeEvent.Kind.READY;
import static io.spillway.bench.txncheck.OutcomeEvent.Kind.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outcome log on disk and its folding into transaction fates. */
class ProducerHistoryTest {

    private static OutcomeEvent ev(OutcomeEvent.Kind kind, int inc, long txn) {
        return OutcomeEvent.of(kind, inc, txn, kind == BEGIN ? "count=2 partitions=0,1" : "");
    }

    @Test
    void foldsEveryPathIntoItsFate() {
        ProducerHistory h = ProducerHistory.fold(0, List.of(
                ev(START, 0, -1), ev(READY, 0, -1),
                ev(BEGIN, 0, 0), ev(INTEND_COMMIT, 0, 0), ev(COMMITTED, 0, 0),
                ev(BEGIN, 0, 1), ev(INTEND_ABORT, 0, 1), ev(ABORTED, 0, 1),
                ev(BEGIN, 0, 2), ev(INTEND_COMMIT, 0, 2), // killed while committing
                ev(START, 1, -1), ev(READY, 1, -1),
                ev(BEGIN, 1, 3), ev(ABANDON, 1, 3), // planned crash
                ev(START, 2, -1),
                ev(BEGIN, 2, 4), ev(INTEND_ABORT, 2, 4), // abort never returned
                ev(BEGIN, 2, 5), ev(INTEND_COMMIT, 2, 5),
                OutcomeEvent.of(COMMIT_FAILED, 2, 5, "attempt 1: TimeoutException"), ev(COMMITTED, 2, 5)), 0);

        assertThat(h.txns().get(0L).fate()).isEqualTo(TxnFate.COMMITTED);
        assertThat(h.txns().get(1L).fate()).isEqualTo(TxnFate.ABORTED);
        assertThat(h.txns().get(2L).fate()).isEqualTo(TxnFate.IN_DOUBT);
        assertThat(h.txns().get(3L).fate()).isEqualTo(TxnFate.ABANDONED);
        assertThat(h.txns().get(4L).fate()).isEqualTo(TxnFate.ABANDONED);
        assertThat(h.txns().get(5L).fate()).as("a commit retried after a timeout that then returned")
                .isEqualTo(TxnFate.COMMITTED);
        assertThat(h.txns().get(5L).lastDetail()).contains("TimeoutException");
        assertThat(h.txns().get(3L).incarnation()).isEqualTo(1);
        assertThat(h.txns().get(0L).partitions()).containsExactly(0, 1);
        assertThat(h.incarnations()).isEqualTo(3);
        assertThat(h.readyCount()).isEqualTo(2);
        assertThat(h.errors()).singleElement().asString().contains("COMMIT_FAILED txn 5");
        assertThat(h.maxTxn()).isEqualTo(5);
    }

    @Test
    void aContradictoryLogIsAHarnessError() {
        assertThatThrownBy(() -> ProducerHistory.fold(0, List.of(ev(COMMITTED, 0, 7)), 0))
                .hasMessageContaining("never began");
        assertThatThrownBy(() -> ProducerHistory.fold(0, List.of(ev(BEGIN, 0, 7), ev(BEGIN, 1, 7)), 0))
                .hasMessageContaining("twice");
    }

    @Test
    void writerAndReaderRoundTripAndATornLineStaysAlone(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("p.outcomes");
        try (OutcomeLogWriter w = OutcomeLogWriter.open(log)) {
            w.append(ev(START, 0, -1));
            w.append(ev(BEGIN, 0, 0));
            w.append(OutcomeEvent.of(INTEND_COMMIT, 0, 0, "a\ttab and a\nnewline"));
        }
        // a process killed in the middle of writing a line
        Files.writeString(log, "COMMITTED\t0\t", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (OutcomeLogWriter w = OutcomeLogWriter.open(log)) {
            w.append(ev(START, 1, -1));
            w.append(ev(BEGIN, 1, 1));
        }
        ProducerHistory h = ProducerHistory.read(0, log);
        assertThat(h.tornLines()).isEqualTo(1);
        assertThat(h.incarnations()).isEqualTo(2);
        assertThat(h.txns().get(0L).fate()).as("its COMMITTED line was torn").isEqualTo(TxnFate.IN_DOUBT);
        assertThat(h.txns().get(0L).lastDetail()).isEqualTo("INTEND_COMMIT: a tab and a newline");
        assertThat(h.txns().get(1L).fate()).isEqualTo(TxnFate.ABANDONED);
    }

    @Test
    void aMissingLogIsAnEmptyHistory(@TempDir Path dir) throws Exception {
        ProducerHistory h = ProducerHistory.read(2, dir.resolve("none"));
        assertThat(h.txns()).isEmpty();
        assertThat(h.maxTxn()).isEqualTo(-1);
    }
}
