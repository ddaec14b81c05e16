package io.spillway.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code txn} workload of {@code bin/spillway-bench compare}: transactional produce throughput with 1 and 4
 * producers ({@link TxnProducePerf}, each run checked by {@link TxnLogCheck}) and the read_committed consume of a
 * fresh transactional topic of a fixed size ({@link CommittedRead}). Every case runs on a freshly started broker
 * after the page cache is dropped, as the other workloads do (with {@code oneBrokerPerRound}, for the smoke run,
 * the three cases share one broker, which saves two broker starts). Its rows go to their own table, whose column
 * headers say what a commit means for each contender ({@link Contender#transactionDurability()}).
 *
 * <p>The read runs against Spillway and default Kafka only: Kafka with {@code flush.messages=1} reads through the
 * same code as default Kafka (as in the catch-up read).
 */
final class TxnWorkload {

    /** What the workload needs from the comparison run around it. */
    interface Harness {
        /** A fresh broker of {@code c} (the caller closes it). */
        Target start(Contender c);

        /** Records that a case failed; the run goes on. */
        void failed(String what, Contender c, Exception e);

        /** A line for the "Notes from this run" of the report. */
        void note(String key, String value);

        PrintStream out();
    }

    static final List<Integer> PRODUCERS = List.of(1, 4);
    static final int RECORDS_PER_TRANSACTION = 100;

    private final Harness harness;
    private final ComparisonTable table;
    private final Duration warmup;
    private final Duration duration;
    private final long readMib;
    private final boolean oneBrokerPerRound;

    TxnWorkload(Harness harness, ComparisonTable table, Duration warmup, Duration duration, long readMib,
                boolean oneBrokerPerRound) {
        this.harness = harness;
        this.table = table;
        this.warmup = warmup;
        this.duration = duration;
        this.readMib = readMib;
        this.oneBrokerPerRound = oneBrokerPerRound;
    }

    static String produceLabel(int producers) {
        return "transactional produce, " + producers + (producers == 1 ? " producer" : " producers");
    }

    static ComparisonTable.Metric throughputMetric(int producers) {
        return new ComparisonTable.Metric(produceLabel(producers), "throughput", "MiB/s", true, 1);
    }

    static ComparisonTable.Metric commitsMetric(int producers) {
        return new ComparisonTable.Metric(produceLabel(producers), "commits", "transactions/s", true, 0);
    }

    ComparisonTable.Metric readMetric() {
        return new ComparisonTable.Metric(String.format(Locale.ROOT, "read_committed consume of %,d MiB", readMib),
                "consumed", "MiB/s", true, 1);
    }

    /** Whether the read runs against {@code c}. */
    static boolean reads(Contender c) {
        return c != Contender.KAFKA_FSYNC;
    }

    /** One round for {@code c}: both produce cases, then (for {@link #reads} targets) the read. */
    void round(Contender c, int rep) {
        if (oneBrokerPerRound) {
            PageCache.dropAll();
            try (Target t = harness.start(c)) {
                for (int producers : PRODUCERS) {
                    produce(t, c, rep, producers);
                }
                if (reads(c)) {
                    read(t, c, rep);
                }
            } catch (RuntimeException e) {
                harness.failed("transactions (starting the broker)", c, e);
            }
            return;
        }
        for (int producers : PRODUCERS) {
            PageCache.dropAll();
            try (Target t = harness.start(c)) {
                produce(t, c, rep, producers);
            } catch (RuntimeException e) {
                harness.failed(produceLabel(producers) + " (starting the broker)", c, e);
            }
        }
        if (reads(c)) {
            PageCache.dropAll();
            try (Target t = harness.start(c)) {
                read(t, c, rep);
            } catch (RuntimeException e) {
                harness.failed("read_committed consume (starting the broker)", c, e);
            }
        }
    }

    private void produce(Target t, Contender c, int rep, int producers) {
        String label = produceLabel(producers);
        try {
            AtomicReference<CpuMeter.Snapshot> cpu = new AtomicReference<>();
            TxnProducePerf.Config config = new TxnProducePerf.Config().topic("txn-" + producers).producers(producers)
                    .recordsPerTransaction(RECORDS_PER_TRANSACTION).warmup(warmup).duration(duration)
                    .transactionalIdPrefix("spillway-bench-txn-" + c.key() + "-" + rep + "-" + producers)
                    .onMeasureStart(() -> cpu.set(CpuMeter.Snapshot.take(t.pid())));
            TxnProducePerf.Result r = TxnProducePerf.run(t.bootstrap(), config);
            String cpuUse = CpuMeter.describe(cpu.get(), CpuMeter.Snapshot.take(t.pid()));
            TxnLogCheck.verify(t.bootstrap(), config.topic(), config.partitions(), RECORDS_PER_TRANSACTION,
                    r.committedTransactions(), Duration.ofSeconds(30));
            table.add(throughputMetric(producers), c, r.mibPerSec());
            table.add(commitsMetric(producers), c, r.transactionsPerSec());
            harness.out().printf(Locale.ROOT, "  %s: %.1f MiB/s, %,.0f transactions/s; commitTransaction() p50 %.1f ms, "
                            + "p99 %.1f ms; %,d retried record sends; log check: %,d transactions x (%d records + %d markers); "
                            + "CPU: %s%n", label, r.mibPerSec(), r.transactionsPerSec(), r.commitLatency().percentileMillis(0.50),
                    r.commitLatency().percentileMillis(0.99), r.retriedRecords(), r.committedTransactions(), RECORDS_PER_TRANSACTION,
                    Math.min(RECORDS_PER_TRANSACTION, config.partitions()), cpuUse);
        } catch (Exception e) {
            harness.failed(label, c, e);
        }
    }

    private void read(Target t, Contender c, int rep) {
        try {
            CommittedRead.Result r = CommittedRead.run(t.bootstrap(), t.pid(), "txn-read", readMib << 20,
                    "spillway-bench-txn-read-" + c.key() + "-" + rep);
            table.add(readMetric(), c, r.read().mibPerSec());
            harness.note("read_committed " + c.key() + " round " + rep, String.format(Locale.ROOT,
                    "read %,d records = the %,d committed (%,d transactions)", r.read().totalRecords(),
                    r.written().committedRecords(), r.written().committedTransactions()));
            harness.out().println("  " + r.summary());
        } catch (Exception e) {
            harness.failed("read_committed consume", c, e);
        }
    }

    /** The workload's description for the report. */
    static String method(Duration warmup, Duration duration, long readMib) {
        return String.format(Locale.ROOT, "transactional, idempotent producers (each its own transactional.id, acks=all, "
                + "batch.size=16384, linger.ms=5), 1 KiB random values, 8 partitions, %d records per transaction sent "
                + "round-robin (record j to partition j %% 8, so every transaction writes 12-13 records and one commit "
                + "marker to each partition), commitTransaction() after every transaction; %d s warm-up then %d s "
                + "measured (first begin to last commit); after each run the end offsets must equal records + one marker "
                + "per transaction per partition, with the last stable offset at the high watermark. read_committed: "
                + "%,d MiB written the same way by " + CommittedRead.PRODUCERS + " producers on a fresh broker, then one consumer "
                + "(isolation.level=read_committed, assign, no group) reads it from the beginning, timed after the first "
                + "tenth; it must read exactly the committed record count. Kafka with flush.messages=1 is not read: its "
                + "read path is the same as Kafka's.", RECORDS_PER_TRANSACTION, warmup.toSeconds(), duration.toSeconds(),
                readMib);
    }
}
