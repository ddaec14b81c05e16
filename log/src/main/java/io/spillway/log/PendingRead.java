package io.spillway.log;

import io.spillway.storage.StorageException;
import io.spillway.storage.StoredSlice;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The batches one partition read returns, decided ({@link PartitionLog#planRead}) but not yet read from the
 * shared log. {@link #readAll} reads the batches of many such reads in the order of their location in the
 * shared log: partitions written together are interleaved there, so reading partition by partition jumps
 * back and forth and defeats the kernel's readahead, while location order is a forward scan.
 */
public final class PendingRead {
    private final PartitionLog log;
    private final long fetchOffset;
    private final long[] locations;
    private final int[] sizes;
    private final int totalBytes;
    private final long highWatermark;
    private final long lastStableOffset;
    private final long logStartOffset;
    private final long logEndOffset;
    private final List<AbortedTransaction> abortedTransactions;
    private final long offsetsRead;
    private ByteBuffer records;
    private int[] positions;
    private RuntimeException failure;
    private StoredSlice[] slices;

    PendingRead(PartitionLog log, long fetchOffset, long[] locations, int[] sizes, int totalBytes, long highWatermark,
                long lastStableOffset, long logStartOffset, long logEndOffset, List<AbortedTransaction> abortedTransactions,
                long offsetsRead) {
        this.offsetsRead = offsetsRead;
        this.log = log;
        this.fetchOffset = fetchOffset;
        this.locations = locations;
        this.sizes = sizes;
        this.totalBytes = totalBytes;
        this.highWatermark = highWatermark;
        this.lastStableOffset = lastStableOffset;
        this.logStartOffset = logStartOffset;
        this.logEndOffset = logEndOffset;
        this.abortedTransactions = abortedTransactions;
    }

    /** Bytes this read will return. */
    public int totalBytes() {
        return totalBytes;
    }

    /**
     * Offsets this read hands the client from its fetch offset on, to the end of the last batch: the records it gets
     * (metrics). Without reading the batches it cannot tell the offsets compaction removed or the control records
     * apart, so for compacted or transactional topics this is an upper bound.
     */
    public long offsetsRead() {
        return offsetsRead;
    }

    private void allocate() {
        if (records == null) {
            records = ByteBuffer.allocate(totalBytes);
            positions = new int[sizes.length];
            int position = 0;
            for (int i = 0; i < sizes.length; i++) {
                positions[i] = position;
                position += sizes[i];
            }
        }
    }

    private void readBatch(int i) {
        if (failure != null) {
            return;
        }
        try {
            log.storage().read(locations[i], records.duplicate().position(positions[i]).limit(positions[i] + sizes[i]));
        } catch (StorageException e) {
            failure = log.readFailure(fetchOffset, e);
        }
    }

    /**
     * Instead of reading, notes where each batch lies on disk, for a zero-copy send ({@link #slices}). Safe against a
     * segment deleted right after: its file stays open for the shared log's delete delay.
     */
    public void sliceNow() {
        slices = new StoredSlice[locations.length];
        for (int i = 0; i < locations.length && failure == null; i++) {
            try {
                slices[i] = log.storage().slice(locations[i], sizes[i]);
            } catch (StorageException e) {
                failure = log.readFailure(fetchOffset, e);
            }
        }
    }

    /**
     * The batches' places on disk in offset order, after {@link #sliceNow}; null if the read was not sliced.
     *
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException if retention removed the data meanwhile
     */
    public List<StoredSlice> slices() {
        if (failure != null) {
            throw failure;
        }
        return slices == null ? null : Arrays.asList(slices);
    }

    /**
     * Reads this partition's batches in offset order (their location order too, except where compaction or the
     * reorganiser moved some batches forward).
     */
    void readNow() {
        allocate();
        for (int i = 0; i < locations.length; i++) {
            readBatch(i);
        }
    }

    /** Reads the batches of all {@code reads} ordered by their location in the shared log. */
    public static void readAll(List<PendingRead> reads) {
        int n = 0;
        for (PendingRead r : reads) {
            r.allocate();
            n += r.locations.length;
        }
        if (reads.size() == 1) {
            reads.get(0).readNow();
            return;
        }
        int[] owner = new int[n];
        int[] batch = new int[n];
        long[] keys = new long[n];
        int k = 0;
        for (int r = 0; r < reads.size(); r++) {
            long[] locations = reads.get(r).locations;
            for (int i = 0; i < locations.length; i++) {
                keys[k] = locations[i];
                owner[k] = r;
                batch[k] = i;
                k++;
            }
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(keys[a], keys[b])); // locations order like appends
        for (int j : idx) {
            reads.get(owner[j]).readBatch(batch[j]);
        }
    }

    /**
     * What was read.
     *
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException if retention removed the data meanwhile
     * @throws org.apache.kafka.common.errors.KafkaStorageException if the storage read failed otherwise
     */
    public ReadResult result() {
        if (failure != null) {
            throw failure;
        }
        return new ReadResult(records == null ? ByteBuffer.allocate(0) : records, highWatermark, lastStableOffset,
                logStartOffset, logEndOffset, abortedTransactions);
    }
}
