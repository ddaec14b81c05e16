package io.spillway.bench.txncheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The producer's transaction loop against kafka-clients' MockProducer: what it logs, in which order, and when. */
class TransactionLoopTest {

    @TempDir
    Path dir;

    private final MockProducer<String, String> producer =
            new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());

    private ProducerSpec spec(double abortProbability) {
        return new ProducerSpec("unused:9092", "t", 4, 1, 2, 10, "tid", dir.resolve("p.outcomes"), 99, 3,
                abortProbability, 10_000, 30_000, 0);
    }

    private ProducerHistory history() throws Exception {
        return ProducerHistory.read(1, dir.resolve("p.outcomes"));
    }

    @Test
    void commitsAndAbortsAsTheSeedDecidesAndLogsBeforeAndAfterEachCall() throws Exception {
        ProducerSpec spec = spec(0.5);
        try (OutcomeLogWriter log = OutcomeLogWriter.open(spec.outcomeLog())) {
            TransactionLoop loop = new TransactionLoop(spec, producer, log, ChildControl.manual(), () -> { });
            assertThat(loop.initialize()).isTrue();
            for (long t = 10; t < 30; t++) {
                loop.runOne(t);
            }
        }
        ProducerHistory h = history();
        assertThat(h.txns()).hasSize(20);
        assertThat(h.txns().firstKey()).isEqualTo(10);
        assertThat(h.count(TxnFate.COMMITTED)).isEqualTo(producer.commitCount()).isPositive();
        assertThat(h.count(TxnFate.ABORTED)).isPositive();
        assertThat(h.count(TxnFate.COMMITTED) + h.count(TxnFate.ABORTED)).isEqualTo(20);
        assertThat(producer.history()).as("MockProducer keeps the committed records")
                .hasSize(3 * (int) producer.commitCount()).allSatisfy(r -> {
            TxnRecord rec = TxnRecord.decode(r.value()).orElseThrow();
            assertThat(rec.producer()).isEqualTo(1);
            assertThat(rec.incarnation()).isEqualTo(2);
            assertThat(h.txns().get(rec.txn()).partitions().get(rec.index())).isEqualTo(r.partition());
        });
        // the same seed makes the same choices
        List<TxnFate> fates = h.txns().values().stream().map(TxnInfo::fate).toList();
        Path other = dir.resolve("again");
        java.nio.file.Files.createDirectories(other);
        ProducerSpec again = new ProducerSpec("unused:9092", "t", 4, 1, 2, 10, "tid", other.resolve("p.outcomes"), 99,
                3, 0.5, 10_000, 30_000, 0);
        MockProducer<String, String> second = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
        try (OutcomeLogWriter log = OutcomeLogWriter.open(again.outcomeLog())) {
            TransactionLoop loop = new TransactionLoop(again, second, log, ChildControl.manual(), () -> { });
            loop.initialize();
            for (long t = 10; t < 30; t++) {
                loop.runOne(t);
            }
        }
        assertThat(ProducerHistory.read(1, again.outcomeLog()).txns().values().stream().map(TxnInfo::fate).toList())
                .isEqualTo(fates);
    }

    @Test
    void aRequestedCrashFlushesTheRecordsLogsAbandonAndHalts() throws Exception {
        ProducerSpec spec = spec(0);
        ChildControl control = ChildControl.manual();
        control.requestCrash();
        try (OutcomeLogWriter log = OutcomeLogWriter.open(spec.outcomeLog())) {
            TransactionLoop loop = new TransactionLoop(spec, producer, log, control, () -> {
                throw new IllegalStateException("halted");
            });
            loop.initialize();
            assertThatThrownBy(() -> loop.runOne(10)).hasMessage("halted");
        }
        assertThat(producer.flushed()).isTrue();
        assertThat(producer.transactionInFlight()).isTrue();
        assertThat(history().txns().get(10L).fate()).isEqualTo(TxnFate.ABANDONED);
    }

    @Test
    void aFailedCommitLeavesTheTransactionInDoubtAndGivesUp() throws Exception {
        ProducerSpec spec = spec(0);
        producer.commitTransactionException = new ProducerFencedException("fenced");
        try (OutcomeLogWriter log = OutcomeLogWriter.open(spec.outcomeLog())) {
            TransactionLoop loop = new TransactionLoop(spec, producer, log, ChildControl.manual(), () -> { });
            loop.initialize();
            assertThatThrownBy(() -> loop.runOne(10)).isInstanceOf(TransactionLoop.GiveUpException.class);
        }
        TxnInfo t = history().txns().get(10L);
        assertThat(t.fate()).isEqualTo(TxnFate.IN_DOUBT);
        assertThat(t.lastDetail()).contains("COMMIT_FAILED", "ProducerFencedException");
    }

    @Test
    void aTimedOutCommitIsRetriedAndThenCommitted() throws Exception {
        ProducerSpec spec = spec(0);
        try (OutcomeLogWriter log = OutcomeLogWriter.open(spec.outcomeLog())) {
            TransactionLoop loop = new TransactionLoop(spec, new FirstCommitTimesOut(), log, ChildControl.manual(),
                    () -> { });
            loop.initialize();
            loop.runOne(10);
        }
        ProducerHistory h = history();
        assertThat(h.txns().get(10L).fate()).isEqualTo(TxnFate.COMMITTED);
        assertThat(h.errors()).singleElement().asString().contains("attempt 1", "TimeoutException");
    }

    @Test
    void initTransactionsTimeoutsAreRetriedUntilAStop() throws Exception {
        ProducerSpec spec = spec(0);
        ChildControl control = ChildControl.manual();
        try (OutcomeLogWriter log = OutcomeLogWriter.open(spec.outcomeLog())) {
            TransactionLoop loop = new TransactionLoop(spec, new InitTimesOut(control, 3), log, control, () -> { });
            assertThat(loop.initialize()).isFalse();
        }
        assertThat(history().errors()).hasSize(3).allMatch(e -> e.contains("initTransactions: TimeoutException"));
    }

    /** commitTransaction() times out once, then works. */
    private static final class FirstCommitTimesOut extends MockProducer<String, String> {
        private boolean timedOut;

        FirstCommitTimesOut() {
            super(true, null, new StringSerializer(), new StringSerializer());
        }

        @Override
        public void commitTransaction() {
            if (!timedOut) {
                timedOut = true;
                throw new TimeoutException("slow coordinator");
            }
            super.commitTransaction();
        }
    }

    /** initTransactions() always times out; after {@code attempts} calls a stop is requested. */
    private static final class InitTimesOut extends MockProducer<String, String> {
        private final ChildControl control;
        private int left;

        InitTimesOut(ChildControl control, int attempts) {
            super(true, null, new StringSerializer(), new StringSerializer());
            this.control = control;
            this.left = attempts;
        }

        @Override
        public void initTransactions() {
            if (--left == 0) {
                control.requestStop();
            }
            throw new TimeoutException("no coordinator");
        }
    }
}
