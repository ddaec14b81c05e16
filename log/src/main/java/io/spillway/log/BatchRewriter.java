package io.spillway.log;

import io.spillway.storage.Locations;
import io.spillway.storage.SharedLog;
import io.spillway.storage.StorageException;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replaces batches of one partition by copies written at the head of the shared log (compacted by the
 * {@link LogCleaner}, or unchanged and moved together by the {@link SegmentReorganiser}), or drops them, without ever
 * changing an offset.
 *
 * <p>Crash safety, step by step: the copies are appended and made durable while the index still points at the
 * originals (a crash now leaves unreferenced copies, which replay skips because their offsets are already held);
 * then the index is switched in one step under the partition's monitor; the segments only the originals needed are
 * released after the next checkpoint, which holds the new locations (a crash before it restores the old locations
 * from the previous checkpoint, and their segments are still there).
 *
 * <p>While copies are being written their segments are retained for this rewrite, so that a segment roll cannot
 * delete a sealed segment holding copies nobody references yet.
 */
final class BatchRewriter implements AutoCloseable {
    private static final long DURABLE_WAIT_SECONDS = 60;

    private final PartitionLog log;
    private final LogManager logs;
    private final SharedLog storage;
    private long[] baseOffsets = new long[16];
    private long[] oldLocations = new long[16];
    private long[] newLocations = new long[16];
    private int[] newSizes = new int[16];
    private long[] newMaxTimestamps = new long[16];
    private int count;
    private final List<Integer> held = new ArrayList<>();
    private int lastCopySegment = -1;
    private long lastCopyLocation = -1;
    private long bytesWritten;

    BatchRewriter(PartitionLog log, LogManager logs) {
        this.log = log;
        this.logs = logs;
        this.storage = logs.storage();
    }

    /** Replaces the batch at {@code oldLocation} (base offset {@code baseOffset}) by {@code copy}, one whole batch. */
    void replace(long baseOffset, long oldLocation, ByteBuffer copy, long maxTimestamp) {
        long location;
        try {
            location = storage.append(log.key(), copy.duplicate(), lastCopySegment);
        } catch (StorageException e) {
            throw new StorageException("could not write a rewritten batch of " + log.name() + ": " + e.getMessage(), e);
        }
        int segment = Locations.segment(location);
        if (segment != lastCopySegment) {
            held.add(segment); // append retained it for us (a new run)
            lastCopySegment = segment;
        }
        lastCopyLocation = location;
        bytesWritten += copy.remaining();
        add(baseOffset, oldLocation, location, copy.remaining(), maxTimestamp);
    }

    /** Drops the batch at {@code oldLocation}: none of its records is left. */
    void drop(long baseOffset, long oldLocation) {
        add(baseOffset, oldLocation, Locations.NONE, 0, RecordBatch.NO_TIMESTAMP);
    }

    private void add(long baseOffset, long oldLocation, long newLocation, int size, long maxTimestamp) {
        if (count == baseOffsets.length) {
            int n = count * 2;
            baseOffsets = Arrays.copyOf(baseOffsets, n);
            oldLocations = Arrays.copyOf(oldLocations, n);
            newLocations = Arrays.copyOf(newLocations, n);
            newSizes = Arrays.copyOf(newSizes, n);
            newMaxTimestamps = Arrays.copyOf(newMaxTimestamps, n);
        }
        baseOffsets[count] = baseOffset;
        oldLocations[count] = oldLocation;
        newLocations[count] = newLocation;
        newSizes[count] = size;
        newMaxTimestamps[count] = maxTimestamp;
        count++;
    }

    int count() {
        return count;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Waits until the copies are durable, then switches the index to them; on failure the copies stay unreferenced
     * and the partition is as before. The caller then {@link #close closes} the rewriter in any case.
     */
    void commit() throws InterruptedException {
        if (count == 0) {
            return;
        }
        if (lastCopyLocation >= 0) {
            try {
                storage.whenDurable(lastCopyLocation).get(DURABLE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new StorageException("rewritten batches of " + log.name() + " did not become durable: " + e, e);
            }
        }
        logs.releaseAfterNextCheckpoint(log.applyRewrites(Arrays.copyOf(baseOffsets, count),
                Arrays.copyOf(oldLocations, count), Arrays.copyOf(newLocations, count),
                Arrays.copyOf(newSizes, count), Arrays.copyOf(newMaxTimestamps, count)));
        count = 0;
    }

    /**
     * Lets go of the retains held for the copies: committed copies are retained by the index by now, the others stay
     * unreferenced in the shared log until their segments are freed.
     */
    @Override
    public void close() {
        held.forEach(storage::release);
        held.clear();
        count = 0;
    }
}
