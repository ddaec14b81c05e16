package io.spillway.http.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spillway.storage.SharedLog;
import io.spillway.storage.SyncListener;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The shared write-ahead log and what it holds: fsync latency {@code spillway_wal_fsync_seconds} (histogram; its
 * count is the number of fsyncs), the size of each group commit {@code spillway_wal_fsync_batch_bytes} and
 * {@code spillway_wal_fsync_batch_entries}, and gauges read at scrape time: {@code spillway_wal_size_bytes},
 * {@code spillway_wal_segments}, {@code spillway_partitions}, {@code spillway_topics}.
 *
 * <p>Thread contract: {@link #synced} runs on the shared log's flusher thread and only records into meters (no lock
 * beyond Micrometer's own, no I/O); the gauges are read on the scrape thread.
 */
public final class StorageMeters implements SyncListener {
    static final Duration[] FSYNC_BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000),
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofSeconds(1)};
    static final double[] BATCH_BYTES_BUCKETS = {1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216};
    static final double[] BATCH_ENTRIES_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

    private final MeterRegistry registry;
    private final Timer fsync;
    private final DistributionSummary batchBytes;
    private final DistributionSummary batchEntries;

    public StorageMeters(MeterRegistry registry) {
        this.registry = registry;
        this.fsync = Timer.builder("spillway.wal.fsync")
                .description("How long each group-commit fsync of the shared log took (produce with fsync before ack "
                        + "waits for one)")
                .serviceLevelObjectives(FSYNC_BUCKETS).register(registry);
        this.batchBytes = DistributionSummary.builder("spillway.wal.fsync.batch").baseUnit("bytes")
                .description("Bytes each fsync made durable: the size of a group commit")
                .serviceLevelObjectives(BATCH_BYTES_BUCKETS).register(registry);
        this.batchEntries = DistributionSummary.builder("spillway.wal.fsync.batch.entries")
                .description("Appends (record batches) each fsync made durable")
                .serviceLevelObjectives(BATCH_ENTRIES_BUCKETS).register(registry);
    }

    @Override
    public void synced(long nanos, long bytes, long entries) {
        fsync.record(nanos, TimeUnit.NANOSECONDS);
        batchBytes.record(bytes);
        batchEntries.record(entries);
    }

    /**
     * Gauges of the shared log's size and segments, and of the broker's partitions and topics.
     *
     * @param partitions how many partitions are open (cheap: a map's size)
     * @param topics how many topics exist (cheap: a map's size)
     */
    public void bind(SharedLog wal, IntSupplier partitions, IntSupplier topics) {
        Gauge.builder("spillway.wal.size", wal, SharedLog::sizeBytes).baseUnit("bytes")
                .description("Bytes the shared write-ahead log occupies on disk")
                .strongReference(true).register(registry);
        Gauge.builder("spillway.wal.segments", wal, SharedLog::segmentCount)
                .description("Segment files of the shared write-ahead log, the active one included")
                .strongReference(true).register(registry);
        Gauge.builder("spillway.partitions", partitions, IntSupplier::getAsInt)
                .description("Partitions of all topics, internal ones included")
                .strongReference(true).register(registry);
        Gauge.builder("spillway.topics", topics, IntSupplier::getAsInt)
                .description("Topics in all streams, internal ones included")
                .strongReference(true).register(registry);
    }
}
