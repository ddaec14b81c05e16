package io.spillway.log;

import io.spillway.common.Time;
import io.spillway.storage.StorageException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Compacts the partitions with cleanup.policy=compact, as Kafka's log cleaner does, over the shared log: keeps the
 * latest record of each key, removes tombstones (and transaction markers whose records are gone)
 * delete.retention.ms after a pass first kept them, removes the records of aborted transactions, and never changes
 * an offset. Compacted batches are written as copies and swapped in by a {@link BatchRewriter}.
 *
 * <p>A pass picks the partitions that are due (the share of not yet compacted bytes at least
 * min.cleanable.dirty.ratio, a record waiting longer than max.compaction.lag.ms, or a tombstone past its delete
 * horizon), dirtiest first, and cleans each from its log start up to where compaction may go
 * ({@link PartitionLog#cleanableEnd}): first it maps the keys of the dirty part to their latest offsets in a
 * {@link KeyOffsetMap} of fixed size, stopping where the map fills (the rest waits for the next pass), then it filters
 * every batch up to there through the map.
 *
 * <p>Runs on one background thread (never the shared log's flusher), its I/O held to
 * {@code log.cleaner.io.max.bytes.per.second}.
 */
public final class LogCleaner extends BackgroundRewrite {
    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);
    private static final int BATCHES_PER_READ = 512;

    /**
     * @param dedupeBufferBytes memory of the key map (log.cleaner.dedupe.buffer.size)
     * @param ioBytesPerSecond read and write rate limit (log.cleaner.io.max.bytes.per.second)
     */
    public record Settings(long dedupeBufferBytes, double ioBytesPerSecond) {
        public static final Settings DEFAULT = new Settings(32L << 20, Double.MAX_VALUE);
    }

    /** What one pass did. */
    public record PassStats(int partitions, long bytesRead, long bytesWritten, long recordsRemoved, long nanos) {
        /** Megabytes of log examined per second. */
        public double mbPerSecond() {
            return nanos == 0 ? 0 : bytesRead / 1e6 / (nanos / 1e9);
        }
    }

    private final LogManager logs;
    private final Time time;
    private final Settings settings;
    private final IoThrottle throttle;
    private KeyOffsetMap map;
    private ByteBuffer readBuffer = ByteBuffer.allocate(64 << 10);
    /** Bytes read for the partition being cleaned (both passes); the cleaner runs on one thread. */
    private long bytesRead;

    public LogCleaner(LogManager logs, Time time, Settings settings) {
        this.logs = logs;
        this.time = time;
        this.settings = settings;
        this.throttle = new IoThrottle(settings.ioBytesPerSecond());
    }

    @Override
    protected void pass() throws InterruptedException {
        runOnce();
    }

    @Override
    protected String failureMessage() {
        return "Log cleaner pass failed; compacted topics are cleaned again at the next pass";
    }

    /** Cleans every partition that is due; returns what it did. */
    public PassStats runOnce() throws InterruptedException {
        long nowMs = time.nowMs();
        record Candidate(PartitionLog log, double ratio) {
        }
        List<Candidate> due = new ArrayList<>();
        for (PartitionLog partition : logs.all()) {
            if (!partition.config().compact() || partition.isDeleted()) {
                continue;
            }
            double ratio = dueRatio(partition, nowMs);
            if (ratio >= 0) {
                due.add(new Candidate(partition, ratio));
            }
        }
        due.sort(Comparator.comparingDouble(Candidate::ratio).reversed());
        long start = System.nanoTime();
        long read = 0;
        long written = 0;
        long removed = 0;
        int cleaned = 0;
        for (Candidate candidate : due) {
            if (stopped()) {
                break;
            }
            try {
                Cleaned result = clean(candidate.log(), time.nowMs());
                if (result != null) {
                    cleaned++;
                    read += result.bytesRead();
                    written += result.bytesWritten();
                    removed += result.recordsRemoved();
                }
            } catch (StorageException | IllegalStateException e) {
                log.warn("Could not compact {} ({}); it stays as it was and is tried again at the next pass",
                        candidate.log().name(), e.getMessage());
            }
        }
        PassStats stats = new PassStats(cleaned, read, written, removed, System.nanoTime() - start);
        if (cleaned > 0) {
            log.info("Compacted {} partitions: read {} bytes, wrote {} bytes, removed {} records in {} ms ({} MB/s)",
                    cleaned, read, written, removed, stats.nanos() / 1_000_000,
                    String.format(java.util.Locale.ROOT, "%.1f", stats.mbPerSecond()));
        }
        return stats;
    }

    /** The partition's dirty ratio when it is due for cleaning (1.0 when a deadline forces it), else -1. */
    static double dueRatio(PartitionLog partition, long nowMs) {
        LogConfig.Compaction settings = partition.config().compaction();
        long end = partition.cleanableEnd(nowMs);
        long start = partition.logStartOffset();
        long firstDirty = Math.min(partition.cleanedUpTo(), end);
        PartitionLog.Section dirty = partition.section(firstDirty, end);
        if (dirty.bytes() > 0) {
            long total = partition.section(start, end).bytes();
            double ratio = total == 0 ? 0 : (double) dirty.bytes() / total;
            if (ratio >= settings.minDirtyRatio()) {
                return ratio;
            }
            if (settings.maxLagMs() < Long.MAX_VALUE && dirty.firstMaxTimestamp() >= 0
                    && dirty.firstMaxTimestamp() < nowMs - settings.maxLagMs()) {
                return 1.0;
            }
        }
        return partition.deleteHorizonMs() <= nowMs && end > start ? 0.0 : -1;
    }

    /** What compacting one partition did. */
    record Cleaned(long bytesRead, long bytesWritten, long recordsRemoved) {
    }

    /**
     * Compacts one partition from its log start as far as the key map reaches; returns what it did, or null when
     * there was nothing to do or the cleaner was stopped.
     */
    Cleaned clean(PartitionLog partition, long nowMs) throws InterruptedException {
        if (map == null) {
            map = new KeyOffsetMap(settings.dedupeBufferBytes());
        }
        long start = partition.logStartOffset();
        long end = partition.cleanableEnd(nowMs);
        long firstDirty = Math.max(start, Math.min(partition.cleanedUpTo(), end));
        map.clear();
        bytesRead = 0;
        long upTo = mapKeys(partition, firstDirty, end);
        if (upTo <= start) {
            return null;
        }
        Map<Long, ProducerStateTable.NewestBatch> newestBatches = partition.newestProducerBatches();
        CleanedTransactions transactions = new CleanedTransactions(partition.abortedTransactions(start, upTo));
        CleanerFilter filter = new CleanerFilter(nowMs, partition.config().compaction().deleteRetentionMs(), map,
                transactions, newestBatches, start, upTo);
        BatchRewriter rewriter = new BatchRewriter(partition, logs);
        long removed = 0;
        long horizon = Long.MAX_VALUE;
        ByteBuffer out = ByteBuffer.allocate(64 << 10);
        try {
            long from = start;
            while (from < upTo) {
                PartitionLog.StoredBatches batches = partition.storedBatches(from, upTo, BATCHES_PER_READ);
                if (batches.count() == 0) {
                    break;
                }
                for (int i = 0; i < batches.count(); i++) {
                    if (stopped()) {
                        return null; // closing the rewriter lets go of its copies; the partition stays as it was
                    }
                    ByteBuffer batchBytes = readBatch(batches.locations()[i], batches.sizes()[i]);
                    if (out.capacity() < batchBytes.remaining()) {
                        out = ByteBuffer.allocate(batchBytes.remaining());
                    }
                    out.clear();
                    MemoryRecords.FilterResult result = MemoryRecords.readableRecords(batchBytes.duplicate())
                            .filterTo(filter, out, BufferSupplier.NO_CACHING, Math.max(batchBytes.remaining(),
                                    partition.config().maxMessageBytes()));
                    removed += result.messagesRead() - result.messagesRetained();
                    ByteBuffer kept = result.outputBuffer().flip();
                    if (kept.remaining() == 0) {
                        rewriter.drop(batches.baseOffsets()[i], batches.locations()[i]);
                        continue;
                    }
                    MutableRecordBatch keptBatch = MemoryRecords.readableRecords(kept.duplicate()).batches().iterator().next();
                    if (keptBatch.baseOffset() != batches.baseOffsets()[i] || keptBatch.lastOffset() != batches.lastOffsets()[i]) {
                        throw new IllegalStateException("compacting the batch at offset " + batches.baseOffsets()[i]
                                + " changed its offsets; leaving the partition uncompacted");
                    }
                    // a batch kept past its horizon is kept for another reason (its transaction's records remain):
                    // it does not make the partition due again by time
                    if (keptBatch.deleteHorizonMs().isPresent() && keptBatch.deleteHorizonMs().getAsLong() > nowMs
                            && (keptBatch.isControlBatch() || hasTombstone(keptBatch))) {
                        horizon = Math.min(horizon, keptBatch.deleteHorizonMs().getAsLong());
                    }
                    if (!kept.equals(batchBytes)) {
                        rewriter.replace(batches.baseOffsets()[i], batches.locations()[i], kept, keptBatch.maxTimestamp());
                        throttle.charge(kept.remaining());
                    }
                    out = result.outputBuffer(); // the same buffer, or a larger one filterTo grew into
                }
                from = batches.lastOffsets()[batches.count() - 1] + 1;
            }
            rewriter.commit();
        } finally {
            rewriter.close();
        }
        partition.cleaned(upTo, horizon);
        log.debug("Compacted {} up to offset {}: read {} bytes, wrote {} bytes, removed {} records", partition.name(),
                upTo, bytesRead, rewriter.bytesWritten(), removed);
        return new Cleaned(bytesRead, rewriter.bytesWritten(), removed);
    }

    /**
     * Maps the keys of the batches in {@code [from, end)} to their latest offsets; returns the offset up to which
     * every batch was mapped ({@code end}, or less when the map filled).
     */
    private long mapKeys(PartitionLog partition, long from, long end) throws InterruptedException {
        CleanedTransactions transactions = new CleanedTransactions(partition.abortedTransactions(from, end));
        long next = from;
        while (next < end) {
            PartitionLog.StoredBatches batches = partition.storedBatches(next, end, BATCHES_PER_READ);
            if (batches.count() == 0) {
                return end;
            }
            for (int i = 0; i < batches.count(); i++) {
                ByteBuffer bytes = readBatch(batches.locations()[i], batches.sizes()[i]);
                for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                    boolean aborted = transactions.canDiscard(batch);
                    if (batch.isControlBatch() || aborted) {
                        continue;
                    }
                    Integer records = batch.countOrNull();
                    if (records != null && records > map.room()) {
                        if (map.size() == 0) {
                            throw new IllegalStateException("the batch at offset " + batch.baseOffset() + " has more "
                                    + "records than the cleaner's key map holds; raise log.cleaner.dedupe.buffer.size");
                        }
                        return batch.baseOffset(); // the map is full: clean up to here, the rest next time
                    }
                    for (Record record : batch) {
                        if (record.hasKey()) {
                            map.put(record.key(), record.offset());
                        }
                    }
                }
            }
            next = batches.lastOffsets()[batches.count() - 1] + 1;
        }
        return end;
    }

    private static boolean hasTombstone(RecordBatch batch) {
        for (Record record : batch) {
            if (!record.hasValue()) {
                return true;
            }
        }
        return false;
    }

    /** Reads one stored batch into the cleaner's buffer (valid until the next read). */
    private ByteBuffer readBatch(long location, int size) throws InterruptedException {
        if (readBuffer.capacity() < size) {
            readBuffer = ByteBuffer.allocate(size);
        }
        ByteBuffer buffer = readBuffer.clear().limit(size);
        logs.storage().read(location, buffer);
        bytesRead += size;
        throttle.charge(size);
        return buffer.flip();
    }

    /**
     * Kafka's cleaning rules for one batch and its records (see its LogCleaner): records of aborted transactions and
     * spent markers go; the newest batch of each producer, the last batch cleaned and the batch holding the log start
     * offset stay, if only as an empty batch, so that producer state, the log's end and its start survive in the log
     * itself (recovery takes the first stored batch as the log start when it lies above the persisted one, as Kafka
     * takes the base offset of its first segment, which compaction keeps); a record stays if it is the latest of its
     * key, and a tombstone only until its batch's delete horizon.
     */
    private static final class CleanerFilter extends MemoryRecords.RecordFilter {
        private final KeyOffsetMap map;
        private final CleanedTransactions transactions;
        private final Map<Long, ProducerStateTable.NewestBatch> newestBatches;
        private final long logStart;
        private final long upTo;
        private boolean discardRecords;

        CleanerFilter(long nowMs, long deleteRetentionMs, KeyOffsetMap map, CleanedTransactions transactions,
                      Map<Long, ProducerStateTable.NewestBatch> newestBatches, long logStart, long upTo) {
            super(nowMs, deleteRetentionMs);
            this.map = map;
            this.transactions = transactions;
            this.newestBatches = newestBatches;
            this.logStart = logStart;
            this.upTo = upTo;
        }

        @Override
        protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            boolean transactionDone = transactions.canDiscard(batch);
            discardRecords = batch.isControlBatch()
                    ? transactionDone && batch.deleteHorizonMs().isPresent() && batch.deleteHorizonMs().getAsLong() <= currentTime
                    : transactionDone;
            BatchRetention retention;
            if (batch.hasProducerId() && isNewestOfProducer(batch)) {
                retention = BatchRetention.RETAIN_EMPTY;
            } else if (batch.nextOffset() == upTo || batch.baseOffset() <= logStart && logStart <= batch.lastOffset()) {
                retention = BatchRetention.RETAIN_EMPTY;
            } else if (discardRecords) {
                retention = BatchRetention.DELETE;
            } else {
                retention = BatchRetention.DELETE_EMPTY;
            }
            return new BatchRetentionResult(retention, transactionDone && batch.isControlBatch());
        }

        private boolean isNewestOfProducer(RecordBatch batch) {
            ProducerStateTable.NewestBatch newest = newestBatches.get(batch.producerId());
            if (newest == null) {
                return false;
            }
            return newest.baseOffset() >= 0 ? batch.baseOffset() == newest.baseOffset()
                    : batch.isControlBatch() && batch.producerEpoch() == newest.epoch();
        }

        @Override
        protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (discardRecords) {
                return false;
            }
            if (batch.isControlBatch() || record.offset() >= upTo) {
                return true;
            }
            if (!record.hasKey()) {
                return false;
            }
            boolean latest = record.offset() >= map.get(record.key());
            boolean keepTombstone = batch.deleteHorizonMs().isEmpty() || currentTime < batch.deleteHorizonMs().getAsLong();
            return latest && (record.hasValue() || keepTombstone);
        }
    }
}
