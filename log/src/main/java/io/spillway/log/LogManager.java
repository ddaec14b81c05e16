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
    private final ConcurrentMap<Long, PartitionLog> partitions = new ConcurrentHashMap<>();

    public LogManager(SharedLog storage, Time time, HighWatermarkListener listener) {
        this.storage = storage;
        this.time = time;
        this.listener = listener;
    }

    /** Creates (or returns the existing) log of a partition. */
    public PartitionLog open(long partitionKey, String name, LogConfig config, long logStartOffset) {
        return partitions.computeIfAbsent(partitionKey,
                key -> new PartitionLog(key, name, config, logStartOffset, storage, time, listener));
    }

    public PartitionLog get(long partitionKey) {
        return partitions.get(partitionKey);
    }

    /** Removes a partition; its storage is released and nothing of it survives a restart. */
    public void delete(long partitionKey) {
        PartitionLog log = partitions.remove(partitionKey);
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
            PartitionLog log = partitions.get(key);
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
