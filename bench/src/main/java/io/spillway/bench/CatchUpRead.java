package io.spillway.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Catch-up read from disk: write {@code bytes} of records (1 KiB, 8 partitions, four producers), evict the
 * broker's data files from the page cache ({@link PageCache}), then read the whole topic from the beginning with
 * one consumer; the first tenth of the records warms up the consumer and is not timed.
 */
final class CatchUpRead {

    record Result(ProducePerf.Result written, PageCache.Residency before, ConsumePerf.Result read, String cpu) {
        String summary() {
            return String.format(Locale.ROOT, "catch-up read: %.1f MiB/s (%,d records in %.1f s); before the read %s; CPU: %s",
                    read.mibPerSec(), read.records(), read.seconds(), before.describe(), cpu);
        }
    }

    private CatchUpRead() {
    }

    static Result run(String bootstrap, java.util.OptionalLong brokerPid, Path dataDir, String topic, long bytes, int recordSize)
            throws InterruptedException, IOException {
        ProducePerf.Config fill = new ProducePerf.Config().topic(topic).partitions(8).recordSize(recordSize)
                .records(Math.max(1, bytes / recordSize)).warmupRecords(0).producers(4);
        ProducePerf.Result written = ProducePerf.run(bootstrap, fill);
        if (written.errors() > 0) {
            throw new IllegalStateException("writing the catch-up data failed: " + written.firstError());
        }
        PageCache.Residency before = PageCache.evict(dataDir);
        java.util.concurrent.atomic.AtomicReference<CpuMeter.Snapshot> cpu = new java.util.concurrent.atomic.AtomicReference<>();
        // the first tenth is the consumer's warm-up (JIT), read from disk like the rest but not timed
        ConsumePerf.Result read = ConsumePerf.run(bootstrap, new ConsumePerf.Config().topic(topic)
                .warmupRecords(written.records() / 10)
                .onMeasureStart(() -> cpu.set(CpuMeter.Snapshot.take(brokerPid))));
        String cpuUse = CpuMeter.describe(cpu.get(), CpuMeter.Snapshot.take(brokerPid));
        if (read.totalRecords() < written.records()) {
            throw new IllegalStateException("catch-up read got " + read.totalRecords() + " of " + written.records() + " records");
        }
        return new Result(written, before, read, cpuUse);
    }
}
