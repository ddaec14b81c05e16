package io.spillway.log;

import io.spillway.common.Time;
import io.spillway.storage.RecoverySummary;
import io.spillway.storage.SharedLog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * All partition logs of the node over one {@link SharedLog}, looked up by partition key.
 *
 * <p>Thread safe. Startup order: {@link #open} every known partition, then {@link #recover} once.
 */
public final class LogManager implements java.io.Closeable {
    private final SharedLog storage;
    private final Time time;
    private final HighWatermarkListener listener;
    /**
     * By {@link #slot} of the partition key. Why not the key itself: keys are a topic's sequence number shifted
     * left by 24 bits, and {@code Long.hashCode} of such keys collides so often that with a million partitions the
     * map's bins turn into trees (slower lookups, 16 more bytes per entry).
     */
    private final ConcurrentMap<Long, PartitionLog> partitions;

    /** Null: no checkpoint is read or written (every restart replays the whole shared log). */
    private final PartitionCheckpoint checkpoint;

    public LogManager(SharedLog storage, Time time, HighWatermarkListener listener) {
        this(storage, time, listener, 16, null);
    }

    /**
     * @param expectedPartitions how many partitions will be opened at startup: the map is sized for them at once,
     *     rather than rehashed twenty times on the way to a million
     */
    public LogManager(SharedLog storage, Time time, HighWatermarkListener listener, int expectedPartitions,
                      PartitionCheckpoint checkpoint) {
        this.partitions = new ConcurrentHashMap<>(Math.max(16, expectedPartitions));
        this.checkpoint = checkpoint;
        this.storage = storage;
        this.time = time;
        this.listener = listener;
    }

    /** Creates (or returns the existing) log of partition {@code partition} of {@code topic}, stored under {@code partitionKey}. */
    public PartitionLog open(long partitionKey, String topic, int partition, LogConfig config, long logStartOffset) {
        return partitions.computeIfAbsent(slot(partitionKey),
                slot -> new PartitionLog(partitionKey, topic, partition, config, logStartOffset, storage, time, listener));
    }

    public PartitionLog get(long partitionKey) {
        return partitions.get(slot(partitionKey));
    }

    /** The map key of a partition key: a one-to-one mix (an odd multiplier) that spreads every bit into the hash. */
    private static Long slot(long partitionKey) {
        return partitionKey * 0x9E3779B97F4A7C15L;
    }

    /** Removes a partition; its storage is released and nothing of it survives a restart. */
    public void delete(long partitionKey) {
        PartitionLog log = partitions.remove(slot(partitionKey));
        if (log != null) {
            log.delete();
        }
    }

    public Collection<PartitionLog> all() {
        return Collections.unmodifiableCollection(partitions.values());
    }

    /**
     * Rebuilds every opened partition: from the checkpoint, if there is a usable one, and the entries of the shared
     * log after it, else from the whole shared log; then frees segments nobody needs.
     */
    public Recovery recover() {
        PartitionCheckpoint.Restored restored = checkpoint == null ? null : checkpoint.read(this::get);
        RecoverySummary summary = storage.recover((key, location, size, head) -> {
            PartitionLog log = get(key);
            if (log != null) {
                log.recoverBatch(location, size, head);
            }
        }, restored == null ? 0 : restored.replayFrom());
        for (PartitionLog log : partitions.values()) {
            log.finishRecovery();
        }
        storage.deleteUnretainedSegments();
        return new Recovery(summary, restored);
    }

    /** What {@link #recover} did: the shared log's replay, and what came from the checkpoint (null: none used). */
    public record Recovery(RecoverySummary log, PartitionCheckpoint.Restored checkpoint) {
        public String detail() {
            return (checkpoint == null ? "" : String.format(java.util.Locale.ROOT,
                    "%,d partitions from the checkpoint (%,d bytes%s), then ", checkpoint.partitions(), checkpoint.bytes(),
                    checkpoint.skipped() > 0 ? String.format(java.util.Locale.ROOT, ", %,d of deleted partitions skipped",
                            checkpoint.skipped()) : "")) + log.detail();
        }
    }

    /**
     * Writes a checkpoint of every partition now, if this manager keeps one; returns what was written, or null.
     * Called from one thread at a time (the checkpoint task, then shutdown); never on the shared log's own threads.
     */
    public PartitionCheckpoint.Written checkpoint() throws java.io.IOException, InterruptedException {
        if (checkpoint == null) {
            return null;
        }
        List<Integer> due;
        synchronized (releaseAfterCheckpoint) {
            due = new ArrayList<>(releaseAfterCheckpoint);
            releaseAfterCheckpoint.clear();
        }
        PartitionCheckpoint.Written written;
        try {
            written = checkpoint.write(storage, partitions.values());
        } catch (java.io.IOException | InterruptedException | RuntimeException e) {
            releaseAfterNextCheckpoint(due); // the previous checkpoint still refers to them
            throw e;
        }
        due.forEach(storage::release);
        return written;
    }

    /**
     * Segments that rewritten batches (compaction, reorganisation) no longer need, released once a checkpoint written
     * after the rewrite is published: until then a restart restores the batches' old locations from the previous
     * checkpoint, so their segments must stay.
     */
    private final List<Integer> releaseAfterCheckpoint = new ArrayList<>();

    void releaseAfterNextCheckpoint(List<Integer> segments) {
        if (segments.isEmpty()) {
            return;
        }
        synchronized (releaseAfterCheckpoint) {
            releaseAfterCheckpoint.addAll(segments);
        }
    }

    /** How many segment releases wait for the next checkpoint (the checkpoint task writes one soon when any do). */
    public int releasesAwaitingCheckpoint() {
        synchronized (releaseAfterCheckpoint) {
            return releaseAfterCheckpoint.size();
        }
    }

    /** Whether checkpoints are kept. */
    public boolean keepsCheckpoints() {
        return checkpoint != null;
    }

    public SharedLog storage() {
        return storage;
    }

    @Override
    public void close() throws java.io.IOException {
        storage.close();
    }
}
