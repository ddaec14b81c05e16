package io.spillway.storage;

/**
 * Told about each group-commit fsync of a {@link SharedLog}: how long it took and how much it made durable. Lets
 * an upper layer keep fsync statistics (metrics) without the storage engine knowing how they are kept.
 *
 * <p>Thread contract: called on the log's flusher thread, which every acknowledgement waits for. An implementation
 * must return at once: record into counters, never block, never do I/O, never throw.
 */
@FunctionalInterface
public interface SyncListener {
    /** Keeps nothing. */
    SyncListener NONE = (nanos, bytes, entries) -> {
    };

    /**
     * @param nanos how long the fsync took
     * @param bytes bytes written since the previous fsync that this one made durable (the group commit's size)
     * @param entries appends this fsync made durable
     */
    void synced(long nanos, long bytes, long entries);
}
