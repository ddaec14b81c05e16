package io.spillway.log;

import io.spillway.storage.Locations;
import io.spillway.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Frees shared segments that hold little live data. A segment of the shared log can be deleted only when no
 * partition has a batch left in it, so one partition with long retention would otherwise keep every segment it
 * ever wrote to, full of other partitions' expired or compacted data. The reorganiser finds sealed segments whose
 * live bytes are below a share of their size, copies each partition's live batches out of them to the head of the
 * log, partition by partition (so that the partition's old data ends up contiguous, which makes a catch-up read a
 * forward scan), and swaps the copies in with a {@link BatchRewriter}: offsets never change, and the old segments
 * are freed after the next checkpoint. The same idea as BookKeeper's entry-log compaction.
 *
 * <p>Runs on one background thread (never the shared log's flusher), its I/O held to a rate.
 */
public final class SegmentReorganiser extends BackgroundRewrite {
    private static final Logger log = LoggerFactory.getLogger(SegmentReorganiser.class);
    private static final int BATCHES_PER_READ = 512;

    /**
     * @param maxLiveRatio segments whose live bytes are below this share of their size are reorganised
     * @param maxBytesPerPass live bytes moved per pass at most (the rest waits for the next pass)
     * @param ioBytesPerSecond read and write rate limit
     */
    public record Settings(double maxLiveRatio, long maxBytesPerPass, double ioBytesPerSecond) {
        public static final Settings DEFAULT = new Settings(0.5, 256L << 20, Double.MAX_VALUE);
    }

    /** What one pass did. */
    public record PassStats(int segments, int partitions, long bytesMoved, long nanos) {
    }

    private final LogManager logs;
    private final Settings settings;
    private final IoThrottle throttle;
    private ByteBuffer buffer = ByteBuffer.allocate(64 << 10);

    public SegmentReorganiser(LogManager logs, Settings settings) {
        this.logs = logs;
        this.settings = settings;
        this.throttle = new IoThrottle(settings.ioBytesPerSecond());
    }

    @Override
    protected void pass() throws InterruptedException {
        runOnce();
    }

    @Override
    protected String failureMessage() {
        return "Segment reorganisation failed; it is tried again at the next pass";
    }

    /** Moves the live data out of the sparsest sealed segments; returns what it did. */
    public PassStats runOnce() throws InterruptedException {
        long start = System.nanoTime();
        Set<Integer> victims = chooseSegments();
        if (victims.isEmpty()) {
            return new PassStats(0, 0, 0, System.nanoTime() - start);
        }
        log.debug("Reorganising {} sparse segments of the shared log", victims.size());
        int partitions = 0;
        long moved = 0;
        for (PartitionLog partition : logs.all()) {
            if (stopped()) {
                break;
            }
            if (!partition.hasBatchesIn(victims)) {
                continue;
            }
            try {
                long bytes = move(partition, victims);
                if (bytes > 0) {
                    partitions++;
                    moved += bytes;
                    log.debug("Moved {} live bytes of {} out of sparse segments", bytes, partition.name());
                }
            } catch (StorageException e) {
                log.warn("Could not move the data of {} out of sparse segments ({}); it stays where it is",
                        partition.name(), e.getMessage());
            }
        }
        PassStats stats = new PassStats(victims.size(), partitions, moved, System.nanoTime() - start);
        log.info("Reorganised {} sparse segments of the shared log: moved {} live bytes of {} partitions in {} ms; the "
                + "segments are freed after the next checkpoint", victims.size(), moved, partitions, stats.nanos() / 1_000_000);
        return stats;
    }

    /** The sealed segments with the least live data, oldest first, as many as one pass may move. */
    Set<Integer> chooseSegments() {
        SortedMap<Integer, Long> sealed = logs.storage().sealedSegmentSizes();
        Set<Integer> victims = new HashSet<>();
        if (sealed.isEmpty()) {
            return victims;
        }
        int first = sealed.firstKey();
        long[] live = new long[sealed.lastKey() - first + 1];
        for (PartitionLog partition : logs.all()) {
            partition.addLiveBytes(live, first);
        }
        long budget = settings.maxBytesPerPass();
        for (Map.Entry<Integer, Long> segment : sealed.entrySet()) {
            long liveBytes = live[segment.getKey() - first];
            // no live bytes: the segment goes by itself once its last release comes (maybe after a checkpoint)
            if (liveBytes == 0 || liveBytes >= settings.maxLiveRatio() * segment.getValue() || liveBytes > budget) {
                continue;
            }
            victims.add(segment.getKey());
            budget -= liveBytes;
        }
        return victims;
    }

    /** Copies the partition's durable batches in {@code victims} to the head of the log; returns the bytes moved. */
    private long move(PartitionLog partition, Set<Integer> victims) throws InterruptedException {
        BatchRewriter rewriter = new BatchRewriter(partition, logs);
        long moved = 0;
        try {
            long from = partition.logStartOffset();
            long upTo = partition.highWatermark(); // below it every batch is durable where it lies
            while (from < upTo) {
                PartitionLog.StoredBatches batches = partition.storedBatches(from, upTo, BATCHES_PER_READ);
                if (batches.count() == 0) {
                    break;
                }
                for (int i = 0; i < batches.count(); i++) {
                    if (stopped()) {
                        return 0;
                    }
                    if (batches.lastOffsets()[i] >= upTo || !victims.contains(Locations.segment(batches.locations()[i]))) {
                        continue;
                    }
                    int size = batches.sizes()[i];
                    if (buffer.capacity() < size) {
                        buffer = ByteBuffer.allocate(size);
                    }
                    ByteBuffer bytes = buffer.clear().limit(size);
                    logs.storage().read(batches.locations()[i], bytes);
                    throttle.charge(2L * size);
                    rewriter.replace(batches.baseOffsets()[i], batches.locations()[i], bytes.flip(),
                            batches.maxTimestamps()[i]);
                    moved += size;
                }
                from = batches.lastOffsets()[batches.count() - 1] + 1;
            }
            rewriter.commit();
        } finally {
            rewriter.close();
        }
        return moved;
    }
}
