package io.spillway.coordinator.group;

import io.spillway.log.AppendResult;
import io.spillway.log.LogStartStore;
import io.spillway.log.PartitionLog;
import io.spillway.log.ReadResult;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The coordinator's state as records in an internal topic partition: writes append a batch and
 * complete once it is durable; startup replays the partition. Because only the latest record per
 * key matters, {@link #rewrite} appends the live records again and moves the log start past the
 * old ones, which keeps the partition about the size of the live state. Thread safe.
 */
final class CoordinatorLog {
    /** One keyed record; a null value deletes the key. */
    record Entry(byte[] key, byte[] value) {
    }

    private final PartitionLog partition;
    private final LogStartStore logStarts;
    private long appendedSinceRewrite;
    /** Completes when the latest append is durable, and with it every earlier one. */
    private CompletableFuture<Void> lastDurable = CompletableFuture.completedFuture(null);

    CoordinatorLog(PartitionLog partition, LogStartStore logStarts) {
        this.partition = partition;
        this.logStarts = logStarts;
    }

    /**
     * Appends records in one batch; the future completes once they are durable. With no records it
     * completes once everything appended before is durable, so that a response computed from state
     * that earlier appends produced is not sent before that state could survive a crash.
     */
    CompletableFuture<Void> append(List<Entry> entries, long nowMs) {
        if (entries.isEmpty()) {
            synchronized (this) {
                return lastDurable;
            }
        }
        int size = 64;
        for (Entry e : entries) {
            size += 32 + e.key().length + (e.value() == null ? 0 : e.value().length);
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(size), Compression.NONE,
                TimestampType.CREATE_TIME, 0L);
        for (Entry e : entries) {
            builder.append(nowMs, e.key(), e.value());
        }
        MemoryRecords batch = builder.build();
        synchronized (this) {
            AppendResult result = partition.append(batch.buffer());
            appendedSinceRewrite += entries.size();
            lastDurable = result.durable();
            return lastDurable;
        }
    }

    /** Hands every record from the log start to the end to {@code visitor} (value null for deletes). */
    void replay(BiConsumer<ByteBuffer, ByteBuffer> visitor) {
        long offset = partition.logStartOffset();
        long end = partition.highWatermark();
        while (offset < end) {
            ReadResult read = partition.read(offset, 4 * 1024 * 1024, true);
            if (!read.records().hasRemaining()) {
                break;
            }
            for (RecordBatch batch : MemoryRecords.readableRecords(read.records()).batches()) {
                for (Record record : batch) {
                    if (record.offset() >= offset && record.hasKey()) {
                        visitor.accept(record.key(), record.hasValue() ? record.value() : null);
                    }
                }
                offset = Math.max(offset, batch.lastOffset() + 1);
            }
        }
    }

    /** Whether enough has been appended since the last rewrite that one is worth it. */
    synchronized boolean wantsRewrite(int liveRecords) {
        return appendedSinceRewrite > 10_000 && appendedSinceRewrite > 2L * liveRecords;
    }

    /**
     * Appends the live state and, once it is durable, drops everything before it. The caller must
     * hold off other writers so that nothing is lost between the snapshot and the trim.
     */
    void rewrite(List<Entry> live, long nowMs) {
        long start = partition.logEndOffset();
        append(live, nowMs).join();
        logStarts.persist(java.util.Map.of(partition.key(), start));
        partition.trimTo(start);
        synchronized (this) {
            appendedSinceRewrite = 0;
        }
    }
}
