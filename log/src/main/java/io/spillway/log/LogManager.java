package io.spillway.log;

import io.spillway.common.Time;
import io.spillway.storage.RecoverySummary;
import io.spillway.storage.SharedLog;

import java.util.Collection;
import java.util.Collections;
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

    public LogManager(SharedLog storage, Time time, HighWatermarkListener listener) {
        this(storage, time, listener, 16);
    }

    /**
     * @param expectedPartitions how many partitions will be opened at startup: the map is sized for them at once,
     *     rather than rehashed twenty times on the way to a million
     */
    public LogManager(SharedLog storage, Time time, HighWatermarkListener listener, int expectedPartitions) {
        this.partitions = new ConcurrentHashMap<>(Math.max(16, expectedPartitions));
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

    /** Rebuilds every opened partition from the shared log, then frees segments nobody needs. */
    public RecoverySummary recover() {
        RecoverySummary summary = storage.recover((key, location, size, head) -> {
            PartitionLog log = get(key);
            if (log != null) {
                log.recoverBatch(location, size, head);
            }
        });
        for (PartitionLog log : partitions.values()) {
            log.finishRecovery();
        }
        storage.deleteUnretainedSegments();
        return summary;
    }

    public SharedLog storage() {
        return storage;
    }

    @Override
    public void close() throws java.io.IOException {
        storage.close();
    }
}
