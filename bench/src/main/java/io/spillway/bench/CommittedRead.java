package io.spillway.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * read_committed consume throughput: a fresh 8-partition topic of {@code bytes} is written in committed
 * transactions ({@value #PRODUCERS} transactional producers, the {@link TxnProducePerf} layout: 100 records per
 * transaction, round-robin over the partitions, so every transaction leaves a commit marker in every partition), checked
 * with {@link TxnLogCheck}, then read from the beginning by one consumer with
 * {@code isolation.level=read_committed}. The first tenth of the records warms up the consumer and is not
 * timed. The data has just been written, so it is read from the page cache: this measures the broker's
 * read_committed fetch path (last stable offset, control batches skipped by the client), not the disk.
 *
 * <p>The read must return exactly the committed records, no more (nothing aborted or duplicated is visible)
 * and no fewer.
 */
final class CommittedRead {

    /** Producers that write the topic; transactions are latency-bound, so more of them fill it sooner. */
    static final int PRODUCERS = 8;

    record Result(TxnProducePerf.Result written, ConsumePerf.Result read, String cpu) {
        String summary() {
            return String.format(Locale.ROOT, "read_committed consume: %.1f MiB/s (%,d records in %.1f s after %,d warm-up "
                            + "records); read %,d records = the %,d committed in %,d transactions (written in %.1f s by %d "
                            + "producers); CPU: %s", read.mibPerSec(), read.records(), read.seconds(), read.warmupRecords(),
                    read.totalRecords(), written.committedRecords(), written.committedTransactions(), written.seconds(),
                    PRODUCERS, cpu);
        }
    }

    private CommittedRead() {
    }

    /** How many transactions of {@code recordsPerTransaction} records of {@code recordSize} hold at least {@code bytes}. */
    static long transactionsFor(long bytes, int recordSize, int recordsPerTransaction) {
        long perTransaction = (long) recordSize * recordsPerTransaction;
        return Math.max(1, (bytes + perTransaction - 1) / perTransaction);
    }

    static Result run(String bootstrap, OptionalLong brokerPid, String topic, long bytes, String transactionalIdPrefix)
            throws InterruptedException {
        TxnProducePerf.Config fill = new TxnProducePerf.Config().topic(topic).producers(PRODUCERS)
                .transactionalIdPrefix(transactionalIdPrefix);
        fill.transactions(transactionsFor(bytes, fill.recordSize(), fill.recordsPerTransaction()));
        TxnProducePerf.Result written = TxnProducePerf.run(bootstrap, fill);
        TxnLogCheck.verify(bootstrap, topic, fill.partitions(), fill.recordsPerTransaction(), written.committedTransactions(),
                Duration.ofSeconds(30));
        AtomicReference<CpuMeter.Snapshot> cpu = new AtomicReference<>();
        ConsumePerf.Result read = ConsumePerf.run(bootstrap, new ConsumePerf.Config().topic(topic)
                .consumerProps(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))
                .warmupRecords(written.committedRecords() / 10)
                .onMeasureStart(() -> cpu.set(CpuMeter.Snapshot.take(brokerPid))));
        String cpuUse = CpuMeter.describe(cpu.get(), CpuMeter.Snapshot.take(brokerPid));
        if (read.totalRecords() != written.committedRecords()) {
            throw new IllegalStateException(String.format(Locale.ROOT, "read_committed read %,d records, but %,d were committed",
                    read.totalRecords(), written.committedRecords()));
        }
        return new Result(written, read, cpuUse);
    }
}
