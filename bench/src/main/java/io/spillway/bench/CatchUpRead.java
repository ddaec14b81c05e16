package io.spillway.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Catch-up read from disk: write {@code bytes} of records (1 KiB, 8 partitions, four producers), evict the
 * broker's data files from the page cache ({@link PageCache}), then read the whole topic from the beginning with
 * one consumer; the first tenth of the records warms up the consumer and is not timed. The broker's CPU is read
 * over the same timed part, so that its cost per MiB sent can be compared where the throughput is bound elsewhere
 * (by the consumer's fetch round trips, or the disk).
 */
final class CatchUpRead {

    /** @param brokerCpuMsPerMib broker CPU (user + sys) over the timed read per MiB read, -1 when unknown */
    record Result(ProducePerf.Result written, PageCache.Residency before, ConsumePerf.Result read, String cpu,
                  double brokerCpuMsPerMib) {
        String summary() {
            return String.format(Locale.ROOT, "catch-up read: %.1f MiB/s (%,d records in %.1f s), broker CPU %.1f ms per MiB; "
                            + "before the read %s; CPU: %s", read.mibPerSec(), read.records(), read.seconds(),
                    brokerCpuMsPerMib, before.describe(), cpu);
        }
    }

    private CatchUpRead() {
    }

    static Result run(String bootstrap, OptionalLong brokerPid, Path dataDir, String topic, long bytes, int recordSize)
            throws InterruptedException, IOException {
        ProducePerf.Config fill = new ProducePerf.Config().topic(topic).partitions(8).recordSize(recordSize)
                .records(Math.max(1, bytes / recordSize)).warmupRecords(0).producers(4);
        ProducePerf.Result written = ProducePerf.run(bootstrap, fill);
        if (written.errors() > 0) {
            throw new IllegalStateException("writing the catch-up data failed: " + written.firstError());
        }
        PageCache.Residency before = PageCache.evict(dataDir);
        AtomicReference<CpuMeter.Snapshot> cpu = new AtomicReference<>();
        AtomicReference<CpuMeter.Snapshot> end = new AtomicReference<>();
        // the first tenth is the consumer's warm-up (JIT), read from disk like the rest but not timed
        ConsumePerf.Result read = ConsumePerf.run(bootstrap, new ConsumePerf.Config().topic(topic)
                .warmupRecords(written.records() / 10)
                .onMeasureStart(() -> cpu.set(CpuMeter.Snapshot.take(brokerPid)))
                .onMeasureEnd(() -> end.set(CpuMeter.Snapshot.take(brokerPid))));
        if (read.totalRecords() < written.records()) {
            throw new IllegalStateException("catch-up read got " + read.totalRecords() + " of " + written.records() + " records");
        }
        return new Result(written, before, read, CpuMeter.describe(cpu.get(), end.get()),
                CpuMeter.brokerMillisPerMib(cpu.get(), end.get(), read.bytes()));
    }
}
